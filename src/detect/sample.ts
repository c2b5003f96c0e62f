/**
 * Bounded sampling of the input: detection must cost the same on 1 KB and on 100 MB, so it only
 * ever looks at a fixed prefix plus a few small windows further in.
 */

export const PREFIX_CHARS = 64 * 1024
export const WINDOW_CHARS = 4 * 1024
const WINDOW_COUNT = 3
/** Regexes only see this much of a line, which keeps every pattern linear in a small constant. */
export const MAX_LINE_CHARS = 500
/**
 * Lines taken from the prefix and from each window. A few hundred lines settle every verdict;
 * the caps keep short-line inputs (code, where 64 KiB is ~2000 lines) inside the time budget.
 */
const MAX_PREFIX_LINES = 600
const MAX_WINDOW_LINES = 100

export interface Line {
  /** The whole line without its terminator (bounded by the sample, not by MAX_LINE_CHARS). */
  readonly full: string
  /** ANSI-stripped, carriage-return-resolved, right-trimmed, capped at MAX_LINE_CHARS. */
  readonly text: string
  /** The line carried ANSI escape sequences (terminal output). */
  readonly ansi: boolean
  /** The line carried a bare carriage return (progress bar redrawn in place). */
  readonly cr: boolean
  /** Index of the first non-blank character of `text`, or -1 for a blank line. */
  readonly indent: number
}

export interface Sample {
  readonly lines: ReadonlyArray<Line>
  readonly nonBlank: number
  /** Lines ended by CRLF (only counted, CR is stripped). */
  readonly crlf: number
  /** The text is longer than the prefix, so `lines` is not the whole text. */
  readonly partial: boolean
}

// CSI (colours, cursor moves), OSC (titles, hyperlinks) and two-byte escapes. No nested quantifiers.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-Z\\-_]/g

// Space, tab, vertical tab, form feed; other blanks are rare enough to count as content.
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c

const makeLine = (raw: string): Line => {
  // Cut before cleaning so ANSI stripping never runs over a multi-megabyte line.
  let text = raw.length > MAX_LINE_CHARS * 4 ? raw.slice(0, MAX_LINE_CHARS * 4) : raw
  const ansi = text.includes("\x1b")
  if (ansi) text = text.replace(ANSI, "")
  const cr = text.includes("\r")
  if (cr) {
    // A progress bar redraws the line: what stays visible is the last non-empty segment.
    const parts = text.split("\r")
    let last = ""
    for (let i = parts.length - 1; i >= 0; i--) {
      if (parts[i]!.trim() !== "") {
        last = parts[i]!
        break
      }
    }
    text = last
  }
  text = text.trimEnd()
  if (text.length > MAX_LINE_CHARS) text = text.slice(0, MAX_LINE_CHARS)
  let indent = 0
  while (indent < text.length && isSpace(text.charCodeAt(indent))) indent++
  return { full: raw, text, ansi, cr, indent: indent === text.length ? -1 : indent }
}

interface Split {
  readonly lines: Array<string>
  readonly crlf: number
}

const splitLines = (chunk: string, max: number): Split => {
  const lines: Array<string> = []
  let crlf = 0
  // Old Mac files separate lines with a lone CR; treat them like LF when there is no LF at all.
  const sep = chunk.includes("\n") || !chunk.includes("\r") ? "\n" : "\r"
  let start = 0
  while (start <= chunk.length && lines.length < max) {
    let end = chunk.indexOf(sep, start)
    if (end === -1) end = chunk.length
    let line = chunk.slice(start, end)
    if (sep === "\n" && line.endsWith("\r")) {
      line = line.slice(0, -1)
      crlf++
    }
    lines.push(line)
    start = end + 1
  }
  return { lines, crlf }
}

/** Drops the partial first line (unless the window starts a line) and the partial last line. */
const windowLines = (text: string, from: number): Array<string> => {
  const to = Math.min(text.length, from + WINDOW_CHARS)
  let chunk = text.slice(from, to)
  if (from > 0 && text.charCodeAt(from - 1) !== 10) {
    const nl = chunk.indexOf("\n")
    if (nl === -1) return []
    chunk = chunk.slice(nl + 1)
  }
  if (to < text.length) {
    const nl = chunk.lastIndexOf("\n")
    if (nl === -1) return []
    chunk = chunk.slice(0, nl)
  }
  return splitLines(chunk, MAX_WINDOW_LINES).lines
}

export const sampleText = (text: string): Sample => {
  const partial = text.length > PREFIX_CHARS
  let prefix = partial ? text.slice(0, PREFIX_CHARS) : text
  if (partial) {
    // Keep only whole lines, unless the prefix is one giant line (minified code, one-line JSON).
    const nl = prefix.lastIndexOf("\n")
    if (nl > 0) prefix = prefix.slice(0, nl)
  } else if (prefix.endsWith("\n")) {
    prefix = prefix.slice(0, -1)
  }
  const head = splitLines(prefix, MAX_PREFIX_LINES)
  const raw = head.lines
  if (partial && text.length > PREFIX_CHARS + WINDOW_CHARS) {
    // Evenly spaced windows after the prefix: the middle thirds and the very end.
    const span = text.length - PREFIX_CHARS
    for (let k = 1; k <= WINDOW_COUNT; k++) {
      const at =
        k === WINDOW_COUNT
          ? text.length - WINDOW_CHARS
          : PREFIX_CHARS + Math.floor((span * k) / WINDOW_COUNT) - WINDOW_CHARS
      if (at < PREFIX_CHARS) continue
      for (const l of windowLines(text, at)) raw.push(l)
    }
  }
  const lines = raw.map(makeLine)
  let nonBlank = 0
  for (const l of lines) if (l.indent >= 0) nonBlank++
  return { lines, nonBlank, crlf: head.crlf, partial }
}
