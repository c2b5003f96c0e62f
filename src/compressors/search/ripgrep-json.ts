/**
 * ripgrep `--json` output, one message per line (`begin`, `match`, `context`, `end`,
 * `summary`), read into the same entries as text output, rendered the way rg prints without
 * `--json`: `path:line:text` for matches, `path-line-text` for context, `--` between
 * non-adjacent lines of a file. Offsets, timings and statistics are left to the stored original.
 */
import { decodeLossless } from "../../io/utf8.ts"
import { Kind, groupEntries, type Entry, type ParsedSearch, type SearchStreamState } from "./parse.ts"
import { splitLines } from "../../strings/lines.ts"

const RG_TYPES = new Set(["begin", "match", "context", "end", "summary"])

/** Whether the block is ripgrep JSON: its first non-blank lines are rg messages. */
export const isRipgrepJson = (text: string): boolean => {
  let seen = 0
  let start = 0
  while (seen < 3 && start < text.length) {
    let end = text.indexOf("\n", start)
    if (end === -1) end = text.length
    const line = text.slice(start, end).trim()
    start = end + 1
    if (line === "") continue
    const message = parseMessage(line)
    if (message === undefined) return false
    seen++
  }
  return seen > 0
}

interface Message {
  readonly type: string
  readonly data: Record<string, unknown>
}

const parseMessage = (line: string): Message | undefined => {
  if (!line.startsWith("{")) return undefined
  try {
    const value: unknown = JSON.parse(line)
    if (typeof value !== "object" || value === null) return undefined
    const { type, data } = value as { type?: unknown; data?: unknown }
    if (typeof type !== "string" || !RG_TYPES.has(type) || typeof data !== "object" || data === null) return undefined
    return { type, data: data as Record<string, unknown> }
  } catch {
    return undefined
  }
}

/** rg writes paths and lines as `{"text": …}`, or `{"bytes": base64}` when they are not UTF-8. */
const textOf = (value: unknown): string | undefined => {
  if (typeof value !== "object" || value === null) return undefined
  const v = value as { text?: unknown; bytes?: unknown }
  if (typeof v.text === "string") return v.text
  if (typeof v.bytes === "string") return decodeLossless(Buffer.from(v.bytes, "base64"))
  return undefined
}

export const parseRipgrepJson = (text: string, state: SearchStreamState): ParsedSearch => {
  const trailingNewline = text.endsWith("\n")
  const lines = splitLines(text)
  const entries: Array<Entry> = []
  let messages = 0
  // Line number of the previous entry of the current file, to place "--" between gaps.
  let previous: number | undefined
  let contextSeen = false
  const carriedPath = state.jsonPath
  lines.forEach((line, i) => {
    const message = parseMessage(line.trim())
    if (message === undefined) {
      entries.push({ kind: line.trim() === "" ? Kind.blank : Kind.other, line: i, path: "", shown: line, prefix: 0, matchAt: undefined })
      return
    }
    messages++
    const { type, data } = message
    if (type === "begin") {
      state.jsonPath = textOf(data["path"]) ?? ""
      previous = undefined
      contextSeen = false
      return
    }
    if (type === "end") {
      state.jsonPath = undefined
      return
    }
    if (type !== "match" && type !== "context") return
    const path = textOf(data["path"]) ?? state.jsonPath ?? ""
    const content = textOf(data["lines"])
    const first = typeof data["line_number"] === "number" ? data["line_number"] : undefined
    if (content === undefined) return
    const isMatch = type === "match"
    if (!isMatch) contextSeen = true
    const rows = content.replace(/\r?\n$/, "").split(/\r?\n/)
    const matchAt = isMatch ? firstSubmatch(data, rows[0]!) : undefined
    rows.forEach((row, k) => {
      const number = first === undefined ? undefined : first + k
      if (contextSeen && previous !== undefined && number !== undefined && number > previous + 1) {
        entries.push({ kind: Kind.separator, line: i, path: "", shown: "--", prefix: 0, matchAt: undefined })
      }
      const prefix = number === undefined ? `${path}${isMatch ? ":" : "-"}` : `${path}${isMatch ? ":" : "-"}${number}${isMatch ? ":" : "-"}`
      entries.push({
        kind: isMatch ? Kind.match : Kind.context,
        line: i,
        path,
        shown: prefix + row,
        prefix: prefix.length,
        matchAt: k === 0 ? matchAt : undefined,
      })
      previous = number
    })
  })
  const items = groupEntries(entries, carriedPath)
  return { lines, trailingNewline, entries, items, jsonMessages: messages }
}

/** Character offset of the first submatch in the line; rg counts bytes of UTF-8. */
const firstSubmatch = (data: Record<string, unknown>, row: string): number | undefined => {
  const submatches = data["submatches"]
  if (!Array.isArray(submatches) || submatches.length === 0) return undefined
  const start = (submatches[0] as { start?: unknown }).start
  if (typeof start !== "number") return undefined
  let bytes = 0
  let at = 0
  while (at < row.length && bytes < start) {
    const c = row.codePointAt(at)!
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4
    at += c >= 0x10000 ? 2 : 1
  }
  return at
}
