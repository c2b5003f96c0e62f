import { messageAndStack } from "./lines.ts"
import { matchesAny, plural, splitLines, type EntryLine, type Report, type ReportItem } from "./report.ts"
import { asArray, asNumber, asRecord, asString, baseName, valueLines } from "./values.ts"

/**
 * The mocha JSON reporter: `{ stats, tests, pending, failures, passes }`. The counts line uses
 * mocha's own words (passes, failures, pending); failures keep their message, expected/actual
 * and the stack frames in test code.
 */
export const readMocha = (value: unknown, keepPatterns: ReadonlyArray<RegExp>, lineCount: number): Report | undefined => {
  const report = asRecord(value)
  const stats = asRecord(report?.stats)
  if (report === undefined || stats === undefined) return undefined
  const tests = asArray(report.tests)
  const failures = asArray(report.failures)
  const passes = asArray(report.passes)
  const pending = asArray(report.pending)
  if (tests === undefined && failures === undefined && passes === undefined) return undefined

  const count = (field: string, fallback: ReadonlyArray<unknown> | undefined) => asNumber(stats[field]) ?? fallback?.length ?? 0
  const duration = asNumber(stats.duration)
  const suites = asNumber(stats.suites)
  const counts =
    `mocha: ${plural(count("tests", tests), "test")}: ${count("passes", passes)} passes, ${count("failures", failures)} failures, ` +
    `${count("pending", pending)} pending${suites === undefined ? "" : ` · ${plural(suites, "suite")}`}${duration === undefined ? "" : ` · ${duration}ms`}`
  const items: Array<ReportItem> = [{ type: "counts", text: counts }]

  const skipped = (pending ?? []).flatMap((t) => {
    const name = title(asRecord(t))
    return name === undefined ? [] : [{ name }]
  })
  if (skipped.length > 0) items.push({ type: "skipped", tests: skipped })

  // Reporters that leave out the failures array still give each failed test its error.
  const failed = failures ?? (tests ?? []).filter((t) => asString(asRecord(asRecord(t)?.err)?.message) !== undefined)
  for (const failure of failed) {
    const t = asRecord(failure)
    const name = title(t)
    if (t === undefined || name === undefined) continue
    items.push({
      type: "entry",
      entry: { header: `failed ${name}${where(t)}`, lines: errorLines(asRecord(t.err), t), kept: matchesAny(keepPatterns, name) || matchesAny(keepPatterns, errorText(t)) },
    })
  }
  for (const pass of passes ?? []) {
    const t = asRecord(pass)
    const name = title(t)
    if (t !== undefined && name !== undefined && matchesAny(keepPatterns, name)) {
      items.push({ type: "entry", entry: { header: `passed ${name}${where(t)}`, lines: [], kept: true } })
    }
  }
  const passing = count("passes", passes)
  return { items, summary: `${plural(lineCount, "line")} of mocha JSON condensed, ${passing} passing tests dropped` }
}

const errorText = (t: Record<string, unknown>): string => {
  const err = asRecord(t.err)
  return `${asString(err?.message) ?? ""}\n${asString(err?.stack) ?? ""}`
}

const title = (t: Record<string, unknown> | undefined): string | undefined => asString(t?.fullTitle) ?? asString(t?.title)

const where = (t: Record<string, unknown>): string => {
  const file = asString(t.file)
  const duration = asNumber(t.duration)
  const parts = [file, duration === undefined ? undefined : `${duration}ms`].filter((p) => p !== undefined)
  return parts.length === 0 ? "" : ` (${parts.join(", ")})`
}

const errorLines = (err: Record<string, unknown> | undefined, test: Record<string, unknown>): Array<EntryLine> => {
  if (err === undefined) return []
  const message = splitLines(asString(err.message) ?? "")
  const stack = splitLines(asString(err.stack) ?? "")
  const file = asString(test.file)
  const names = file === undefined ? [] : [baseName(file)]
  const lines = messageAndStack(message[0] === "" ? [] : message, stack[0] === "" ? [] : stack, names)
  // Expected and actual go right under the message, above the stack.
  const diff: Array<EntryLine> = []
  for (const side of ["expected", "actual"] as const) {
    if (!(side in err)) continue
    for (const [i, text] of valueLines(err[side]).entries()) diff.push({ text: i === 0 ? `${side}: ${text}` : text, role: "pointer" })
  }
  let afterMessage = 0
  while (afterMessage < lines.length && lines[afterMessage]!.role === "message") afterMessage++
  lines.splice(afterMessage, 0, ...diff)
  return lines
}
