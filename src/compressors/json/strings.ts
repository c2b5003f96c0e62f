/**
 * How string values are written: as JSON literals, as raw strings (FORMAT.md) that spare the
 * reader `\n` and `\"`, and shortened around a marker when they are long.
 */

/**
 * Whether `value` can be written raw and read back the same. Besides what the syntax needs (not
 * starting or ending with a backtick, no other control characters than tab and newline, no lone
 * surrogates), the text must come through the later whitespace squeezing untouched: no blanks at
 * a line's end and no two blank lines in a row.
 */
export const rawEligible = (value: string): boolean => {
  if (value.length === 0 || value.charCodeAt(0) === 0x60 || value.charCodeAt(value.length - 1) === 0x60) return false
  if (!value.isWellFormed()) return false
  if (/[\u0000-\u0008\u000b-\u001f\u2028\u2029]/.test(value)) return false
  return !/[ \t]\n|\n\n\n/.test(value)
}

/** `value` between fences one backtick longer than any run of backticks inside it. */
export const rawLiteral = (value: string): string => {
  let longest = 0
  for (const run of value.matchAll(/`+/g)) longest = Math.max(longest, run[0].length)
  const fence = "`".repeat(longest + 1)
  return `${fence}${value}${fence}`
}

export interface StringLimits {
  /** Strings longer than this (in characters) are shortened. */
  readonly max: number
  readonly head: number
  readonly tail: number
}

/** Base64, hex and similar blobs: nothing in them reads, the first characters identify them. */
const BLOB = /^[A-Za-z0-9+/=_-]{200,}$/
const BLOB_HEAD = 32

/**
 * The head and tail kept of a long string, cut at a line break or a space near the limit when
 * there is one, never inside a surrogate pair; undefined when it is short enough to keep.
 */
export const shorten = (value: string, limits: StringLimits): { head: string; tail: string; omitted: number } | undefined => {
  if (value.length <= limits.max) return undefined
  if (BLOB.test(value)) {
    const head = value.slice(0, BLOB_HEAD)
    return { head, tail: "", omitted: value.length - head.length }
  }
  let end = snapBack(value, limits.head)
  let start = snapForward(value, value.length - limits.tail)
  if (start <= end) return undefined
  if (isLowSurrogate(value.charCodeAt(end))) end--
  if (isLowSurrogate(value.charCodeAt(start))) start++
  return { head: value.slice(0, end), tail: value.slice(start), omitted: start - end }
}

const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff

/** A cut at or before `at`: just after a line break, else after a space, within the last fifth. */
const snapBack = (value: string, at: number): number => {
  const floor = Math.floor(at * 0.8)
  const newline = value.lastIndexOf("\n", at - 1)
  if (newline >= floor) return newline + 1
  const space = value.lastIndexOf(" ", at - 1)
  return space >= floor ? space + 1 : at
}

/** A cut at or after `at`: at a line start, else after a space, within the next fifth. */
const snapForward = (value: string, at: number): number => {
  const ceiling = at + Math.ceil((value.length - at) * 0.2)
  const newline = value.indexOf("\n", at)
  if (newline !== -1 && newline < ceiling) return newline + 1
  const space = value.indexOf(" ", at)
  return space !== -1 && space < ceiling ? space + 1 : at
}
