import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const main = resolve(import.meta.dir, "../../main.ts")
const dir = mkdtempSync(join(tmpdir(), "headroom-expand-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const headroom = (args: Array<string>, stdin?: string) => {
  const result = Bun.spawnSync([process.execPath, main, ...args], {
    stdin: stdin === undefined ? "ignore" : new TextEncoder().encode(stdin),
    env: { ...process.env, HEADROOM_HOME: join(dir, "home") },
  })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

describe("headroom expand", () => {
  test("turns a table back into JSON, from standard input or a file", () => {
    const table = '{"pods":[#2{name,node="kind-worker",restarts}\n"api",0\n"db",\n]}\n'
    const expected = '{"pods":[{"name":"api","node":"kind-worker","restarts":0},{"name":"db","node":"kind-worker"}]}\n'
    expect(headroom(["expand"], table)).toEqual({ code: 0, stdout: expected, stderr: "" })
    const file = join(dir, "pods.hr.json")
    writeFileSync(file, table)
    expect(headroom(["expand", file]).stdout).toBe(expected)
  })

  test("undoes compress --lossless", () => {
    const input = JSON.stringify({ items: Array.from({ length: 30 }, (_, i) => ({ id: i, price: `${i}.50`, ratio: 1.0, big: 12345678901234567890 + i, ok: i % 7 !== 0 })) }, null, 2)
      .replace('"ratio": 1', '"ratio": 1.0')
    const compressed = headroom(["compress", "--type", "json", "--lossless"], input)
    expect(compressed.code).toBe(0)
    expect(compressed.stdout.length).toBeLessThan(input.length / 2)
    const expanded = headroom(["expand"], compressed.stdout)
    expect(expanded.code).toBe(0)
    expect(JSON.parse(expanded.stdout)).toEqual(JSON.parse(input))
    expect(expanded.stdout).toContain('"ratio":1.0')
  })

  test("refuses lossy output and names the hash that holds the original", () => {
    const input = JSON.stringify(Array.from({ length: 200 }, (_, i) => ({ id: i, status: i === 50 ? "failed" : "ok" })))
    const lossy = headroom(["compress", "--type", "json"], input)
    const expanded = headroom(["expand"], lossy.stdout)
    expect(expanded.code).toBe(1)
    expect(expanded.stdout).toBe("")
    expect(expanded.stderr).toMatch(/^headroom: standard input: this is lossy output .* `headroom retrieve [0-9a-f]{12}` prints the original\n$/)
  })

  test("refuses input that is neither JSON nor the table format, saying where", () => {
    const expanded = headroom(["expand"], '{"a": [1,\n  2,,3]}')
    expect(expanded).toEqual({ code: 1, stdout: "", stderr: "headroom: standard input: not JSON nor headroom's JSON table format: unexpected \",\" at line 2, column 5\n" })
    expect(headroom(["expand", join(dir, "missing.json")]).code).toBe(1)
  })

  test("is listed in help", () => {
    expect(headroom(["help"]).stdout).toContain("expand")
    expect(headroom(["help", "expand"]).stdout).toContain("headroom expand [FILE]")
  })
})
