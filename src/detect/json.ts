/**
 * JSON recognition: a whole document (JSON.parse when small enough), JSON Lines, ripgrep --json,
 * and a streaming structural check for documents too big to parse or cut off.
 */

import { PREFIX_CHARS, type Sample } from "./sample.ts"

/** Below this size the whole text is handed to JSON.parse (a few ms at most). */
export const PARSE_LIMIT = 2 * 1024 * 1024
/** Lines JSON.parse'd when looking for JSON Lines; the sample bounds their total size. */
const MAX_JSONL_LINES = 200
/**
 * Deeper nesting is treated as not JSON: real documents stay far below it, while "[[[[…" input
 * makes JSON.parse slow (tens of ms per 100k levels).
 */
const MAX_DEPTH = 1000

export type JsonVerdict =
  | { readonly kind: "json"; readonly confidence: number }
  | { readonly kind: "jsonl"; readonly confidence: number; readonly ripgrep: boolean }

type ScanStatus = "complete" | "truncated" | "error"

interface Scan {
  readonly status: ScanStatus
  /** Index just after the top-level value ("complete"), or where the scan stopped. */
  readonly end: number
  /** Values and container openings seen; a guard against calling "{" alone JSON. */
  readonly tokens: number
}

// Scanner states: what the next token may be.
const VALUE = 0 // any value (top level, after ':')
const ELEM_OR_CLOSE = 1 // after '[': value or ']'
const ELEM = 2 // after ',' in an array: value (']' tolerated as a trailing comma)
const KEY_OR_CLOSE = 3 // after '{': key or '}'
const KEY = 4 // after ',' in an object: key ('}' tolerated as a trailing comma)
const COLON = 5
const AFTER = 6 // after a value inside a container: ',' or the matching close

const OBJ = 0
const ARR = 1

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

/** Skips whitespace and (leniently, for JSONC) comments. Returns `to` when the limit is hit. */
const skipWs = (s: string, i: number, to: number): number => {
  while (i < to) {
    const c = s.charCodeAt(i)
    if (isWs(c) || c === 0xfeff) {
      i++
    } else if (c === 0x2f && s.charCodeAt(i + 1) === 0x2f) {
      const nl = s.indexOf("\n", i)
      i = nl === -1 || nl > to ? to : nl + 1
    } else if (c === 0x2f && s.charCodeAt(i + 1) === 0x2a) {
      const close = s.indexOf("*/", i + 2)
      i = close === -1 || close > to ? to : close + 2
    } else {
      break
    }
  }
  return i
}

/** Returns the index after the closing quote, -1 for a raw control char, `to` when cut. */
const skipString = (s: string, i: number, to: number): number => {
  for (let j = i + 1; j < to; j++) {
    const c = s.charCodeAt(j)
    if (c === 0x22) return j + 1
    if (c === 0x5c) j++
    else if (c < 0x20) return -1
  }
  return to
}

const isNumberChar = (c: number): boolean =>
  (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x65 || c === 0x45

/**
 * Structural JSON check of s[from, to): a state machine over tokens with a container stack. It is
 * lenient about comments and trailing commas (JSONC: tsconfig, VS Code settings) and reports
 * "truncated" when the window ends inside the value, so a 64 KiB prefix of a huge document passes.
 */
export const scanJson = (s: string, from: number, to: number): Scan => {
  const stack: Array<number> = []
  let state = VALUE
  let tokens = 0
  let i = from
  const valueDone = (): boolean => {
    tokens++
    if (stack.length === 0) return true
    state = AFTER
    return false
  }
  for (;;) {
    i = skipWs(s, i, to)
    if (i >= to) return { status: "truncated", end: i, tokens }
    const c = s.charCodeAt(i)
    const top = stack[stack.length - 1]
    if (state === AFTER) {
      if (c === 0x2c) {
        state = top === OBJ ? KEY : ELEM
        i++
      } else if ((c === 0x7d && top === OBJ) || (c === 0x5d && top === ARR)) {
        stack.pop()
        i++
        if (valueDone()) return { status: "complete", end: i, tokens }
      } else {
        return { status: "error", end: i, tokens }
      }
      continue
    }
    if (state === COLON) {
      if (c !== 0x3a) return { status: "error", end: i, tokens }
      state = VALUE
      i++
      continue
    }
    if (state === KEY || state === KEY_OR_CLOSE) {
      if (c === 0x7d) {
        stack.pop()
        i++
        if (valueDone()) return { status: "complete", end: i, tokens }
      } else if (c === 0x22) {
        const e = skipString(s, i, to)
        if (e === -1) return { status: "error", end: i, tokens }
        if (e >= to) return { status: "truncated", end: to, tokens }
        i = e
        state = COLON
      } else {
        return { status: "error", end: i, tokens }
      }
      continue
    }
    // A value is expected (VALUE, ELEM, ELEM_OR_CLOSE).
    if (c === 0x5d && (state === ELEM || state === ELEM_OR_CLOSE)) {
      stack.pop()
      i++
      if (valueDone()) return { status: "complete", end: i, tokens }
    } else if ((c === 0x7b || c === 0x5b) && stack.length >= MAX_DEPTH) {
      return { status: "error", end: i, tokens }
    } else if (c === 0x7b) {
      stack.push(OBJ)
      state = KEY_OR_CLOSE
      tokens++
      i++
    } else if (c === 0x5b) {
      stack.push(ARR)
      state = ELEM_OR_CLOSE
      tokens++
      i++
    } else if (c === 0x22) {
      const e = skipString(s, i, to)
      if (e === -1) return { status: "error", end: i, tokens }
      if (e >= to) return { status: "truncated", end: to, tokens }
      i = e
      if (valueDone()) return { status: "complete", end: i, tokens }
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let j = i + 1
      while (j < to && isNumberChar(s.charCodeAt(j))) j++
      if (j >= to) return { status: "truncated", end: to, tokens }
      i = j
      if (valueDone()) return { status: "complete", end: i, tokens }
    } else if (c === 0x74 || c === 0x66 || c === 0x6e) {
      const word = c === 0x74 ? "true" : c === 0x66 ? "false" : "null"
      const got = s.slice(i, Math.min(to, i + word.length))
      if (got !== word) {
        if (i + got.length >= to && word.startsWith(got)) return { status: "truncated", end: to, tokens }
        return { status: "error", end: i, tokens }
      }
      i += word.length
      if (valueDone()) return { status: "complete", end: i, tokens }
    } else {
      return { status: "error", end: i, tokens }
    }
  }
}

const RG_TYPES = new Set(["begin", "match", "context", "end", "summary"])

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v)

