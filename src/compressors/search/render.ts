import { quoteTemplate, type LineRange } from "../../markers/index.ts"
import { generatedReason } from "../diff/generated.ts"
import { matchesAny } from "../diff/render.ts"
import { Kind, type Entry, type Group, type ParsedSearch } from "./parse.ts"
import { MARKER_PAYBACK, type SearchPolicy } from "./policy.ts"

export interface SearchRequest {
  readonly policy: SearchPolicy
  readonly keepPatterns: ReadonlyArray<RegExp>
  readonly maxTokens: number | undefined
}

export interface SearchIO {
  /** A marker line for lines of this block (1-based range), or for the whole block. */
  readonly marker: (summary: string, range?: LineRange) => string
  readonly countTokens: (text: string) => number
}

interface Level {
  readonly matchesPerFile: number
  readonly firstMatches: number
  readonly context: number
  readonly bulkyMatches: number
  readonly lineChars: number
  /** Omit even what is worth less than its marker (a budget asks for every token). */
  readonly everyOmission: boolean
}

/** Under a budget, first every file keeps one match, without context, in short lines. */
const LEAN: Omit<Level, "lineChars"> = { matchesPerFile: 1, firstMatches: 1, context: 0, bulkyMatches: 1, everyOmission: true }
const LEAN_LINE_CHARS = 100
/** Directory depths at which runs of files are folded under a budget; 0 folds any run. */
const MERGE_DEPTHS = [3, 2, 1, 0]
// Match texts sampled to guess the search term, and the longest one sampled.
const TERM_SAMPLE = 400
const TERM_SAMPLE_CHARS = 300
const SIGNATURE_CHARS = 200

/** Renders at the policy's level; under a budget, leaner levels until the output fits. */
export const compressSearch = (parsed: ParsedSearch, request: SearchRequest, io: SearchIO): string => {
  const renderer = new Renderer(parsed, request, io)
  const full = renderer.join(renderer.chunks({ ...request.policy, everyOmission: false }))
  const budget = request.maxTokens
  if (budget === undefined || io.countTokens(full) <= budget) return full
  const lean = renderer.chunks({ ...LEAN, lineChars: Math.min(LEAN_LINE_CHARS, request.policy.lineChars) })
  const leanText = renderer.join(lean)
  if (io.countTokens(leanText) <= budget) return leanText
  return renderer.fit(lean, budget)
}

interface Rendered {
  readonly lines: Array<string>
  /** Characters left out: omitted lines and the cut parts of long ones. */
  readonly omittedChars: number
  /** Length of the marker line, 0 without one. */
  readonly markerChars: number
}

interface Chunk {
  readonly item: number
  readonly text: string
}

class Renderer {
  private readonly eol: string
  private readonly entries: ReadonlyArray<Entry>
  private term: string | null | undefined

  constructor(
    private readonly parsed: ParsedSearch,
    private readonly request: SearchRequest,
    private readonly io: SearchIO,
  ) {
    this.entries = parsed.entries
    const first = parsed.lines[0]
    this.eol = first !== undefined && first.endsWith("\r") ? "\r" : ""
  }

  join(chunks: ReadonlyArray<Chunk | undefined>): string {
    const out: Array<string> = []
    for (const c of chunks) if (c !== undefined) out.push(c.text)
    if (this.parsed.jsonMessages !== undefined && this.parsed.jsonMessages > 0) {
      out.push(this.marker(`${this.parsed.jsonMessages} ripgrep JSON messages shown as path:line:text`))
    }
    const text = out.join("\n")
    return this.parsed.trailingNewline && out.length > 0 ? `${text}\n` : text
  }

  chunks(level: Level): Array<Chunk> {
    return this.parsed.items.map((item, i) => ({
      item: i,
      text: "group" in item ? this.group(item.group, level).join("\n") : this.entries[item.entry]!.shown,
    }))
  }

