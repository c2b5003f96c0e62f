import { VERSION } from "../version.ts"
import { formatBytes, formatCount, formatDuration, formatRate } from "./progress.ts"

export type FileStatus = "compressed" | "unchanged" | "up-to-date" | "skipped" | "failed"

/** What happened to one file; up-to-date files carry what the manifest recorded for them. */
export interface FileRecord {
  readonly input: string
  /** Where the output is (or would be, on a dry run); none for inputs that name no file. */
  readonly output: string | undefined
  readonly status: FileStatus
  readonly bytesIn: number
  readonly bytesOut: number
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly ms: number
  readonly error?: string
}

/** Sums over the files compressed on this run (compressed and unchanged): the work done. */
export interface Totals {
  readonly files: number
  readonly compressed: number
  readonly unchanged: number
  readonly upToDate: number
  readonly skipped: number
  readonly failed: number
  readonly bytesIn: number
  readonly bytesOut: number
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly savedPct: number
  readonly ms: number
}

export const savedPct = (before: number, after: number): number => (before === 0 ? 0 : Math.round((1 - after / before) * 1000) / 10)

export const totalsOf = (records: ReadonlyArray<FileRecord>, ms: number): Totals => {
  const done = records.filter((r) => r.status === "compressed" || r.status === "unchanged")
  const sum = (f: (r: FileRecord) => number) => done.reduce((a, r) => a + f(r), 0)
  const count = (status: FileStatus) => records.filter((r) => r.status === status).length
  const tokensBefore = sum((r) => r.tokensBefore)
  const tokensAfter = sum((r) => r.tokensAfter)
  return {
    files: records.length,
    compressed: count("compressed"),
    unchanged: count("unchanged"),
    upToDate: count("up-to-date"),
    skipped: count("skipped"),
    failed: count("failed"),
    bytesIn: sum((r) => r.bytesIn),
    bytesOut: sum((r) => r.bytesOut),
    tokensBefore,
    tokensAfter,
    savedPct: savedPct(tokensBefore, tokensAfter),
    ms,
  }
}

const TOP = 10

/** The files that saved the most tokens on this run (ties by path), as a table. */
export const formatLargestSavings = (records: ReadonlyArray<FileRecord>): Array<string> => {
  const top = records
    .filter((r) => r.status === "compressed")
    .sort((a, b) => b.tokensBefore - b.tokensAfter - (a.tokensBefore - a.tokensAfter) || (a.input < b.input ? -1 : 1))
    .slice(0, TOP)
  if (top.length === 0) return []
  const rows = top.map((r) => [r.input, formatCount(r.tokensBefore), formatCount(r.tokensAfter), `${savedPct(r.tokensBefore, r.tokensAfter)}%`])
  const header = ["largest savings", "tokens", "→ after", "saved"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: Array<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  return [line(header), ...rows.map(line)]
}

/** `compressed 38 · unchanged 2 · up to date 5 · skipped 1 · failed 0 · 120.0 MB → 8.1 MB · …` */
export const formatTotals = (totals: Totals, dryRun: boolean): string => {
  const counts = [
    `compressed ${totals.compressed}`,
    `unchanged ${totals.unchanged}`,
    `up to date ${totals.upToDate}`,
    `skipped ${totals.skipped}`,
    `failed ${totals.failed}`,
  ]
  const sign = totals.savedPct > 0 ? "−" : totals.savedPct < 0 ? "+" : "±"
  // Bytes, tokens and rate describe the files compressed on this run; there may be none.
  const work =
    totals.compressed + totals.unchanged === 0
      ? [formatDuration(totals.ms)]
      : [
          `${formatBytes(totals.bytesIn)} → ${formatBytes(totals.bytesOut)}`,
          `${formatCount(totals.tokensBefore)} → ${formatCount(totals.tokensAfter)} tokens (${sign}${Math.abs(totals.savedPct)}%)`,
          formatDuration(totals.ms),
          formatRate(totals.bytesIn, totals.ms),
        ]
  return `${[...counts, ...work].join(" · ")}${dryRun ? " · dry run: nothing written" : ""}`
}

/** The `--report` document: the same facts per file as JSON, files in path order. */
export const reportJson = (records: ReadonlyArray<FileRecord>, totals: Totals, fingerprint: string, dryRun: boolean) => ({
  version: VERSION,
  config_fingerprint: fingerprint,
  dry_run: dryRun,
  totals: {
    files: totals.files,
    compressed: totals.compressed,
    unchanged: totals.unchanged,
    up_to_date: totals.upToDate,
    skipped: totals.skipped,
    failed: totals.failed,
    bytes_in: totals.bytesIn,
    bytes_out: totals.bytesOut,
    tokens_before: totals.tokensBefore,
    tokens_after: totals.tokensAfter,
    saved_pct: totals.savedPct,
    ms: Math.round(totals.ms),
  },
  files: [...records]
    .sort((a, b) => (a.input < b.input ? -1 : a.input > b.input ? 1 : 0))
    .map((r) => ({
      input: r.input,
      output: r.output ?? null,
      status: r.status,
      bytes_in: r.bytesIn,
      bytes_out: r.bytesOut,
      tokens_before: r.tokensBefore,
      tokens_after: r.tokensAfter,
      saved_pct: savedPct(r.tokensBefore, r.tokensAfter),
      ms: Math.round(r.ms * 10) / 10,
      ...(r.error === undefined ? {} : { error: r.error }),
    })),
})
