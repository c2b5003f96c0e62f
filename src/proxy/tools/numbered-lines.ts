import { parseMarkers } from "../../markers/index.ts"

/**
 * Claude Code's Read tool numbers the lines it returns: `12\t<line>` (newer) or right-aligned
 * `    12→<line>` (older). Compressing the numbers along with the lines would waste tokens and
 * break them, so the proxy compresses the bare lines and puts each kept line's number back.
 */
export interface NumberedLines {
  /** The lines without their prefixes. */
  readonly body: string
  /** `numbers[i]` is the number of body line `i`. */
  readonly numbers: ReadonlyArray<number>
  /**
   * What follows the numbered lines, from the line break after the last one: "" , "\n", or a
   * `<system-reminder>` block Claude Code appends after a blank line.
   */
  readonly tail: string
  readonly separator: "\t" | "→"
  /** Numbers are right-aligned to this width (0: not padded). */
  readonly width: number
}

const FIRST_PREFIX = /^( *)(\d+)(\t|→)/
const REMINDER_TAIL = /^\n+<system-reminder>/

const prefix = (n: number, width: number, separator: string): string => `${String(n).padStart(width)}${separator}`

/**
 * The numbered lines of a Read result, or undefined unless every line carries the next number
 * in one prefix style (a final line break, or a trailing `<system-reminder>` block, aside).
 */
export const splitNumberedLines = (text: string): NumberedLines | undefined => {
  const first = FIRST_PREFIX.exec(text)
  if (first === null) return undefined
  const [, spaces, digits, separator] = first as unknown as [string, string, string, "\t" | "→"]
  const width = spaces.length === 0 ? 0 : spaces.length + digits.length
  const lines: Array<string> = []
  const numbers: Array<number> = []
  let n = Number(digits)
  let at = 0
  while (true) {
    const expected = prefix(n, width, separator)
    if (!text.startsWith(expected, at)) break
    const start = at + expected.length
    const newline = text.indexOf("\n", start)
    const end = newline < 0 ? text.length : newline
    lines.push(text.slice(start, end))
    numbers.push(n++)
    at = end + 1
    if (newline < 0) break
  }
  if (lines.length === 0) return undefined
  const tail = text.slice(at - 1)
  if (tail !== "" && tail !== "\n" && !REMINDER_TAIL.test(tail)) return undefined
  return { body: lines.join("\n"), numbers, tail, separator, width }
}

/** Positions of each original line's text, ascending. */
const indexLines = (lines: ReadonlyArray<string>): Map<string, Array<number>> => {
  const index = new Map<string, Array<number>>()
  lines.forEach((line, i) => {
    const positions = index.get(line)
    if (positions === undefined) index.set(line, [i])
    else positions.push(i)
  })
  return index
}

/** The first of the ascending `positions` at or after `from`, or -1. */
const firstFrom = (positions: ReadonlyArray<number>, from: number): number => {
  let lo = 0
  let hi = positions.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (positions[mid]! < from) lo = mid + 1
    else hi = mid
  }
  return lo < positions.length ? positions[lo]! : -1
}

/** Where the original resumes after a marker line: the end of the line range it stands for. */
const resumesAt = (line: string): number | undefined => {
  if (!line.startsWith("[… ")) return undefined
  return parseMarkers(line)[0]?.range?.to
}

/**
 * The compressed body with each original line it kept, in order, numbered again as it was;
 * markers and other new lines stay unnumbered. Lines are matched in order (never backwards), and
 * a marker's line range says where the kept lines resume, so a kept line isn't taken for an
 * identical line the marker left out.
 */
export const renumber = (numbered: NumberedLines, compressed: string): string => {
  const index = indexLines(numbered.body.split("\n"))
  const out: Array<string> = []
  let next = 0
  let resume = 0
  const find = (positions: ReadonlyArray<number>): number => {
    const resumed = resume > next ? firstFrom(positions, resume) : -1
    return resumed >= 0 ? resumed : firstFrom(positions, next)
  }
  for (const line of compressed.split("\n")) {
    const positions = index.get(line)
    const found = positions === undefined ? -1 : find(positions)
    if (found < 0) {
      out.push(line)
      resume = Math.max(resume, resumesAt(line) ?? 0)
      continue
    }
    out.push(prefix(numbered.numbers[found]!, numbered.width, numbered.separator) + line)
    next = found + 1
  }
  return out.join("\n") + numbered.tail
}