  /** Lists the largest files by a marker alone, then folds whole directories, until the text fits. */
  fit(lean: ReadonlyArray<Chunk>, budget: number): string {
    const { items } = this.parsed
    // Chunks stand in item order; a folded run leaves its marker in its first item's place.
    const chunks: Array<Chunk | undefined> = [...lean]
    const sizes = chunks.map((c) => this.io.countTokens(c!.text) + 1)
    let total = sizes.reduce((a, b) => a + b, 0)
    const replace = (from: number, to: number, text: string): boolean => {
      const size = this.io.countTokens(text) + 1
      for (let i = from; i <= to; i++) {
        total -= sizes[i]!
        sizes[i] = 0
        chunks[i] = undefined
      }
      chunks[from] = { item: from, text }
      sizes[from] = size
      total += size
      return total <= budget && this.io.countTokens(this.join(chunks)) <= budget
    }
    const order = items
      .map((_, i) => i)
      .filter((i) => "group" in items[i]!)
      .sort((a, b) => sizes[b]! - sizes[a]! || a - b)
    for (const i of order) {
      const text = this.listing([(items[i] as { group: Group }).group])
      if (this.io.countTokens(text) + 1 < sizes[i]! && replace(i, i, text)) return this.join(chunks)
    }
    // Then runs of files folded by directory, deep ones first, the biggest savings first.
    for (const depth of MERGE_DEPTHS) {
      const folds = this.runs((path) => (depth === 0 ? "" : directoryOf(path, depth))).map((run) => {
        const text = this.listing(run.groups, run.absorbed)
        let before = 0
        for (let i = run.from; i <= run.to; i++) before += sizes[i]!
        return { ...run, text, saving: before - this.io.countTokens(text) }
      })
      folds.sort((a, b) => b.saving - a.saving || a.from - b.from)
      for (const fold of folds) if (fold.saving > 0 && replace(fold.from, fold.to, fold.text)) return this.join(chunks)
    }
    return this.join(chunks)
  }

  private group(g: Group, level: Level): Array<string> {
    const es = this.entries.slice(g.first, g.end)
    // An omission must save more than its marker costs; else fewer are made.
    const worth = (r: Rendered) => level.everyOmission || r.omittedChars >= MARKER_PAYBACK * r.markerChars
    const chosen = this.renderKept(g, es, this.choose(g, es, level), level.lineChars)
    if (worth(chosen)) return chosen.lines
    const all = new Uint8Array(es.length).fill(1)
    const cut = this.renderKept(g, es, all, level.lineChars)
    return worth(cut) ? cut.lines : this.renderKept(g, es, all, Infinity).lines
  }

  /** The group's kept lines (long ones cut) and, if anything was left out, its marker last. */
  private renderKept(g: Group, es: ReadonlyArray<Entry>, keep: Uint8Array, lineChars: number): Rendered {
    let omittedMatches = 0
    let omittedContext = 0
    let omittedChars = 0
    let total = 0
    let lastKept = -1
    const omittedTexts = new Map<string, number>()
    es.forEach((e, k) => {
      if (e.kind === Kind.match) total++
      // A marker of an earlier pass: what it left out belongs to the file's count.
      if (e.kind === Kind.marker) total += countsIn(e.shown).matches
      if (keep[k] === 1 && e.kind !== Kind.separator) lastKept = k
      if (keep[k] === 1 || (e.kind !== Kind.match && e.kind !== Kind.context)) return
      omittedChars += e.shown.length + 1
      if (e.kind === Kind.context) omittedContext++
      else {
        omittedMatches++
        const text = textOf(e)
        omittedTexts.set(text, (omittedTexts.get(text) ?? 0) + 1)
      }
    })
    const lines: Array<string> = []
    let cuts = 0
    let keptSinceSeparator = false
    es.forEach((e, k) => {
      if (e.kind === Kind.separator) {
        // A separator stays between kept lines, once.
        if (keptSinceSeparator && k < lastKept) lines.push(e.shown)
        keptSinceSeparator = false
        return
      }
      if (keep[k] !== 1) return
      keptSinceSeparator = true
      const cut = e.kind === Kind.match || e.kind === Kind.context ? this.cut(e, lineChars) : undefined
      if (cut !== undefined) {
        cuts++
        omittedChars += e.shown.length - cut.length
      }
      lines.push(cut ?? e.shown)
    })
    if (omittedMatches + omittedContext + cuts === 0) return { lines, omittedChars, markerChars: 0 }
    const where = `${g.path === "" ? "this file" : g.path}${g.continued ? " (continued)" : ""}`
    const parts: Array<string> = []
    if (omittedMatches > 0) parts.push(`${omittedMatches} of ${total} matches in ${where} omitted`)
    if (omittedContext > 0) parts.push(`${omittedContext} context line${plural(omittedContext)}${omittedMatches > 0 ? "" : ` in ${where} omitted`}`)
    if (cuts > 0) parts.push(`${cuts} long line${plural(cuts)}${parts.length > 0 ? " cut" : ` in ${where} cut to ${lineChars} characters`}`)
    const [repeated, times] = mostRepeated(omittedTexts)
    if (times > 1) parts.push(`${times}× ${quoteTemplate(repeated, 40)}`)
    const marker = this.marker(parts.join(", "), this.range(g))
    lines.push(marker)
    return { lines, omittedChars, markerChars: marker.length }
  }

