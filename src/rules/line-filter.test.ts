import { afterAll, describe, expect, test } from "bun:test"
import { parseMarkers } from "../markers/index.ts"
import { expectRedeemsExactly, redeemAll, withStore } from "../../test/support/pipeline.ts"
import { DEFAULT_STAGE_OPTIONS } from "../sdk/index.ts"
import { lineFilterStage } from "./line-filter.ts"
import type { LineFilter } from "./resolve.ts"

const store = withStore()
afterAll(store.cleanup)

const filter = (f: Partial<LineFilter>): LineFilter => ({ keep: [], strip: [], only: [], replace: [], head: undefined, tail: undefined, ...f })
const run = (text: string, f: Partial<LineFilter>, extra: { lossless?: boolean; segmentBytes?: number; keep?: RegExp[] } = {}) =>
  store.compress(text, {
    kind: "log",
    stages: [lineFilterStage(filter(f))],
    ...(extra.segmentBytes === undefined ? {} : { segmentBytes: extra.segmentBytes }),
    options: { ...DEFAULT_STAGE_OPTIONS, lossless: extra.lossless ?? false, keepPatterns: extra.keep ?? [] },
  })

const pipInstall = [
  "Collecting requests==2.31.0",
  ...Array.from({ length: 6 }, (_, i) => `Requirement already satisfied: package-number-${i} in /usr/lib/python3/dist-packages (from requests) (1.${i}.0)`),
  "Installing collected packages: requests",
  "ERROR: Could not install packages due to an OSError: [Errno 13] Permission denied: '/usr/lib/python3'",
  ...Array.from({ length: 5 }, (_, i) => `Requirement already satisfied: other-package-${i} in /usr/lib/python3/dist-packages (2.${i}.1)`),
]

