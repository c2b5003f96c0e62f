/**
 * Reads search-tool output into entries grouped by file: grep/rg/ag/git grep `path:line:text`
 * and `path:line:col:text`, context lines `path-line-text` with `--` separators, rg `--heading`
 * groups (a path line, then `line:text`), single-file `line:text`, `path:text` without line
 * numbers, and ripgrep `--json` messages (see ripgrep-json.ts). Lines that fit none of these are
 * "other" and are always kept.
 */

import { MARKER_PATTERN } from "../../markers/index.ts"
import { splitLines } from "../../strings/lines.ts"

export const Kind = {
  other: 0,
  blank: 1,
  /** `--` between non-adjacent context groups. */
  separator: 2,
  /** The path line that opens an rg `--heading` group. */
  heading: 3,
  match: 4,
  context: 5,
  /** `Binary file x matches`. */
  binary: 6,
  /** A marker from an earlier pass (a budget refit reads compressed output again). */
  marker: 7,
} as const
export type Kind = (typeof Kind)[keyof typeof Kind]

export interface Entry {
  readonly kind: Kind
  /** Index of the source line in the block (for ripgrep JSON: of the JSON message). */
  readonly line: number
  readonly path: string
  /** The line as it is shown: the original line, or a rendering of a JSON message. */
  readonly shown: string
  /** Length of the `path:12:` / `12:` prefix in `shown`. */
  readonly prefix: number
  /** Where the match starts in the text after the prefix, when the tool said so. */
  readonly matchAt: number | undefined
}

/** Consecutive entries of one file. */
export interface Group {
  readonly path: string
  /** Entries [first, end). */
  readonly first: number
  end: number
  /** The file's entries began in an earlier block of the stream. */
  readonly continued: boolean
}

/** A run of the output: a file's group, or one entry outside any group. */
export type Item = { readonly group: Group } | { readonly entry: number }

export interface ParsedSearch {
  readonly lines: ReadonlyArray<string>
  readonly trailingNewline: boolean
  readonly entries: ReadonlyArray<Entry>
  readonly items: ReadonlyArray<Item>
  /** Set for ripgrep --json input: how many of its lines were messages. */
  readonly jsonMessages: number | undefined
}

/** What one block of a long search output leaves for the next. */
export interface SearchStreamState {
  /** The rg --heading path whose group was still open. */
  heading: string | undefined
  /** Path of the last file entry, for context lines and continued groups. */
  lastPath: string | undefined
  /** Path of the ripgrep JSON file between "begin" and "end". */
  jsonPath: string | undefined
}

export const newSearchState = (): SearchStreamState => ({ heading: undefined, lastPath: undefined, jsonPath: undefined })

// A path has no blanks or colons (a drive letter excepted), so matching stays linear.
const PATH_HIT = /^((?:[A-Za-z]:)?[^\s:]+):(\d+)(?::(\d+))?(?::|$)/
const NUMBERED = /^(\d+)([:-])(?:(\d+):)?/
const CONTEXT_AFTER_PATH = /^-(\d+)-/
const BINARY = /^(?:Binary file .+ matches|binary file matches)/
const UNNUMBERED_HIT = /^((?:[A-Za-z]:)?[^\s:]+):(?!\/\/)/
const HAS_EXTENSION = /\.[A-Za-z0-9_]{1,12}$/
const MARKER_LINE = new RegExp(`^(?:${MARKER_PATTERN.source})$`)
const NOT_A_PATH = /^[\d.\-/T]+$|=/

