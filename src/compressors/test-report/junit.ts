import { messageAndStack } from "./lines.ts"
import { countLines, matchesAny, plural, type EntryLine, type Report, type ReportItem, type SkippedTest, type TestEntry } from "./report.ts"
import { baseName } from "./values.ts"
import { LineCounter, XmlScanner, decodeEntities } from "./xml.ts"

/**
 * JUnit XML, as written by Maven Surefire, Gradle, pytest, go-junit-report, jest-junit and
 * others: `<testsuites>` / `<testsuite>` / `<testcase>` with `<failure>`, `<error>`, `<skipped>`,
 * `<system-out>` and `<system-err>`. Each suite keeps a counts line quoting its own count
 * attributes; failures keep their message and stack, with line numbers into the original so
 * what is cut can be retrieved exactly. XML entities in messages and stacks are shown decoded.
 * A report cut off at the end is read as far as it goes; one whose tags do not nest is declined.
 */

const COUNT_ATTRIBUTES = ["tests", "failures", "errors", "skipped", "disabled", "time"]

interface Suite {
  readonly name: string
  readonly attrs: ReadonlyArray<readonly [string, string]>
  /** Where its counts line goes among the items (written when the suite closes). */
  readonly slot: number
  readonly skipped: Array<SkippedTest>
  readonly entries: Array<TestEntry>
  /** The suite's own system-out and system-err (Gradle writes every test's logging there). */
  readonly out: Array<Captured>
  readonly err: Array<Captured>
  tests: number
  failed: number
  errors: number
  skips: number
}

interface Problem {
  readonly kind: "failure" | "error"
  readonly message?: string
  readonly type?: string
  readonly lines: Array<Captured>
}

interface Captured {
  text: string
  readonly at: number
}

interface Case {
  readonly name: string
  readonly classname?: string
  readonly file?: string
  readonly time?: string
  readonly problems: Array<Problem>
  /** Skipped: its message attribute, or else its text (pytest writes both). */
  skipped?: { readonly message?: string; readonly text: Array<Captured> }
  readonly out: Array<Captured>
  readonly err: Array<Captured>
}

