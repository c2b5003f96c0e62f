/**
 * End-to-end: JSON through the compiled binary. `compress --lossless` then `expand` gives back
 * the original; lossy output keeps what matters and its markers redeem through `retrieve`.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { readFileSync, readdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseMarkers } from "../../src/markers/index.ts"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const fixtures = resolve(import.meta.dir, "../fixtures/json")
const binary = useBinary()
let dir = ""
let run: BinaryRun
beforeAll(() => {
  ;({ dir, run } = binary())
})

describe("JSON through the binary", () => {
  test("compress --type json --lossless, then expand: the same JSON, numbers spelled the same", () => {
    for (const file of readdirSync(fixtures).filter((f) => f.endsWith(".json"))) {
      const input = readFileSync(join(fixtures, file), "utf8")
      const compressed = run(["compress", "--type", "json", "--lossless"], input)
      expect(compressed.code).toBe(0)
      expect(compressed.stdout.length).toBeLessThan(input.length)
      const path = join(dir, `${file}.hr`)
      writeFileSync(path, compressed.stdout)
      const expanded = run(["expand", path])
      expect(expanded.code).toBe(0)
      expect(JSON.parse(expanded.stdout)).toEqual(JSON.parse(input))
    }
    const spelled = '{"ints":[12345678901234567890,-0],"floats":[1.0,1e5,2.50],"s":"\\u00e9\\n"}'
    const back = run(["expand"], run(["compress", "--type", "json", "--lossless"], spelled).stdout)
    expect(back.stdout).toBe('{"ints":[12345678901234567890,-0],"floats":[1.0,1e5,2.50],"s":"é\\n"}\n')
  })

  test("balanced keeps the telling items; every marker redeems; expand refuses the lossy output", () => {
    const input = readFileSync(join(fixtures, "aws-ec2-describe-instances.json"), "utf8")
    const out = run(["compress", "--type", "json", "--stats"], input)
    expect(out.code).toBe(0)
    expect(out.stderr).toMatch(/· json · [\d,]+ → [\d,]+ tokens \(−[6-9]\d(\.\d)?%\)/)
    expect(out.stdout).toContain('"Reservations":[#13')
    // The one instance in another availability zone stays.
    expect(out.stdout).toContain("us-east-1e")
    const markers = parseMarkers(out.stdout)
    expect(markers.length).toBeGreaterThan(0)
    for (const marker of markers) {
      const ref = marker.range === undefined ? marker.hash! : `${marker.hash}:${marker.range.from}-${marker.range.to}`
      const back = run(["retrieve", ref])
      expect(back.code).toBe(0)
      if (marker.range === undefined) expect(back.stdout).toBe(input)
      else expect(back.stdout).toBe(input.split("\n").slice(marker.range.from - 1, marker.range.to).map((l) => `${l}\n`).join(""))
    }
    const expanded = run(["expand"], out.stdout)
    expect(expanded.code).toBe(1)
    expect(expanded.stderr).toContain(`headroom retrieve ${markers[0]!.hash}`)
  })

  test("malformed JSON goes through as text, without an error", () => {
    const input = '{\n  "items": [1, 2,\n'
    const out = run(["compress", "--type", "json"], input)
    expect(out.code).toBe(0)
    expect(out.stdout).toBe(input)
    expect(out.stderr).toBe("")
  })
})
