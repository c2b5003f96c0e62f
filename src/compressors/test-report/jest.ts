import { isFrame, roleOf } from "./lines.ts"
import { matchesAny, plural, splitLines, type EntryLine, type Report, type ReportItem, type SkippedTest, type TestEntry } from "./report.ts"
import { asArray, asNumber, asRecord, asString, baseName } from "./values.ts"

/**
 * jest --json (and vitest's jest-compatible JSON): totals, one counts line per test file, then
 * each failed assertion with its failure messages, and each file that failed to run at all.
 */
export const readJest = (value: unknown, keepPatterns: ReadonlyArray<RegExp>, lineCount: number): Report | undefined => {
  const report = asRecord(value)
  const files = asArray(report?.testResults)
  if (report === undefined || files === undefined || asNumber(report.numTotalTests) === undefined) return undefined
  const n = (field: string) => asNumber(report[field]) ?? 0

  let end: number | undefined
  for (const f of files) {
    const e = asNumber(asRecord(f)?.endTime)
    if (e !== undefined && (end === undefined || e > end)) end = e
  }
  const start = asNumber(report.startTime)
  const todo = n("numTodoTests")
  const runtimeErrors = n("numRuntimeErrorTestSuites")
  const success = typeof report.success === "boolean" ? ` · ${report.success ? "success" : "failure"}` : ""
  const counts =
    `jest: ${plural(n("numTotalTests"), "test")}: ${n("numPassedTests")} passed, ${n("numFailedTests")} failed, ${n("numPendingTests")} pending` +
    `${todo > 0 ? `, ${todo} todo` : ""} · ${plural(n("numTotalTestSuites"), "suite")}: ${n("numPassedTestSuites")} passed, ${n("numFailedTestSuites")} failed` +
    `${runtimeErrors > 0 ? ` (${runtimeErrors} could not run)` : ""}${success}` +
    `${start !== undefined && end !== undefined && end >= start ? ` · ${end - start}ms` : ""}`
  const items: Array<ReportItem> = [{ type: "counts", text: counts }]

  let passing = 0
  for (const file of files) {
    const f = asRecord(file)
    const name = asString(f?.name)
    if (f === undefined || name === undefined) continue
    const names = [baseName(name)]
    const tally = { passed: 0, failed: 0, pending: 0 }
    const skipped: Array<SkippedTest> = []
    const entries: Array<TestEntry> = []
    for (const result of asArray(f.assertionResults) ?? []) {
      const a = asRecord(result)
      const title = a === undefined ? undefined : testName(a)
      if (a === undefined || title === undefined) continue
      const line = asNumber(asRecord(a.location)?.line)
      const where = ` (${baseName(name)}${line === undefined ? "" : `:${line}`}${durationOf(a)})`
      const status = asString(a.status)
      const messages = (asArray(a.failureMessages) ?? []).map((m) => asString(m) ?? "")
      const kept = matchesAny(keepPatterns, title) || messages.some((m) => matchesAny(keepPatterns, m))
      if (status === "passed") {
        tally.passed++
        passing++
        if (kept) entries.push({ header: `passed ${title}${where}`, lines: [], kept })
      } else if (status === "failed") {
        tally.failed++
        const lines = messages.flatMap((m) => messageThenStack(splitLines(m), names))
        entries.push({ header: `failed ${title}${where}`, lines, kept })
      } else {
        tally.pending++
        skipped.push({ name: title, ...(status === undefined ? {} : { reason: status }) })
      }
    }
    const status = asString(f.status) ?? (tally.failed > 0 ? "failed" : "passed")
    // A file that failed without a failed test did not run: its message says why (a syntax error, a missing module).
    const message = asString(f.message) ?? asString(f.failureMessage) ?? ""
    if (status === "failed" && tally.failed === 0 && message.trim() !== "") {
      entries.unshift({ header: `failed ${name}: the test file did not run`, lines: messageThenStack(splitLines(message), names), kept: false })
    }
    const perf = asRecord(f.perfStats)
    const runtime = asNumber(perf?.runtime) ?? spanOf(asNumber(f.startTime), asNumber(f.endTime))
    const line = `${status} ${name}: ${tally.passed} passed${tally.failed > 0 ? `, ${tally.failed} failed` : ""}${tally.pending > 0 ? `, ${tally.pending} pending` : ""}${runtime === undefined ? "" : ` (${runtime}ms)`}`
    items.push({ type: "group", name, text: line, notable: status !== "passed" || tally.failed + tally.pending > 0 })
    if (skipped.length > 0) items.push({ type: "skipped", tests: skipped })
    for (const entry of entries) items.push({ type: "entry", entry })
  }
  return { items, summary: `${plural(lineCount, "line")} of jest JSON condensed, ${passing} passing tests dropped` }
}

const testName = (a: Record<string, unknown>): string | undefined => {
  const full = asString(a.fullName)
  if (full !== undefined && full !== "") return full
  const title = asString(a.title)
  if (title === undefined) return undefined
  const ancestors = (asArray(a.ancestorTitles) ?? []).filter((t): t is string => typeof t === "string")
  return [...ancestors, title].join(" › ")
}

const durationOf = (a: Record<string, unknown>): string => {
  const d = asNumber(a.duration)
  return d === undefined ? "" : `, ${d}ms`
}

// Jest writes 0 for the times of a file that did not run.
const spanOf = (start: number | undefined, end: number | undefined): number | undefined =>
  start !== undefined && end !== undefined && start > 0 && end >= start ? end - start : undefined

/** Jest prints the message first and the stack under it: message lines up to the first frame. */
const messageThenStack = (lines: ReadonlyArray<string>, names: ReadonlyArray<string>): Array<EntryLine> => {
  let inStack = false
  return lines.map((text) => {
    if (!inStack && isFrame(text)) inStack = true
    return { text, role: inStack ? roleOf(text, names) : "message" }
  })
}
