/**
 * Reads unified and git diffs (also `git log -p`, `git show`, `format-patch` mails and combined
 * `diff --cc` output) into file sections and a role per line. Hunk bodies are measured with the
 * counts in their headers, so a context line is only ever a line the diff itself says is one;
 * anything that does not fit (stray text, mangled hunks) is "other" and is never dropped.
 */

import { MARKER_PATTERN } from "../../markers/index.ts"
import { GENERATED_BANNER } from "./generated.ts"
import { splitLines } from "../../strings/lines.ts"

export const Role = {
  /** Outside any file section: commit headers and messages, diffstats, stray text. */
  other: 0,
  /** `diff --git`, `index`, mode, rename, `---`/`+++` and binary-patch lines. */
  header: 1,
  hunkHeader: 2,
  context: 3,
  change: 4,
  /** `\ No newline at end of file`. */
  noNewline: 5,
  /** A file's context marker from an earlier pass (a budget refit reads compressed output again). */
  marker: 6,
} as const
export type Role = (typeof Role)[keyof typeof Role]

export interface Hunk {
  /** Index of the `@@` line, or -1 when the hunk began in an earlier block. */
  readonly header: number
  /** First body line. */
  readonly start: number
  /** One past the last body line. */
  end: number
  /** For a hunk begun in an earlier block: body lines since its last change there (Infinity: none). */
  readonly sinceChange: number
}

/** One file's part of the diff within this block. Line indices are 0-based, `end` exclusive. */
export interface FileSection {
  readonly start: number
  end: number
  /** Path after the change (before it for a deletion); "" when the diff never names it. */
  path: string
  /** Path before the change, when it differs (renames, copies). */
  oldPath: string
  /** The section began in an earlier block of the stream. */
  readonly continued: boolean
  readonly hunks: Array<Hunk>
  added: number
  removed: number
  binary: boolean
  /** `similarity index N%` of a rename or copy. */
  similarity: number | undefined
  copied: boolean
  modeChange: boolean
  /** Longest changed line, in characters. */
  longestChange: number
  /** The new content opens with a "generated, do not edit" banner. */
  bannered: boolean
}

/** What a block of a long diff leaves open for the next one. */
export interface DiffStreamState {
  /** The file section the previous block ended in, if it had not ended yet. */
  file: OpenFile | undefined
}

interface OpenFile {
  readonly path: string
  readonly oldPath: string
  readonly hadHunks: boolean
  /** Counts left in the open hunk: one per parent, then the result; undefined between hunks. */
  readonly remaining: Array<number> | undefined
  /** Body lines of the open hunk since its last change. */
  readonly sinceChange: number
}

export const newDiffState = (): DiffStreamState => ({ file: undefined })

export interface ParsedDiff {
  /** The block's lines, line endings other than "\n" (a CR) still attached. */
  readonly lines: ReadonlyArray<string>
  readonly roles: Uint8Array
  readonly sections: ReadonlyArray<FileSection>
  readonly trailingNewline: boolean
}

const HUNK_HEADER = /^(@@+) ((?:-\d+(?:,\d+)? )+)\+(\d+)(?:,(\d+))? @@/
const EXTENDED_HEADER =
  /^(?:index [0-9a-f]+[.,]|(?:old|new|deleted file|new file) mode |similarity index |dissimilarity index |rename (?:from|to) |copy (?:from|to) |Binary files .* differ$|GIT binary patch$|={20,}$)/
