import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { MANIFEST_NAME, freshness, readManifest, writeManifest, type ManifestEntry } from "./manifest.ts"

const entry: ManifestEntry = {
  size: 1200,
  mtimeMs: 1_700_000_000_000.5,
  sha256: "ab".repeat(32),
  fingerprint: "f1",
  outputSize: 300,
  tokensBefore: 400,
  tokensAfter: 90,
}

let dir = ""
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "headroom-manifest-"))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("freshness", () => {
  const input = { size: 1200, mtimeMs: entry.mtimeMs }
  test("same size, time, configuration and output: fresh, without reading the input", () => {
    expect(freshness(entry, input, "f1", 300)).toEqual({ state: "fresh" })
  })
  test("only the time moved: the content hash decides", () => {
    expect(freshness(entry, { ...input, mtimeMs: entry.mtimeMs + 1 }, "f1", 300)).toEqual({ state: "verify", sha256: entry.sha256 })
  })
  test("new input size, other configuration, missing or altered output, no entry: stale", () => {
    expect(freshness(entry, { ...input, size: 1201 }, "f1", 300).state).toBe("stale")
    expect(freshness(entry, input, "f2", 300).state).toBe("stale")
    expect(freshness(entry, input, "f1", undefined).state).toBe("stale")
    expect(freshness(entry, input, "f1", 299).state).toBe("stale")
    expect(freshness(undefined, input, "f1", 300).state).toBe("stale")
  })
})

describe("the manifest file", () => {
  test("round-trips, sorted by path, written atomically (no temp file left)", async () => {
    await writeManifest(dir, new Map([["z/b.log", entry], ["a.log", { ...entry, size: 5 }]]))
    const text = readFileSync(join(dir, MANIFEST_NAME), "utf8")
    expect(text.indexOf('"a.log"')).toBeLessThan(text.indexOf('"z/b.log"'))
    expect(readManifest(dir)).toEqual(new Map([["a.log", { ...entry, size: 5 }], ["z/b.log", entry]]))
    expect(readdirSync(dir)).toEqual([MANIFEST_NAME])
  })
  test("a missing, corrupt or foreign manifest reads as empty: everything is redone", () => {
    expect(readManifest(join(dir, "nothing-here")).size).toBe(0)
    writeFileSync(join(dir, MANIFEST_NAME), "{ not json")
    expect(readManifest(dir).size).toBe(0)
    writeFileSync(join(dir, MANIFEST_NAME), JSON.stringify({ format: 99, files: { "a.log": entry } }))
    expect(readManifest(dir).size).toBe(0)
    writeFileSync(join(dir, MANIFEST_NAME), JSON.stringify({ format: 1, files: { "a.log": entry, "b.log": { size: "big" } } }))
    expect([...readManifest(dir).keys()]).toEqual(["a.log"])
  })
})