export const readJUnit = (text: string, keepPatterns: ReadonlyArray<RegExp>): Report | undefined => {
  const scanner = new XmlScanner(text)
  const lines = new LineCounter(text)
  const items: Array<ReportItem | undefined> = []
  const open: Array<string> = []
  const suites: Array<Suite> = []
  const totals = { tests: 0, failed: 0, errors: 0, skipped: 0, suites: 0 }
  let topLevelTime: number | undefined
  let root: ReadonlyArray<readonly [string, string]> | undefined
  let current: Case | undefined
  /** Where text inside the current element goes. */
  let capture: Array<Captured> | undefined
  let cutAt: number | undefined

  const closeCase = (c: Case, cut: boolean) => {
    const suite = suites.at(-1)
    // Testcases outside any suite go straight into the report.
    const addEntry = (entry: TestEntry) => (suite === undefined ? items.push({ type: "entry", entry }) : suite.entries.push(entry))
    const name = caseName(c)
    const kept = matchesAny(keepPatterns, name) || [...c.problems.flatMap((p) => p.lines), ...c.out, ...c.err].some((l) => matchesAny(keepPatterns, l.text))
    if (cut && c.problems.length === 0 && c.skipped === undefined) {
      // No result yet where the report stops: shown, not counted.
      addEntry({ header: `cut off in ${name}${timeOf(c)}`, lines: caseLines(c), kept })
      return
    }
    totals.tests++
    if (suite !== undefined) suite.tests++
    const problem = c.problems[0]
    if (problem !== undefined) {
      const isError = problem.kind === "error"
      if (isError) totals.errors++
      else totals.failed++
      if (suite !== undefined) isError ? suite.errors++ : suite.failed++
      const outcome = cut ? "cut off in" : isError ? "errored" : "failed"
      addEntry({ header: `${outcome} ${name}${timeOf(c)}`, lines: caseLines(c), kept })
      return
    }
    if (c.skipped !== undefined) {
      totals.skipped++
      const reason = c.skipped.message ?? c.skipped.text.map((l) => l.text.trim()).find((t) => t !== "")
      const test = reason === undefined || reason === "" ? { name } : { name, reason }
      if (suite === undefined) items.push({ type: "skipped", tests: [test] })
      else {
        suite.skips++
        suite.skipped.push(test)
      }
      return
    }
    if (kept) addEntry({ header: `passed ${name}${timeOf(c)}`, lines: caseLines(c), kept })
  }

  const closeSuite = (suite: Suite) => {
    const failing = suite.failed + suite.errors > 0
    items[suite.slot] = { type: "group", name: suite.name, text: suiteLine(suite), notable: failing || suite.skips > 0 }
    if (suite.skipped.length > 0) items.push({ type: "skipped", tests: suite.skipped })
    for (const entry of suite.entries) items.push({ type: "entry", entry })
    // What a failing suite printed may explain its failures; a passing suite's output is dropped.
    const output = outputLines(suite.out, suite.err)
    if (failing && output.length > 0) items.push({ type: "entry", entry: { header: `output of suite ${suite.name}`, lines: output, kept: false } })
  }

  for (let token = scanner.next(); token !== undefined; token = scanner.next()) {
    if (token.type === "invalid") return undefined
    if (token.type === "cut") {
      cutAt = lines.lineOf(token.start)
      break
    }
    if (token.type === "text") {
      if (capture !== undefined) append(capture, text, token.start, token.end, token.cdata, lines)
      continue
    }
    if (token.type === "close") {
      if (open.at(-1) !== token.name) return undefined
      open.pop()
      capture = undefined
      if (token.name === "testcase" && current !== undefined) {
        closeCase(current, false)
        current = undefined
      } else if (token.name === "testsuite") closeSuite(suites.pop()!)
      continue
    }
    // An open tag.
    const attr = (name: string) => token.attrs.find(([k]) => k === name)?.[1]
    if (open.length === 0 && token.name !== "testsuites" && token.name !== "testsuite") return undefined
    if (!token.selfClosing) open.push(token.name)
    switch (token.name) {
      case "testsuites":
        if (open.length <= 1) root = token.attrs
        break
      case "testsuite": {
        totals.suites++
        // Without a time on the root, the top-level suites' times add up to it.
        const time = Number(attr("time"))
        if (suites.length === 0 && Number.isFinite(time)) topLevelTime = (topLevelTime ?? 0) + time
        const suite: Suite = { name: attr("name") ?? "(unnamed)", attrs: token.attrs, slot: items.length, skipped: [], entries: [], out: [], err: [], tests: 0, failed: 0, errors: 0, skips: 0 }
        items.push(undefined)
        if (token.selfClosing) closeSuite(suite)
        else suites.push(suite)
        break
      }
      case "testcase": {
        const name = attr("name") ?? "(unnamed)"
        const classname = attr("classname")
        const file = attr("file")
        const time = attr("time")
        const c: Case = {
          name,
          ...(classname === undefined ? {} : { classname }),
          ...(file === undefined ? {} : { file }),
          ...(time === undefined ? {} : { time }),
          problems: [],
          out: [],
          err: [],
        }
        if (token.selfClosing) closeCase(c, false)
        else current = c
        break
      }
      case "failure":
      case "error": {
        if (current === undefined) break
        const message = attr("message")
        const type = attr("type")
        const problem: Problem = {
          kind: token.name,
          ...(message === undefined ? {} : { message }),
          ...(type === undefined ? {} : { type }),
          lines: [],
        }
        current.problems.push(problem)
        if (!token.selfClosing) capture = problem.lines
        break
      }
      case "skipped": {
        if (current === undefined) break
        const message = attr("message")
        current.skipped = { ...(message === undefined ? {} : { message }), text: [] }
        if (!token.selfClosing) capture = current.skipped.text
        break
      }
      case "system-out":
      case "system-err": {
        const owner = current ?? suites.at(-1)
        if (owner !== undefined && !token.selfClosing) capture = token.name === "system-out" ? owner.out : owner.err
        break
      }
    }
  }

  if (cutAt === undefined && open.length > 0) cutAt = lines.lineOf(text.length)
  if (cutAt !== undefined) {
    // Read as far as it goes: the test it stopped in, then the suites still open.
    if (current !== undefined) closeCase(current, true)
    while (suites.length > 0) closeSuite(suites.pop()!)
  }
  if (totals.suites === 0 && totals.tests === 0) return undefined

  const passed = totals.tests - totals.failed - totals.errors - totals.skipped
  const time = root?.find(([k]) => k === "time")?.[1] ?? (topLevelTime === undefined ? undefined : String(Math.round(topLevelTime * 1000) / 1000))
  const counts =
    `JUnit: ${plural(totals.tests, "test")}: ${passed} passed, ${totals.failed} failed, ${plural(totals.errors, "error")}, ${totals.skipped} skipped` +
    ` · ${plural(totals.suites, "suite")}${time === undefined ? "" : ` · time ${time}s`}` +
    `${cutAt === undefined ? "" : ` · the report is cut off at line ${cutAt}`}`
  const report = [{ type: "counts" as const, text: counts }, ...items.filter((i): i is ReportItem => i !== undefined)]
  return { items: report, summary: `${plural(countLines(text), "line")} of JUnit XML condensed, ${passed} passing testcases dropped` }
}