/** Parses one block of text search output; see ripgrep-json.ts for `--json`. */
export const parseSearchText = (text: string, state: SearchStreamState): ParsedSearch => {
  const trailingNewline = text.endsWith("\n")
  const lines = splitLines(text)
  const n = lines.length
  const bodies = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))

  // Pass 1: path hits, to know the file a context line before a file's first match belongs to.
  const hitPaths = new Array<string | undefined>(n)
  let hits = 0
  let withColumn = 0
  for (let i = 0; i < n; i++) {
    const m = PATH_HIT.exec(bodies[i]!)
    if (m === null || NOT_A_PATH.test(m[1]!)) continue
    hitPaths[i] = m[1]!
    hits++
    if (m[3] !== undefined) withColumn++
  }
  const nextHitPath = new Array<string | undefined>(n)
  for (let i = n - 1, next: string | undefined; i >= 0; i--) {
    nextHitPath[i] = next
    if (hitPaths[i] !== undefined) next = hitPaths[i]
  }
  // `path:12:5:text` (vimgrep, --column) when every hit has a column; else "5:" is text.
  const columns = hits > 0 && withColumn === hits

  const entries: Array<Entry> = []
  let heading = state.heading
  let lastPath = state.lastPath
  const add = (kind: Kind, i: number, path: string, prefix: number, matchAt?: number) =>
    entries.push({ kind, line: i, path, shown: lines[i]!, prefix, matchAt })

  for (let i = 0; i < n; i++) {
    const t = bodies[i]!
    if (t === "") {
      add(Kind.blank, i, "", 0)
      heading = undefined
      continue
    }
    if (t === "--") {
      add(Kind.separator, i, "", 0)
      continue
    }
    if (t.startsWith("[… ") && MARKER_LINE.test(t)) {
      // A marker about the file just listed stays with it; any other stands alone.
      add(Kind.marker, i, lastPath !== undefined && t.includes(` in ${lastPath} `) ? lastPath : "", 0)
      continue
    }
    if (heading !== undefined) {
      const m = NUMBERED.exec(t)
      if (m !== null) {
        const isMatch = m[2] === ":"
        const hasColumn = isMatch && columns && m[3] !== undefined
        const prefix = hasColumn ? m[0].length : m[1]!.length + 1
        add(isMatch ? Kind.match : Kind.context, i, heading, prefix, hasColumn ? Number(m[3]) - 1 : undefined)
        continue
      }
      heading = undefined
    }
    const hitPath = hitPaths[i]
    if (hitPath !== undefined) {
      const m = PATH_HIT.exec(t)!
      const hasColumn = columns && m[3] !== undefined
      const prefix = hasColumn ? m[0].length : hitPath.length + 1 + m[2]!.length + (m[0].endsWith(":") ? 1 : 0)
      add(Kind.match, i, hitPath, Math.min(prefix, t.length), hasColumn ? Number(m[3]) - 1 : undefined)
      lastPath = hitPath
      continue
    }
    const contextPath = contextOf(t, lastPath) ?? contextOf(t, nextHitPath[i])
    if (contextPath !== undefined) {
      const m = CONTEXT_AFTER_PATH.exec(t.slice(contextPath.length))!
      add(Kind.context, i, contextPath, contextPath.length + m[0].length)
      lastPath = contextPath
      continue
    }
    if (i + 1 < n && isPath(t) && NUMBERED.test(bodies[i + 1]!)) {
      add(Kind.heading, i, t, 0)
      heading = t
      lastPath = t
      continue
    }
    if (hits === 0) {
      // grep -n on one file: no path, only numbers.
      const m = NUMBERED.exec(t)
      if (m !== null) {
        add(m[2] === ":" ? Kind.match : Kind.context, i, "", m[1]!.length + 1)
        continue
      }
      const u = UNNUMBERED_HIT.exec(t)
      if (u !== null && isPath(u[1]!) && (u[1]!.includes("/") || u[1]!.includes("\\") || HAS_EXTENSION.test(u[1]!))) {
        add(Kind.match, i, u[1]!, u[0].length)
        lastPath = u[1]!
        continue
      }
    }
    add(BINARY.test(t) ? Kind.binary : Kind.other, i, "", 0)
  }
  state.heading = heading
  const items = groupEntries(entries, state.lastPath)
  state.lastPath = lastPath
  return { lines, trailingNewline, entries, items, jsonMessages: undefined }
}

const contextOf = (t: string, path: string | undefined): string | undefined =>
  path !== undefined && t.length > path.length + 2 && t.startsWith(path) && CONTEXT_AFTER_PATH.test(t.slice(path.length, path.length + 24))
    ? path
    : undefined

const isPath = (t: string): boolean => t.length >= 1 && !/\s/.test(t) && !NOT_A_PATH.test(t) && !t.startsWith("[")

/**
 * Groups consecutive entries of one file. Separators between two entries of the same file belong
 * to it; any other line ends the group. `carriedPath` is the file the previous block ended in.
 */
export const groupEntries = (entries: ReadonlyArray<Entry>, carriedPath: string | undefined): Array<Item> => {
  const items: Array<Item> = []
  let group: Group | undefined
  let pending: Array<number> = []
  const flush = () => {
    for (const e of pending) items.push({ entry: e })
    pending = []
  }
  entries.forEach((e, i) => {
    const inFile = e.kind === Kind.match || e.kind === Kind.context || e.kind === Kind.heading
    if (e.kind === Kind.separator && group !== undefined) {
      pending.push(i)
      return
    }
    const continues = (inFile && e.kind !== Kind.heading) || (e.kind === Kind.marker && e.path !== "")
    if (continues && group !== undefined && group.path === e.path) {
      group.end = i + 1
      pending = []
      return
    }
    group = undefined
    flush()
    if (inFile) {
      group = { path: e.path, first: i, end: i + 1, continued: items.length === 0 && e.path === carriedPath && e.path !== "" }
      items.push({ group })
    } else items.push({ entry: i })
  })
  flush()
  return items
}
