import { describe, expect, test } from "bun:test"
import { formatLargestSavings, formatTotals, reportJson, totalsOf, type FileRecord } from "./report.ts"

const record = (input: string, before: number, after: number, status: FileRecord["status"] = "compressed"): FileRecord => ({
  input,
  output: `out/${input}`,
  status,
  bytesIn: before * 4,
  bytesOut: after * 4,
  tokensBefore: before,
  tokensAfter: after,
  ms: 12.34,
})

describe("the end of a batch", () => {
  const records = [
    record("b.log", 1000, 100),
    record("a.log", 5000, 4000),
    record("c.json", 300, 300, "unchanged"),
    record("d.log", 9000, 10, "up-to-date"),
    { ...record("e.bin", 0, 0, "skipped"), error: "looks like binary data" },
  ]
  const totals = totalsOf(records, 2500)

  test("the largest savings, by tokens saved, compressed files only", () => {
    expect(formatLargestSavings(records)).toEqual([
      "largest savings  tokens  → after  saved",
      "a.log             5,000    4,000    20%",
      "b.log             1,000      100    90%",
    ])
  })
  test("totals count every status; bytes and tokens are this run's work", () => {
    expect(formatTotals(totals, false)).toBe(
      "compressed 2 · unchanged 1 · up to date 1 · skipped 1 · failed 0 · 25.2 kB → 17.6 kB · 6,300 → 4,400 tokens (−30.2%) · 2.5s · 0.0 MB/s",
    )
    expect(formatTotals(totalsOf(records.slice(3), 100), true)).toBe(
      "compressed 0 · unchanged 0 · up to date 1 · skipped 1 · failed 0 · 0.1s · dry run: nothing written",
    )
  })
  test("the --report document lists every file in path order", () => {
    const report = reportJson(records, totals, "f1", false)
    expect(report.totals).toMatchObject({ files: 5, compressed: 2, skipped: 1, tokens_before: 6300, tokens_after: 4400, saved_pct: 30.2 })
    expect(report.files.map((f) => f.input)).toEqual(["a.log", "b.log", "c.json", "d.log", "e.bin"])
    expect(report.files[4]).toEqual({
      input: "e.bin",
      output: "out/e.bin",
      status: "skipped",
      bytes_in: 0,
      bytes_out: 0,
      tokens_before: 0,
      tokens_after: 0,
      saved_pct: 0,
      ms: 12.3,
      error: "looks like binary data",
    })
  })
})
