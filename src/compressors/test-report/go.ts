import { HeldOutput } from "./held.ts"
import { roleOf } from "./lines.ts"
import { matchesAny, plural, splitLines, type LineRole, type Report, type ReportItem, type SkippedTest, type TestEntry } from "./report.ts"

/**
 * go test -json (test2json events, one per line). A long stream arrives in segments: what a
 * test printed is held until its pass/fail/skip event, counts add up per package, and the totals
 * come out with the last segment. Each segment's report holds the packages and tests that ended
 * in it.
 */

interface GoEvent {
  readonly Action: string
  readonly Package?: string
  readonly ImportPath?: string
  readonly Test?: string
  readonly Output?: string
  readonly Elapsed?: number
  readonly Time?: string
  readonly FailedBuild?: string
}

interface PackageTally {
  passed: number
  failed: number
  skipped: number
  /** The package's own result, once it has come. */
  result?: "pass" | "fail" | "skip"
  elapsed?: number
  coverage?: string
  failedBuild?: string
}

/** Where a segment's tests ended up, per package, in the order packages appear. */
interface PackageNews {
  readonly entries: Array<TestEntry>
  readonly skipped: Array<SkippedTest>
  ended: boolean
}

/** What the reader carries from one segment of a go test -json stream to the next. */
export interface GoStreamState {
  readonly packages: Map<string, PackageTally>
  /** Output of tests that have not ended, by package and test name. */
  readonly running: Map<string, RunningTest>
  /** Tests that have ended, until their package ends: output printed after the end is not a new test. */
  readonly ended: Set<string>
  /** Output of each package outside its tests, until the package ends. */
  readonly packageOutput: Map<string, HeldOutput>
  /** Build output (go ≥ 1.24 `build-output` events), by import path, until the build ends. */
  readonly buildOutput: Map<string, HeldOutput>
  firstTime: number | undefined
  lastTime: number | undefined
  /** The stream turned out not to be go test -json: every segment is left as it is. */
  declined: boolean
}

interface RunningTest {
  readonly pkg: string
  readonly test: string
  readonly output: HeldOutput
}

export const newGoState = (): GoStreamState => ({
  packages: new Map(),
  running: new Map(),
  ended: new Set(),
  packageOutput: new Map(),
  buildOutput: new Map(),
  firstTime: undefined,
  lastTime: undefined,
  declined: false,
})

export interface GoSegment {
  readonly text: string
  readonly index: number
  readonly last: boolean
  readonly keepPatterns: ReadonlyArray<RegExp>
}