const parseObjectLine = (line: string): Record<string, unknown> | undefined => {
  const t = line.trim()
  if (t.length < 2 || t.charCodeAt(0) !== 0x7b || t.charCodeAt(t.length - 1) !== 0x7d) return undefined
  try {
    const v: unknown = JSON.parse(t)
    return isObject(v) ? v : undefined
  } catch {
    return undefined
  }
}

/** JSON Lines: at least two non-blank lines, (nearly) all of them JSON objects. */
const jsonLines = (sample: Sample): JsonVerdict | undefined => {
  let seen = 0
  let objects = 0
  let ripgrep = 0
  for (const line of sample.lines) {
    if (line.indent < 0) continue
    if (++seen > MAX_JSONL_LINES) break
    const obj = parseObjectLine(line.full)
    if (obj === undefined) continue
    objects++
    if (typeof obj["type"] === "string" && RG_TYPES.has(obj["type"]) && isObject(obj["data"])) ripgrep++
  }
  seen = Math.min(seen, MAX_JSONL_LINES)
  if (objects < 2 || objects < seen * 0.9) return undefined
  const share = objects / seen
  return { kind: "jsonl", confidence: 0.8 + 0.2 * share, ripgrep: ripgrep >= objects * 0.9 }
}

/** Index of the first character that is not whitespace or a BOM. */
const firstSignificant = (text: string): number => skipWs(text, 0, Math.min(text.length, PREFIX_CHARS))

export const detectJson = (text: string, sample: Sample): JsonVerdict | undefined => {
  const start = firstSignificant(text)
  const c = text.charCodeAt(start)
  if (c !== 0x7b && c !== 0x5b) return undefined
  // The structural scan of the prefix first: it rejects bracketed logs and the like in a few
  // characters, before JSON.parse is paid for.
  const to = Math.min(text.length, start + PREFIX_CHARS)
  const scan = scanJson(text, start, to)
  if (scan.status === "error") return c === 0x7b ? jsonLines(sample) : undefined
  if (text.length < PARSE_LIMIT) {
    try {
      const v: unknown = JSON.parse(start === 0 ? text : text.slice(start))
      if (typeof v === "object" && v !== null) return { kind: "json", confidence: 1 }
    } catch {
      // Not one strict document: JSON Lines, JSONC, truncated, or several documents.
    }
  }
  const lines = c === 0x7b ? jsonLines(sample) : undefined
  if (lines !== undefined) return lines
  if (scan.tokens < 2) return undefined
  if (scan.status === "truncated") {
    // Cut by our window: a valid prefix of a document (too big to parse, or invalid further on).
    // Cut by the text itself: a document truncated before it reached us (tool output limits).
    const cutByUs = to < text.length
    return { kind: "json", confidence: cutByUs ? (text.length < PARSE_LIMIT ? 0.75 : 0.9) : 0.7 }
  }
  if (scan.status === "complete") {
    const rest = skipWs(text, scan.end, to)
    if (rest >= text.length) return { kind: "json", confidence: 0.9 } // JSONC (comments, trailing commas)
    const next = text.charCodeAt(rest)
    if (next === 0x7b || next === 0x5b) {
      // Several documents back to back (e.g. `jq` output of a stream of values).
      const second = scanJson(text, rest, to)
      if (second.status !== "error" && second.tokens >= 2) return { kind: "json", confidence: 0.6 }
    }
  }
  return undefined
}