  /** Which entries of the group stay (1): heading, kept matches and their context, `--keep` lines. */
  private choose(g: Group, es: ReadonlyArray<Entry>, level: Level): Uint8Array {
    const keep = new Uint8Array(es.length)
    const matches: Array<number> = []
    const seen = new Set<string>()
    es.forEach((e, k) => {
      if (e.kind === Kind.heading || e.kind === Kind.marker) keep[k] = 1
      if (e.kind !== Kind.match && e.kind !== Kind.context) return
      if (e.kind === Kind.match) matches.push(k)
      if (matchesAny(this.request.keepPatterns, e.shown)) {
        keep[k] = 1
        if (e.kind === Kind.match) seen.add(textOf(e))
      }
    })
    const bulky = matches.length > this.request.policy.bulkyFile || generatedReason(g.path) !== undefined
    const cap = bulky ? Math.min(level.matchesPerFile, level.bulkyMatches) : level.matchesPerFile
    let kept = 0
    // The file's first matches, identical texts once.
    for (const k of matches) {
      if (kept >= Math.min(level.firstMatches, cap)) break
      const text = textOf(es[k]!)
      if (keep[k] === 1 || seen.has(text)) continue
      keep[k] = 1
      seen.add(text)
      kept++
    }
    // Then the most distinct of the rest, spread over the file: new shapes first, new texts next.
    if (cap > kept) {
      const shapes = new Set<string>()
      for (const text of seen) shapes.add(signature(text))
      const newShapes: Array<number> = []
      const newTexts: Array<number> = []
      const texts = new Set<string>()
      for (const k of matches) {
        if (keep[k] === 1) continue
        const text = textOf(es[k]!)
        if (seen.has(text) || texts.has(text)) continue
        texts.add(text)
        const shape = signature(text)
        if (shapes.has(shape)) newTexts.push(k)
        else {
          shapes.add(shape)
          newShapes.push(k)
        }
      }
      const picked = spread(newShapes, cap - kept)
      for (const k of picked) keep[k] = 1
      for (const k of spread(newTexts, cap - kept - picked.length)) keep[k] = 1
    }
    // Context on both sides of each kept match.
    if (level.context > 0) {
      for (const k of matches) {
        if (keep[k] !== 1) continue
        for (let d = 1; d <= level.context && es[k - d]?.kind === Kind.context; d++) keep[k - d] = 1
        for (let d = 1; d <= level.context && es[k + d]?.kind === Kind.context; d++) keep[k + d] = 1
      }
    }
    return keep
  }

  /** A line longer than the window, cut around its match with "…" at each cut end. */
  private cut(e: Entry, window: number): string | undefined {
    const body = e.shown.endsWith("\r") ? e.shown.slice(0, -1) : e.shown
    const text = body.slice(e.prefix)
    if (text.length <= window * 2) return undefined
    const at = e.matchAt ?? this.termIn(text)
    let start = Math.max(0, Math.min(at - Math.floor(window / 3), text.length - window))
    let end = Math.min(text.length, start + window)
    // Never split a surrogate pair.
    if (splitsPair(text, start)) start--
    if (splitsPair(text, end)) end--
    const cut = `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`
    return body.slice(0, e.prefix) + cut + (body === e.shown ? "" : "\r")
  }

  /** Where the search term is in a long line, guessed from the words all matches share; 0 if unknown. */
  private termIn(text: string): number {
    if (this.term === undefined) this.term = inferTerm(this.entries)
    if (this.term === null) return 0
    const at = text.indexOf(this.term)
    if (at !== -1) return at
    const folded = text.toLowerCase().indexOf(this.term.toLowerCase())
    return folded === -1 ? 0 : folded
  }

  /**
   * One marker for whole files: their match count. `absorbed` are markers of an earlier pass
   * between them (a budget refit), whose counts are added in.
   */
  private listing(groups: ReadonlyArray<Group>, absorbed: ReadonlyArray<Entry> = []): string {
    const first = groups[0]!
    let matches = 0
    let lines = 0
    let files = groups.length
    for (const g of groups) {
      for (let i = g.first; i < g.end; i++) {
        const e = this.entries[i]!
        if (e.kind === Kind.match) matches++
        if (e.kind === Kind.match || e.kind === Kind.context) lines++
        if (e.kind === Kind.marker) matches += countsIn(e.shown).matches
      }
    }
    for (const e of absorbed) {
      const counted = countsIn(e.shown)
      matches += counted.matches
      files += counted.files
    }
    const last = groups.at(-1)!
    const range = { from: this.entries[first.first]!.line + 1, to: this.entries[last.end - 1]!.line + 1 }
    const what = matches > 0 || lines === 0 ? `${matches} match${matches === 1 ? "" : "es"}` : `${lines} lines`
    if (files === 1) return this.marker(`${what} in ${first.path || "this file"}${first.continued ? " (continued)" : ""} omitted`, range)
    const where = commonDirectory(groups.map((g) => g.path))
    return this.marker(`${what} in ${files} files${where} omitted`, range)
  }

