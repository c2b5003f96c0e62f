import type { LineRange } from "../../markers/index.ts"

/**
 * What every test-report parser produces: counts lines and the tests worth showing, in the order
 * they are rendered. Parsers decide what a line is; render.ts decides, per strategy, what stays.
 */

/** What a line of a test's output is, which decides how readily it is dropped. */
export type LineRole =
  /** The failure message: its first lines are never cut. */
  | "message"
  /** Points at the failure: a file:line in test code, an assertion, expected/actual. */
  | "pointer"
  /** A stack frame inside a framework, runner or runtime: folded in runs. */
  | "library"
  /** Runner progress (go "=== PAUSE", a subtest's "--- FAIL"). */
  | "framing"
  /** Repeats the entry's header (go "=== RUN X" and "--- FAIL: X" of the test itself). */
  | "echo"
  /** Names what follows ("system-out:"): always shown. */
  | "label"
  | "plain"

export interface EntryLine {
  readonly text: string
  readonly role: LineRole
  /** 1-based line in the retained original this line comes from, when lines map. */
  readonly at?: number
  /** Came in an earlier segment of the stream: not in this block's original. */
  readonly earlier?: boolean
  /** Stands for lines that were not held (a stream's cap on a test's output): never shown. */
  readonly unheld?: UnheldLines
}

export interface UnheldLines {
  readonly count: number
  /** Where they are in this block's original, if all of them are in it. */
  readonly range?: LineRange
  /** Some of them came in earlier segments of the stream (redeemable through those segments' markers). */
  readonly elsewhere: boolean
}

/** A test shown in the report: a failure, or a test kept because it matched `--keep`. */
export interface TestEntry {
  /** "failed TestX (0.01s)": outcome first, then the test's full name and where it lives. */
  readonly header: string
  readonly lines: ReadonlyArray<EntryLine>
  /** Matched a --keep pattern: shown whole. */
  readonly kept: boolean
}

export type ReportItem =
  /** A counts line: the totals, never dropped. */
  | { readonly type: "counts"; readonly text: string }
  /** Counts of one package or suite; `notable` when it has failures, errors or skips. */
  | { readonly type: "group"; readonly name: string; readonly text: string; readonly notable: boolean }
  /** Names of skipped tests, each with its reason when it has one. */
  | { readonly type: "skipped"; readonly tests: ReadonlyArray<SkippedTest> }
  | { readonly type: "entry"; readonly entry: TestEntry }

export interface SkippedTest {
  readonly name: string
  readonly reason?: string
}

export interface Report {
  readonly items: ReadonlyArray<ReportItem>
  /** What the block marker says was condensed; starts with a count. */
  readonly summary: string
}

// Message lines compared to tell failures alike.
const KEY_LINES = 20

/** A failure's message lines with numbers masked: failures sharing it are alike. */
export const messageKey = (entry: TestEntry): string => {
  const message: Array<string> = []
  for (const l of entry.lines) {
    if (l.role !== "message" || l.text.trim() === "") continue
    message.push(l.text.trim().replace(/\d+/g, "#"))
    if (message.length === KEY_LINES) break
  }
  return message.join("\n")
}

/** Splits a multi-line string into lines, without a final empty line after a trailing newline. */
export const splitLines = (text: string): Array<string> => {
  const lines = text.split("\n")
  if (lines.length > 1 && lines.at(-1) === "") lines.pop()
  for (let i = 0; i < lines.length; i++) if (lines[i]!.endsWith("\r")) lines[i] = lines[i]!.slice(0, -1)
  return lines
}

/** "s" after a count other than one. */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`

/** Some pattern matches `text` (patterns from --keep; `lastIndex` reset in case one is global). */
export const matchesAny = (patterns: ReadonlyArray<RegExp>, text: string): boolean => {
  for (const p of patterns) {
    p.lastIndex = 0
    if (p.test(text)) return true
  }
  return false
}

/** Lines in `text`, a final newline ending the last one rather than starting another. */
export const countLines = (text: string): number => {
  let n = 1
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) n++
  return text.endsWith("\n") ? n - 1 : n
}