// Lines of a git binary patch: "literal 123", "delta 45", base85 rows, blank separators.
const BINARY_PATCH_LINE = /^(?:(?:literal|delta) \d+|[A-Za-z][0-9A-Za-z!#$%&()*+\-;<=>?@^_`{|}~]*|)$/
const FILE_START = /^(?:diff --git |diff --cc |diff --combined |diff -\S|Index: )/
const GENERATED_LOOKAHEAD = 5
const MARKER_LINE = new RegExp(`^(?:${MARKER_PATTERN.source})$`)
/** The words of the marker that follows a file whose context was trimmed (see render.ts). */
export const CONTEXT_MARKER_WORDS = "unchanged context line"

/** Parses one block; `state` carries an open file and hunk across the blocks of a stream. */
export const parseDiff = (text: string, state: DiffStreamState): ParsedDiff => {
  const trailingNewline = text.endsWith("\n")
  const lines = splitLines(text)
  const n = lines.length
  const roles = new Uint8Array(n)
  const sections: Array<FileSection> = []
  let section: FileSection | undefined
  let remaining: Array<number> | undefined
  let binaryPatch = false
  let lastWasBody = false
  // The open section has had its "---"/"+++" pair: another pair opens the next file.
  let pairSeen = false

  const open = (start: number, path: string, oldPath: string, continued: boolean): FileSection => {
    const s: FileSection = {
      start,
      end: start,
      path,
      oldPath,
      continued,
      hunks: [],
      added: 0,
      removed: 0,
      binary: false,
      similarity: undefined,
      copied: false,
      modeChange: false,
      longestChange: 0,
      bannered: false,
    }
    sections.push(s)
    pairSeen = false
    return s
  }
  const close = (at: number) => {
    if (section !== undefined) section.end = at
    section = undefined
    remaining = undefined
    binaryPatch = false
  }

  const carried = state.file
  if (carried !== undefined && n > 0) {
    section = open(0, carried.path, carried.oldPath, true)
    if (carried.remaining !== undefined) {
      remaining = [...carried.remaining]
      section.hunks.push({ header: -1, start: 0, end: 0, sinceChange: carried.sinceChange })
    } else if (carried.hadHunks) {
      // Between hunks: only a new hunk continues this file; headers would start another.
      section.hunks.push({ header: -1, start: 0, end: 0, sinceChange: Infinity })
    }
  }

  for (let i = 0; i < n; i++) {
    const raw = lines[i]!
    const t = raw.endsWith("\r") ? raw.slice(0, -1) : raw
    const hunk = section?.hunks.at(-1)

    if (remaining !== undefined && section !== undefined && hunk !== undefined) {
      // "\ No newline at end of file" may follow the old side's last line, mid-hunk.
      const role = t.startsWith("\\") ? Role.noNewline : bodyRole(t, remaining)
      if (role !== undefined) {
        roles[i] = role
        hunk.end = i + 1
        lastWasBody = true
        if (role === Role.change) noteChange(section, t, remaining.length - 1, hunk, i, lines)
        if (remaining.every((r) => r <= 0)) remaining = undefined
        continue
      }
      // A line that can't be in the hunk ends it early (a mangled count); it is read afresh below.
      remaining = undefined
    }
    if (t.startsWith("[… ") && section !== undefined && hunk !== undefined && t.includes(CONTEXT_MARKER_WORDS) && MARKER_LINE.test(t)) {
      roles[i] = Role.marker
      lastWasBody = false
      continue
    }
    if (t.startsWith("\\") && lastWasBody && section !== undefined && hunk !== undefined) {
      roles[i] = Role.noNewline
      hunk.end = i + 1
      continue
    }
    lastWasBody = false

    if (t.startsWith("@@")) {
      const m = HUNK_HEADER.exec(t)
      if (m !== null) {
        section ??= open(i, "", "", false)
        roles[i] = Role.hunkHeader
        remaining = hunkCounts(m)
        section.hunks.push({ header: i, start: i + 1, end: i + 1, sinceChange: Infinity })
        binaryPatch = false
        if (remaining.every((r) => r <= 0)) remaining = undefined
        continue
      }
    }
    if (FILE_START.test(t)) {
      close(i)
      section = open(i, ...pathsOfFileLine(t), false)
      roles[i] = Role.header
      continue
    }
    if (t.startsWith("--- ") && i + 1 < n && lines[i + 1]!.startsWith("+++ ")) {
      // Plain unified diffs have no "diff" line: "---"/"+++" open the file. In a git diff they
      // follow the extended headers of the file already open.
      if (section === undefined || section.hunks.length > 0 || pairSeen) {
        close(i)
        section = open(i, "", "", false)
      }
      pairSeen = true
      roles[i] = Role.header
      roles[i + 1] = Role.header
      const oldPath = headerPath(t)
      const newPath = headerPath(lines[i + 1]!.replace(/\r$/, ""))
      section.path = newPath !== undefined ? newPath : oldPath ?? section.path
      if (oldPath !== undefined && oldPath !== section.path) section.oldPath = oldPath
      i++
      continue
    }
    if (section !== undefined && section.hunks.length === 0) {
      if (binaryPatch && BINARY_PATCH_LINE.test(t)) {
        roles[i] = Role.header
        continue
      }
      if (EXTENDED_HEADER.test(t)) {
        roles[i] = Role.header
        readExtendedHeader(section, t)
        if (t === "GIT binary patch") binaryPatch = true
        continue
      }
    }
    // Anything else is outside every file: it ends the one open.
    close(i)
  }

  if (section !== undefined) {
    section.end = n
    state.file = {
      path: section.path,
      oldPath: section.oldPath,
      hadHunks: section.hunks.length > 0,
      remaining: remaining === undefined ? undefined : [...remaining],
      sinceChange: remaining === undefined ? Infinity : sinceLastChange(section.hunks.at(-1)!, roles),
    }
  } else state.file = undefined
  return { lines, roles, sections, trailingNewline }
}

const sinceLastChange = (hunk: Hunk, roles: Uint8Array): number => {
  for (let i = hunk.end - 1; i >= hunk.start; i--) if (roles[i] === Role.change) return hunk.end - 1 - i
  return hunk.end - hunk.start + hunk.sinceChange
}

/** The role of `t` inside a hunk with these counts left, or undefined if it can't be in it. */
const bodyRole = (t: string, remaining: Array<number>): Role | undefined => {
  const parents = remaining.length - 1
  // Editors and mail clients strip the lone space of an empty context line.
  if (t.length < parents) return t.length === 0 && remaining.every((r) => r > 0) ? consume(remaining, " ".repeat(parents)) : undefined
  for (let k = 0; k < parents; k++) {
    const c = t.charCodeAt(k)
    if (c !== 32 && c !== 43 && c !== 45) return undefined
  }
  return consume(remaining, t.slice(0, parents))
}

/**
 * Counts one body line against each parent and the result. Column k holds "-" (in parent k, not
 * in the result), "+" (in the result, not in parent k) or " " (in both).
 */
const consume = (remaining: Array<number>, prefix: string): Role => {
  const parents = remaining.length - 1
  const removed = prefix.includes("-")
  let changed = false
  for (let k = 0; k < parents; k++) {
    const c = prefix.charCodeAt(k)
    if (c !== 32) changed = true
    if (c === 45 || (c === 32 && !removed)) remaining[k]!--
  }
  if (!removed) remaining[parents]!--
  return changed ? Role.change : Role.context
}

const noteChange = (
  section: FileSection,
  t: string,
  parents: number,
  hunk: Hunk,
  i: number,
  lines: ReadonlyArray<string>,
) => {
  if (t.slice(0, parents).includes("-")) section.removed++
  else section.added++
  if (t.length > section.longestChange) section.longestChange = t.length
  if (!section.bannered && section.hunks.length === 1 && hunk.header >= 0 && i - hunk.start < GENERATED_LOOKAHEAD) {
    if (/^@@+ (?:-\d+(?:,\d+)? )+\+[01][, ]/.test(lines[hunk.header]!) && GENERATED_BANNER.test(t.slice(parents))) section.bannered = true
  }
}

const hunkCounts = (m: RegExpExecArray): Array<number> => {
  const counts: Array<number> = []
  for (const range of m[2]!.trim().split(" ")) {
    const comma = range.indexOf(",")
    counts.push(comma === -1 ? 1 : Number(range.slice(comma + 1)))
  }
  counts.push(m[4] === undefined ? 1 : Number(m[4]))
  return counts
}

const readExtendedHeader = (section: FileSection, t: string) => {
  if (t.startsWith("similarity index ")) section.similarity = Number.parseInt(t.slice(17), 10)
  else if (t.startsWith("rename from ")) section.oldPath = unquote(t.slice(12))
  else if (t.startsWith("rename to ")) section.path = unquote(t.slice(10))
  else if (t.startsWith("copy from ")) {
    section.oldPath = unquote(t.slice(10))
    section.copied = true
  } else if (t.startsWith("copy to ")) section.path = unquote(t.slice(8))
  else if (t.startsWith("old mode ") || t.startsWith("new mode ")) section.modeChange = true
  else if (t.startsWith("Binary files ") || t === "GIT binary patch") section.binary = true
}

/** Paths named by a `diff --git a/x b/y`, `diff --cc x`, `diff -u x y` or `Index: x` line. */
const pathsOfFileLine = (t: string): [path: string, oldPath: string] => {
  if (t.startsWith("Index: ")) return [t.slice(7).trim(), ""]
  if (t.startsWith("diff --cc ") || t.startsWith("diff --combined ")) return [t.slice(t.indexOf(" ", 7) + 1).trim(), ""]
  if (t.startsWith("diff --git ")) {
    const [a, b] = splitGitPaths(t.slice(11))
    const path = stripPrefix(b)
    const old = stripPrefix(a)
    return [path, old === path ? "" : old]
  }
  // "diff -ru old/x new/x": the last two words.
  const words = t.split(/\s+/)
  const path = stripPrefix(words.at(-1) ?? "")
  const old = stripPrefix(words.at(-2) ?? "")
  return [path, old === path || old.startsWith("-") ? "" : old]
}

/** Splits `a/x b/y`, where paths may hold spaces: equal halves first, then quotes, then " b/". */
const splitGitPaths = (s: string): [string, string] => {
  if (s.startsWith('"')) {
    const end = closingQuote(s, 1)
    const first = s.slice(0, end + 1)
    return [unquote(first), unquote(s.slice(end + 2))]
  }
  if (s.length % 2 === 1) {
    const half = (s.length - 1) / 2
    const a = s.slice(0, half)
    const b = s.slice(half + 1)
    if (a.slice(a.indexOf("/") + 1) === b.slice(b.indexOf("/") + 1)) return [a, b]
  }
  const cut = s.indexOf(" b/")
  if (cut !== -1) return [s.slice(0, cut), unquote(s.slice(cut + 1))]
  const space = s.indexOf(" ")
  return space === -1 ? [s, s] : [s.slice(0, space), s.slice(space + 1)]
}

const closingQuote = (s: string, from: number): number => {
  for (let i = from; i < s.length; i++) {
    if (s[i] === "\\") i++
    else if (s[i] === '"') return i
  }
  return s.length - 1
}

/** Path of a "--- a/x" or "+++ b/x\t2024-01-01 …" line; undefined for /dev/null. */
const headerPath = (t: string): string | undefined => {
  let p = t.slice(4)
  const tab = p.indexOf("\t")
  if (tab !== -1) p = p.slice(0, tab)
  p = unquote(p.trimEnd())
  return p === "/dev/null" ? undefined : stripPrefix(p)
}

const stripPrefix = (p: string): string => (/^[abciow]\//.test(p) ? p.slice(2) : p)

/** Git quotes paths with unusual characters C-style; the summary shows them unquoted. */
const unquote = (p: string): string => {
  if (p.length < 2 || !p.startsWith('"') || !p.endsWith('"')) return p
  return p.slice(1, -1).replace(/\\(["\\tn])/g, (_, c: string) => (c === "t" ? "\t" : c === "n" ? "\n" : c))
}