  /**
   * Runs of two or more file groups with the same `key`, with only blank lines, separators and
   * markers between them (those markers' counts go into the run's).
   */
  private runs(key: (path: string) => string) {
    const found: Array<{ from: number; to: number; groups: Array<Group>; absorbed: Array<Entry> }> = []
    let run: (typeof found)[number] | undefined
    let between: Array<Entry> = []
    const close = () => {
      if (run !== undefined && run.groups.length > 1) found.push(run)
      run = undefined
    }
    this.parsed.items.forEach((item, i) => {
      if ("group" in item) {
        if (run !== undefined && key(run.groups[0]!.path) === key(item.group.path)) {
          run.absorbed.push(...between.filter((e) => e.kind === Kind.marker))
          run.groups.push(item.group)
          run.to = i
        } else {
          close()
          run = { from: i, to: i, groups: [item.group], absorbed: [] }
        }
        between = []
        return
      }
      const entry = this.entries[item.entry]!
      if (entry.kind === Kind.blank || entry.kind === Kind.separator || entry.kind === Kind.marker) between.push(entry)
      else {
        close()
        between = []
      }
    })
    close()
    return found
  }

  private range(g: Group): LineRange {
    return { from: this.entries[g.first]!.line + 1, to: this.entries[g.end - 1]!.line + 1 }
  }

  private marker(summary: string, range?: LineRange): string {
    return this.io.marker(summary, range) + this.eol
  }
}

const textOf = (e: Entry): string => {
  const text = e.shown.slice(e.prefix)
  return text.endsWith("\r") ? text.slice(0, -1) : text
}

/** The shape of a line: numbers and spacing do not make two matches different. */
const signature = (text: string): string =>
  text.slice(0, SIGNATURE_CHARS).trim().replace(/\d+/g, "0").replace(/\s+/g, " ")

/** `count` items spread evenly over `from`, in order. */
const spread = (from: ReadonlyArray<number>, count: number): Array<number> => {
  if (count <= 0) return []
  if (from.length <= count) return [...from]
  return Array.from({ length: count }, (_, i) => from[Math.floor(((i + 0.5) * from.length) / count)]!)
}

const mostRepeated = (counts: ReadonlyMap<string, number>): [string, number] => {
  let best = ""
  let times = 0
  for (const [text, n] of counts) {
    if (n > times || (n === times && text < best)) {
      best = text
      times = n
    }
  }
  return [best, times]
}

/** Matches and files a marker of this stage counts: "3 of 9 matches in a.ts", "40 matches in 7 files". */
const countsIn = (marker: string): { matches: number; files: number } => {
  const m = /^\[… (\d+) (?:of \d+ )?match(?:es)? in (?:(\d+) files\b)?/.exec(marker)
  if (m === null) return { matches: 0, files: 0 }
  return { matches: Number(m[1]), files: m[2] !== undefined ? Number(m[2]) : marker.includes(" of ") ? 0 : 1 }
}

const plural = (n: number): string => (n === 1 ? "" : "s")

/** The first `depth` directories of a path ("" for a file at the top). */
const directoryOf = (path: string, depth: number): string => {
  const parts = path.replace(/^\.\//, "").split(/[/\\]/)
  return parts.slice(0, Math.min(depth, parts.length - 1)).join("/")
}

/** " under a/b/" when all paths share directories, else "". */
const commonDirectory = (paths: ReadonlyArray<string>): string => {
  let common = directoryOf(paths[0]!, Infinity).split("/")
  for (const path of paths) {
    const parts = directoryOf(path, Infinity).split("/")
    let n = 0
    while (n < common.length && n < parts.length && common[n] === parts[n]) n++
    common = common.slice(0, n)
  }
  const directory = common.join("/")
  return directory === "" ? "" : ` under ${directory}/`
}

/** The word most match lines share (the likely search term), or null when none stands out. */
const inferTerm = (entries: ReadonlyArray<Entry>): string | null => {
  const frequency = new Map<string, number>()
  let sampled = 0
  for (const e of entries) {
    if (sampled >= TERM_SAMPLE) break
    if (e.kind !== Kind.match) continue
    const text = textOf(e)
    if (text.length > TERM_SAMPLE_CHARS) continue
    sampled++
    for (const word of new Set(text.match(/[A-Za-z_$][\w$]{2,}/g) ?? [])) frequency.set(word, (frequency.get(word) ?? 0) + 1)
  }
  let best: string | null = null
  let bestCount = 0
  for (const [word, count] of frequency) {
    if (count > bestCount || (count === bestCount && best !== null && (word.length > best.length || (word.length === best.length && word < best)))) {
      best = word
      bestCount = count
    }
  }
  return best !== null && bestCount >= Math.max(2, sampled / 2) ? best : null
}

/** Whether a cut before index `i` falls between the halves of a surrogate pair. */
const splitsPair = (text: string, i: number): boolean => {
  const low = text.charCodeAt(i)
  const high = text.charCodeAt(i - 1)
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff
}