describe("rule line filter", () => {
  test("strip_lines: each run of stripped lines becomes one marker redeeming exactly those lines", async () => {
    const input = `${pipInstall.join("\n")}\n`
    const { text } = await run(input, { strip: [/^Requirement already satisfied/] })
    expect(text).toContain("Collecting requests==2.31.0")
    expect(text).toContain("ERROR: Could not install packages")
    expect(text).not.toContain("Requirement already satisfied: package-number-3")
    expect(text.endsWith("\n")).toBe(true)
    const markers = await expectRedeemsExactly(store, text, input)
    expect(markers.map((m) => m.range)).toEqual([
      { from: 2, to: 7 },
      { from: 10, to: 14 },
    ])
    expect(markers[0]!.summary).toStartWith("6 lines removed by rules")
  })

  test("keep_lines and --keep protect a line from strip_lines", async () => {
    const input = pipInstall.join("\n")
    const { text } = await run(input, { strip: [/^Requirement/], keep: [/package-number-2\b/] }, { keep: [/other-package-4/] })
    expect(text).toContain("package-number-2 in")
    expect(text).toContain("other-package-4 in")
    expect(text).not.toContain("package-number-1 in")
    // No final newline in, none out.
    expect(text.endsWith("\n")).toBe(false)
    await expectRedeemsExactly(store, text, input)
  })

  test("only_lines keeps matching lines and markers for the rest; keep_lines still wins", async () => {
    const input = `${pipInstall.join("\n")}\n`
    const { text } = await run(input, { only: [/^(ERROR|Installing)/], keep: [/^Collecting/] })
    const kept = text.split("\n").filter((l) => !l.startsWith("[…") && l !== "")
    expect(kept).toEqual(["Collecting requests==2.31.0", "Installing collected packages: requests", pipInstall[8]!])
    await expectRedeemsExactly(store, text, input)
  })

  test("replace rewrites lines and one closing marker redeems the block as it was", async () => {
    const input = `${Array.from({ length: 12 }, (_, i) => `2024-05-01T10:00:${String(i).padStart(2, "0")}.1234567Z step ${i} done in ${i * 3} ms`).join("\n")}\n`
    const { text } = await run(input, { replace: [{ pattern: /^\S+Z /, with: "" }], keep: [/step 7 /] })
    expect(text).toContain("\nstep 3 done in 9 ms\n")
    // A kept line is never rewritten.
    expect(text).toContain("2024-05-01T10:00:07.1234567Z step 7 done")
    const markers = parseMarkers(text)
    expect(markers).toHaveLength(1)
    expect(markers[0]!.summary).toBe("11 lines rewritten by rules")
    expect(await redeemAll(store, text)).toEqual([input])
  })

  test("replace rewrites every match in a line and $1 refers to a group", async () => {
    const input = "session=7f3a9c1e2b4d6f80 user=alice session=0a1b2c3d4e5f6789 user=bob\n".repeat(8)
    const { text } = await run(input, { replace: [{ pattern: /session=\w+ user=(\w+)/, with: "$1" }] })
    expect(text).toContain("\nalice bob\n")
  })

  test("head and tail keep the first and last lines, the middle behind one marker", async () => {
    const lines = Array.from({ length: 100 }, (_, i) => `compiling module number ${i} of the project with flags -O2 -g`)
    lines[50] = "error: undefined reference to `main'"
    const input = `${lines.join("\n")}\n`
    const { text } = await run(input, { head: 3, tail: 2, keep: [/^error/] })
    const markers = await expectRedeemsExactly(store, text, input)
    expect(markers.map((m) => m.range)).toEqual([
      { from: 4, to: 50 },
      { from: 52, to: 98 },
    ])
    for (const i of [0, 1, 2, 50, 98, 99]) expect(text).toContain(`${lines[i]!}\n`)
    expect(text).not.toContain(lines[3]!)
  })

  test("head and tail are the stream's, across segments", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `compiling module number ${i} of the project with flags -O2 -g`)
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await run(input, { head: 3, tail: 2 }, { segmentBytes: 64 * 1024 })
    expect(summary.segments).toBeGreaterThan(2)
    const kept = text.split("\n").filter((l) => l !== "" && parseMarkers(l).length === 0)
    expect(kept).toEqual([0, 1, 2, 2998, 2999].map((i) => lines[i]!))
    expect((await redeemAll(store, text)).join("")).toContain(lines[1500]!)
  })

  test("head and tail count the lines left after strip_lines", async () => {
    const input = ["a noisy progress line 1", "keep me 1", "a noisy progress line 2", "keep me 2", "keep me 3", "keep me 4"].join("\n")
    const { text } = await run(input, { strip: [/noisy/], head: 1, tail: 1 })
    expect(text).toContain("keep me 1")
    expect(text).toContain("keep me 4")
    expect(text).not.toContain("keep me 2")
    await expectRedeemsExactly(store, text, input)
  })

  test("head counts from the start of the stream across segments", async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `line ${i}: a routine message from the build that nobody reads`)
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await run(input, { head: 5 }, { segmentBytes: 4096 })
    expect(summary.segments).toBeGreaterThan(3)
    const kept = text.split("\n").filter((l) => l.startsWith("line "))
    expect(kept).toEqual(lines.slice(0, 5))
    await redeemAll(store, text)
  })

  test("short scattered lines are folded into one closing marker instead of a marker each", async () => {
    const lines: Array<string> = []
    for (let i = 0; i < 10; i++) lines.push(`##[group]Run step ${i}`, `running step ${i} with some output that matters`, "##[endgroup]")
    const input = `${lines.join("\n")}\n`
    const { text } = await run(input, { strip: [/^##\[endgroup\]$/] })
    expect(text).not.toContain("##[endgroup]")
    const markers = parseMarkers(text)
    expect(markers).toHaveLength(1)
    expect(markers[0]!.summary).toBe("10 short lines removed by rules in 10 places")
    expect(await redeemAll(store, text)).toEqual([input])
    expect(text.endsWith("]\n")).toBe(true)
  })

  test("CRLF lines are matched without their CR and keep it; markers get one too", async () => {
    const lines = ["start", ...Array.from({ length: 8 }, (_, i) => `Downloading https://repo.example.org/artifact-${i}.jar (120 kB)`), "done"]
    const input = `${lines.join("\r\n")}\r\n`
    const { text } = await run(input, { strip: [/^Downloading .*\)$/] })
    expect(text).toMatch(/^start\r\n\[… 8 lines removed by rules: "Downloading [^\n]*\]\r\ndone\r\n$/)
    await expectRedeemsExactly(store, text, input)
  })

  test("--lossless leaves the block alone", async () => {
    const input = `${pipInstall.join("\n")}\n`
    const { text } = await run(input, { strip: [/^Requirement/] }, { lossless: true })
    expect(text).toBe(input)
  })

  test("runs in linear time on 100k lines", async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? `Downloading chunk ${i} of the archive (${i % 97} kB)` : `compiled unit ${i} ok`))
    const input = `${lines.join("\n")}\n`
    const started = performance.now()
    const { text } = await run(input, { strip: [/^Downloading/], keep: [/unit 5\d{4} ok/], replace: [{ pattern: /ok$/, with: "OK" }], tail: 20_000 })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(text).toContain("compiled unit 99998 OK")
    expect(text).toContain("compiled unit 50000 ok")
  })
})