const caseName = (c: Case): string =>
  c.classname === undefined || c.classname === "" || c.name.startsWith(c.classname) ? c.name : `${c.classname}.${c.name}`

const timeOf = (c: Case): string => (c.time === undefined ? "" : ` (${c.time}s)`)

/** The lines of a failed case: each failure's message and stack, then what the test printed. */
const caseLines = (c: Case): Array<EntryLine> => {
  const names = [c.classname?.split(".").at(-1), c.file === undefined ? undefined : baseName(c.file), c.name].filter(
    (n): n is string => n !== undefined && n !== "",
  )
  const out: Array<EntryLine> = []
  for (const p of c.problems) {
    const body = trimBlank(p.lines)
    const message = p.message === undefined ? [] : p.message.split("\n")
    if (p.type !== undefined && message.length > 0 && !message[0]!.startsWith(p.type)) message[0] = `${p.type}: ${message[0]}`
    else if (p.type !== undefined && message.length === 0 && body.length === 0) message.push(p.type)
    const lines = messageAndStack(
      message,
      body.map((l) => l.text),
      names,
    )
    // messageAndStack keeps the stack's lines in order: give them back their place in the original.
    const offset = lines.length - body.length
    out.push(...lines.map((l, i) => (i >= offset ? { ...l, at: body[i - offset]!.at } : l)))
  }
  out.push(...outputLines(c.out, c.err))
  return out
}

/** system-out and system-err, each under its label. */
const outputLines = (out: ReadonlyArray<Captured>, err: ReadonlyArray<Captured>): Array<EntryLine> => {
  const lines: Array<EntryLine> = []
  for (const [label, captured] of [["system-out", out], ["system-err", err]] as const) {
    const body = trimBlank(captured)
    if (body.length === 0) continue
    lines.push({ text: `${label}:`, role: "label" })
    for (const l of body) lines.push({ text: l.text, role: "plain", at: l.at })
  }
  return lines
}

const suiteLine = (suite: Suite): string => {
  const computed: Record<string, number> = { tests: suite.tests, failures: suite.failed, errors: suite.errors, skipped: suite.skips }
  const shown = suite.attrs.filter(([k]) => COUNT_ATTRIBUTES.includes(k)).map(([k, v]) => `${k}="${v}"`)
  for (const [k, v] of Object.entries(computed)) {
    if (!suite.attrs.some(([a]) => a === k)) shown.push(`${k}="${v}"`)
  }
  return `suite ${suite.name}: ${shown.join(" ")}`
}

/** Adds the text at [start, end) to captured lines, each tagged with its line in the original. */
const append = (into: Array<Captured>, text: string, start: number, end: number, cdata: boolean, lines: LineCounter) => {
  const raw = text.slice(start, end)
  const parts = raw.split("\n")
  let at = lines.lineOf(start)
  for (let i = 0; i < parts.length; i++) {
    let part = parts[i]!
    if (part.endsWith("\r")) part = part.slice(0, -1)
    if (!cdata) part = decodeEntities(part)
    const last = into.at(-1)
    // The first part continues the line the previous piece of text ended on.
    if (i === 0 && last !== undefined && last.at === at) last.text += part
    else into.push({ text: part, at })
    at++
  }
}

const trimBlank = (captured: ReadonlyArray<Captured>): ReadonlyArray<Captured> => {
  let from = 0
  let to = captured.length
  while (from < to && captured[from]!.text.trim() === "") from++
  while (to > from && captured[to - 1]!.text.trim() === "") to--
  return captured.slice(from, to)
}