const EVENT_LINE = /^\s*\{.*"Action":"/
// t.Log / t.Error output: "    foo_test.go:12: message".
const TEST_LOG = /^\s+[\w./-]+\.go:\d+: /
// Lines a package prints around its tests that the counts line already says.
const PACKAGE_TRIVIA = /^(?:PASS|FAIL|ok\s+\S+(?:\s.*)?|FAIL\s+\S+\s+(?:[\d.]+s|\(cached\)|\[build failed\]|\[setup failed\]).*|\?\s+\S+\s+\[no test files\]|testing: warning: no tests to run|coverage: .*)$/
const COVERAGE = /^coverage: .*/

/** The report for one segment, or undefined when the segment is not go test -json. */
export const readGoSegment = (segment: GoSegment, state: GoStreamState): Report | undefined => {
  if (state.declined) return undefined
  const lines = splitLines(segment.text)
  if (!mostlyEvents(lines)) {
    if (segment.index === 0) state.declined = true
    return undefined
  }
  const reader = new SegmentReader(segment, state)
  for (let i = 0; i < lines.length; i++) reader.line(lines[i]!, i + 1)
  return reader.report(lines.length)
}

const mostlyEvents = (lines: ReadonlyArray<string>): boolean => {
  let events = 0
  let other = 0
  for (const line of lines) {
    if (line.trim() === "") continue
    if (EVENT_LINE.test(line)) events++
    else other++
  }
  return events > 0 && other <= events
}

class SegmentReader {
  private readonly news = new Map<string, PackageNews>()
  /** Lines that are not events (stderr, a cut-off last line): shown as they are. */
  private readonly strays: Array<{ text: string; at: number }> = []
  private passed = 0
  private skipped = 0

  constructor(
    private readonly segment: GoSegment,
    private readonly state: GoStreamState,
  ) {}

  line(text: string, at: number) {
    if (text.trim() === "") return
    const event = parseEvent(text)
    if (event === undefined) {
      this.strays.push({ text, at })
      return
    }
    const time = event.Time === undefined ? undefined : parseTime(event.Time)
    if (time !== undefined) {
      this.state.firstTime ??= time
      this.state.lastTime = time
    }
    if (event.Action === "build-output" || event.Action === "build-fail") return this.build(event, at)
    const pkg = event.Package
    if (pkg === undefined) return
    const tally = this.tally(pkg)
    if (event.Test === undefined) return this.packageEvent(event, pkg, tally, at)
    const key = `${pkg}\u0000${event.Test}`
    switch (event.Action) {
      case "run":
        this.running(key, pkg, event.Test)
        return
      case "output":
        if (event.Output !== undefined && !this.state.ended.has(key)) this.hold(this.running(key, pkg, event.Test).output, event.Output, at, event.Test)
        return
      case "pass":
      case "fail":
      case "skip":
        return this.testEnded(event, key, pkg, event.Test, tally)
    }
  }

  report(lineCount: number): Report {
    const items: Array<ReportItem> = []
    const state = this.state
    if (this.segment.last) {
      for (const [key, test] of state.running) {
        this.newsOf(test.pkg).entries.push(this.entry(`unfinished ${test.test}: no result before the report ends`, test.output, false))
        state.running.delete(key)
      }
      for (const [pkg, output] of state.packageOutput) {
        if (output.texts().some((l) => !PACKAGE_TRIVIA.test(l))) this.newsOf(pkg).entries.push(this.entry(`unfinished ${pkg}: output outside its tests`, output, false))
      }
      state.packageOutput.clear()
      // Packages without a result yet get their line here, as unfinished.
      for (const [pkg, tally] of state.packages) if (tally.result === undefined) this.newsOf(pkg)
      items.push({ type: "counts", text: this.totals() })
    }
    for (const [pkg, news] of this.news) {
      const tally = state.packages.get(pkg)!
      // A package still running is named only for the tests of it shown here.
      if (!news.ended && !this.segment.last && news.entries.length === 0 && news.skipped.length === 0) continue
      items.push({ type: "group", name: pkg, text: groupLine(pkg, tally, this.segment.last), notable: (tally.result !== "pass" && tally.result !== "skip") || tally.failed + tally.skipped > 0 })
      if (news.skipped.length > 0) items.push({ type: "skipped", tests: news.skipped })
      for (const entry of news.entries) items.push({ type: "entry", entry })
    }
    if (this.strays.length > 0) {
      items.push({
        type: "entry",
        entry: {
          header: `${plural(this.strays.length, "line")} that ${this.strays.length === 1 ? "is" : "are"} not go test events:`,
          lines: this.strays.map((s) => ({ text: s.text, role: "message" as const, at: s.at })),
          kept: false,
        },
      })
    }
    const dropped = [this.passed > 0 ? `${this.passed} passed` : "", this.skipped > 0 ? `${this.skipped} skipped` : ""].filter((s) => s !== "")
    const tests = this.passed + this.skipped === 1 ? "test" : "tests"
    const summary = `${plural(lineCount, "go test -json line")} condensed${dropped.length > 0 ? `, output of ${dropped.join(" and ")} ${tests} dropped` : ""}`
    return { items, summary }
  }

  private tally(pkg: string): PackageTally {
    let tally = this.state.packages.get(pkg)
    if (tally === undefined) {
      tally = { passed: 0, failed: 0, skipped: 0 }
      this.state.packages.set(pkg, tally)
    }
    return tally
  }

  private newsOf(pkg: string): PackageNews {
    let news = this.news.get(pkg)
    if (news === undefined) {
      news = { entries: [], skipped: [], ended: false }
      this.news.set(pkg, news)
    }
    return news
  }

  private running(key: string, pkg: string, test: string): RunningTest {
    let running = this.state.running.get(key)
    if (running === undefined) {
      running = { pkg, test, output: new HeldOutput() }
      this.state.running.set(key, running)
    }
    return running
  }

  private hold(output: HeldOutput, text: string, at: number, test: string | undefined) {
    for (const line of splitLines(text)) {
      // Outside tests, the package's own result lines repeat its counts line.
      const role = test === undefined && PACKAGE_TRIVIA.test(line) ? "echo" : goRole(line, test, output.lastRole)
      output.add({ text: line, role, segment: this.segment.index, at })
      if (!output.kept && matchesAny(this.segment.keepPatterns, line)) output.kept = true
    }
  }

  private testEnded(event: GoEvent, key: string, pkg: string, test: string, tally: PackageTally) {
    const output = this.state.running.get(key)?.output ?? new HeldOutput()
    this.state.running.delete(key)
    this.state.ended.add(key)
    const kept = output.kept || matchesAny(this.segment.keepPatterns, test)
    const news = this.newsOf(pkg)
    const elapsed = event.Elapsed === undefined ? "" : ` (${event.Elapsed}s)`
    if (event.Action === "fail") {
      tally.failed++
      news.entries.push(this.entry(`failed ${test}${elapsed}`, output, kept))
      return
    }
    if (event.Action === "pass") {
      tally.passed++
      this.passed++
      if (kept) news.entries.push(this.entry(`passed ${test}${elapsed}`, output, true))
      return
    }
    tally.skipped++
    this.skipped++
    if (kept) news.entries.push(this.entry(`skipped ${test}`, output, true))
    else {
      const reason = output.texts().find((l) => TEST_LOG.test(l))?.trim()
      news.skipped.push(reason === undefined ? { name: test } : { name: test, reason })
    }
  }

  private packageEvent(event: GoEvent, pkg: string, tally: PackageTally, at: number) {
    if (event.Action === "output") {
      if (event.Output === undefined) return
      let output = this.state.packageOutput.get(pkg)
      if (output === undefined) {
        output = new HeldOutput()
        this.state.packageOutput.set(pkg, output)
      }
      this.hold(output, event.Output, at, undefined)
      return
    }
    if (event.Action !== "pass" && event.Action !== "fail" && event.Action !== "skip") return
    tally.result = event.Action
    if (event.Elapsed !== undefined) tally.elapsed = event.Elapsed
    if (event.FailedBuild !== undefined) tally.failedBuild = event.FailedBuild
    const news = this.newsOf(pkg)
    news.ended = true
    const output = this.state.packageOutput.get(pkg)
    this.state.packageOutput.delete(pkg)
    if (output !== undefined) {
      const texts = output.texts()
      const coverage = texts.find((l) => COVERAGE.test(l))
      if (coverage !== undefined) tally.coverage = coverage
      if (event.Action === "fail" && texts.some((l) => !PACKAGE_TRIVIA.test(l))) {
        news.entries.push(this.entry(`failed ${pkg} (output outside its tests)`, output, false))
      }
    }
    for (const key of this.state.ended) if (key.startsWith(`${pkg}\u0000`)) this.state.ended.delete(key)
    // Tests still running when their package ends had no result: a panic or a timeout ended them.
    for (const [key, test] of this.state.running) {
      if (test.pkg !== pkg) continue
      this.state.running.delete(key)
      if (event.Action === "fail") news.entries.push(this.entry(`unfinished ${test.test}: no result before its package failed`, test.output, false))
    }
  }

  private build(event: GoEvent, at: number) {
    const path = event.ImportPath
    if (path === undefined) return
    let output = this.state.buildOutput.get(path)
    if (event.Action === "build-output") {
      if (output === undefined) {
        output = new HeldOutput()
        this.state.buildOutput.set(path, output)
      }
      if (event.Output !== undefined) this.hold(output, event.Output, at, undefined)
      return
    }
    this.state.buildOutput.delete(path)
    const pkg = path.split(" ")[0]!
    this.tally(pkg)
    this.newsOf(pkg).entries.push(this.entry(`build failed ${path}`, output ?? new HeldOutput(), false))
  }

  private entry(header: string, output: HeldOutput, kept: boolean): TestEntry {
    return { header, lines: output.lines(this.segment.index), kept }
  }

  private totals(): string {
    const state = this.state
    let passed = 0
    let failed = 0
    let skipped = 0
    const results = { ok: 0, failed: 0, "no test files": 0, unfinished: 0 }
    for (const tally of state.packages.values()) {
      passed += tally.passed
      failed += tally.failed
      skipped += tally.skipped
      if (tally.result === "pass") results.ok++
      else if (tally.result === "fail") results.failed++
      else if (tally.result === "skip") results["no test files"]++
      else results.unfinished++
    }
    const packages = Object.entries(results)
      .filter(([, n]) => n > 0)
      .map(([what, n]) => `${n} ${what}`)
      .join(", ")
    const tests = [`${passed} passed`, `${failed} failed`, ...(skipped > 0 ? [`${skipped} skipped`] : [])].join(", ")
    const wall =
      state.firstTime !== undefined && state.lastTime !== undefined ? ` · ${formatSeconds(state.lastTime - state.firstTime)}` : ""
    return `go test: ${plural(state.packages.size, "package")} (${packages}) · ${plural(passed + failed + skipped, "test")}: ${tests}${wall}`
  }
}

const groupLine = (pkg: string, tally: PackageTally, last: boolean): string => {
  const status =
    tally.result === "pass" ? "ok" : tally.result === "fail" ? "failed" : tally.result === "skip" ? "no test files" : last ? "unfinished" : "running"
  const elapsed = tally.elapsed === undefined ? "" : ` ${tally.elapsed}s`
  const counts = [`${tally.passed} passed`, ...(tally.failed > 0 ? [`${tally.failed} failed`] : []), ...(tally.skipped > 0 ? [`${tally.skipped} skipped`] : [])]
  const build = tally.failedBuild === undefined ? "" : ` · build failed: ${tally.failedBuild}`
  const coverage = tally.coverage === undefined ? "" : ` · ${tally.coverage}`
  return `${status} ${pkg}${elapsed}: ${counts.join(", ")}${build}${coverage}`
}

const goRole = (line: string, test: string | undefined, previous: LineRole | undefined): LineRole => {
  const trimmed = line.trimStart()
  const result = /^--- (?:PASS|FAIL|SKIP): /.exec(trimmed)
  if (trimmed.startsWith("=== ") || result !== null) {
    const own = test !== undefined && (trimmed === `=== RUN   ${test}` || (result !== null && trimmed.startsWith(`${result[0]}${test} (`)))
    return own ? "echo" : "framing"
  }
  if (TEST_LOG.test(line) || trimmed.startsWith("panic: ")) return "message"
  // t.Error continues its message on lines indented deeper (testify's Error Trace block too).
  if (previous === "message" && /^(?: {8}|\t)/.test(line)) return "message"
  return roleOf(line)
}

const parseEvent = (line: string): GoEvent | undefined => {
  if (!EVENT_LINE.test(line)) return undefined
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined
    const e = value as Record<string, unknown>
    if (typeof e.Action !== "string") return undefined
    return {
      Action: e.Action,
      ...(typeof e.Package === "string" ? { Package: e.Package } : {}),
      ...(typeof e.ImportPath === "string" ? { ImportPath: e.ImportPath } : {}),
      ...(typeof e.Test === "string" ? { Test: e.Test } : {}),
      ...(typeof e.Output === "string" ? { Output: e.Output } : {}),
      ...(typeof e.Elapsed === "number" ? { Elapsed: e.Elapsed } : {}),
      ...(typeof e.Time === "string" ? { Time: e.Time } : {}),
      ...(typeof e.FailedBuild === "string" ? { FailedBuild: e.FailedBuild } : {}),
    }
  } catch {
    return undefined
  }
}

// RFC 3339 with up to nanoseconds: "2022-06-19T13:44:44.850960153-04:00".
const TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/

/** Seconds since the epoch, from the event's own timestamp (never the clock). */
const parseTime = (text: string): number | undefined => {
  const m = TIME.exec(text)
  if (m === null) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  let offset = 0
  if (zone !== "Z") {
    const sign = zone!.startsWith("-") ? -1 : 1
    offset = sign * (Number(zone!.slice(1, 3)) * 3600 + Number(zone!.slice(4, 6)) * 60)
  }
  const whole = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000
  return whole - offset + (frac === undefined ? 0 : Number(`0.${frac}`))
}

const formatSeconds = (s: number): string => `${Math.round(s * 1000) / 1000}s`
