import { afterAll, expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { readTrust, trustFile, trustOf, writeTrust } from "./trust.ts"

const dir = mkdtempSync(join(tmpdir(), "headroom-trust-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const A = "a".repeat(64)
const B = "b".repeat(64)

test("records are written atomically, readable by the user alone, and read back", () => {
  const env = { HOME: join(dir, "home") }
  expect(readTrust(env)).toEqual({ records: new Map() })
  writeTrust(env, new Map([["/p/z.ts", A], ["/p/a.ts", B]]))
  const file = trustFile(env)
  expect(file).toBe(join(dir, "home/.config/headroom/trusted-plugins.json"))
  expect(statSync(file).mode & 0o777).toBe(0o600)
  expect(readdirSync(join(dir, "home/.config/headroom"))).toEqual(["trusted-plugins.json"])
  expect(readTrust(env)).toEqual({ records: new Map([["/p/a.ts", B], ["/p/z.ts", A]]) })
  expect(Bun.file(file).text()).resolves.toBe(`{\n  "version": 1,\n  "trusted": {\n    "/p/a.ts": "${B}",\n    "/p/z.ts": "${A}"\n  }\n}\n`)
})

test("$XDG_CONFIG_HOME is honoured", () => {
  expect(trustFile({ HOME: "/home/u", XDG_CONFIG_HOME: "/cfg" })).toBe("/cfg/headroom/trusted-plugins.json")
})

test("a file that is not a trust file is an error, not an empty list", () => {
  const env = { XDG_CONFIG_HOME: join(dir, "broken") }
  mkdirSync(join(dir, "broken/headroom"), { recursive: true })
  writeFileSync(trustFile(env), '{"trusted": {"/p/a.ts": "not a hash"}}')
  expect(readTrust(env)).toEqual({ error: expect.stringMatching(/^not a trust file: expected \{/) })
})

test("a plugin is trusted only with the hash recorded for its path", () => {
  const records = new Map([["/p/a.ts", A]])
  expect(trustOf(records, "/p/a.ts", A)).toBe("trusted")
  expect(trustOf(records, "/p/a.ts", B)).toBe("changed")
  expect(trustOf(records, "/elsewhere/a.ts", A)).toBe("untrusted")
})
