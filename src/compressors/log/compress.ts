import { MARKER_PATTERN, quoteTemplate, type LineRange } from "../../markers/index.ts"
import { describeFold, foldFrames, type FoldPolicy, type FrameFold } from "../stacktrace/fold.ts"
import { cleanLine } from "./clean.ts"
import {
  BLANK,
  CONTINUATION_PATTERN,
  DIAGNOSTIC,
  ERROR_LEVEL,
  ERROR_WORD,
  EXCEPTION,
  FRAME,
  STATUS,
  TEST_FAILURE,
  WARNING,
  classify,
  indentation,
  isBlank,
} from "./classify.ts"
import type { LogPolicy } from "./policy.ts"
import type { PreparedLines } from "./prepare.ts"
import {
  TemplateMiner,
  WILDCARD,
  displayStart,
  refreshGroups,
  signatureOf,
  templateOf,
  tokensOf,
  type Cluster,
  type SignatureEntry,
} from "./templates.ts"
import { splitLines } from "../../strings/lines.ts"

/**
 * Why a line is kept, as a priority: under a token budget the lowest go first.
 * Errors outlive everything; a group's first example goes before anything else.
 */
const Keep = {
  representative: 1,
  context: 2,
  rare: 3,
  warning: 4,
  headTail: 5,
  status: 6,
  block: 7,
  errorWord: 8,
  error: 9,
} as const

/** What a log compressor remembers from one segment of a stream to the next. */
export interface LogStreamState {
  readonly miner: TemplateMiner
  /** Lines per group so far. */
  readonly groupLines: Map<string, number>
  /** Groups whose first line has gone by. */
  readonly seenGroups: Set<string>
  /** Error lines per signature so far: identical errors repeat verbatim only up to a cap. */
  readonly errorLines: Map<string, number>
  /** Error lines per group so far: only the first few bring their block and context. */
  readonly anchors: Map<string, number>
  nonBlankSeen: number
  /** Blocks analysed so far; tags per-block counts on signatures. */
  blocks: number
}

export const newLogState = (): LogStreamState => ({
  miner: new TemplateMiner(),
  groupLines: new Map(),
  seenGroups: new Set(),
  errorLines: new Map(),
  anchors: new Map(),
  nonBlankSeen: 0,
  blocks: 0,
})

export interface LogRequest {
  readonly text: string
  /** `prepareLines(text)`, when it was computed ahead. */
  readonly prepared?: PreparedLines
  readonly policy: LogPolicy
  readonly maxTokens: number | undefined
  /** The last block of its stream: the tail is kept there. */
  readonly last: boolean
  /** Lines matching any of these are kept like errors (`--keep`, rules' `keep_lines`). */
  readonly keepPatterns?: ReadonlyArray<RegExp>
}

export interface LogIO {
  /** Renders a marker for omitted lines of this block (1-based range), or for the whole block. */
  readonly marker: (summary: string, range?: LineRange) => string
  readonly countTokens: (text: string) => number
}

const SEVERE = ERROR_LEVEL | EXCEPTION | TEST_FAILURE
const DIGIT_RUN = /\d+/g
// Signatures whose lines must be classified one by one: a number there counts errors or failures.
const COUNTED_FAILURES = /<n>\s*(?:errors?|failures?|failed|failing|exceptions?)\b|\b(?:errors?|failures?|failed|exceptions?)\s*[:=]\s*<n>/i
const COUNT_SENSITIVE = -2
// Lines sampled to tell an event log from build output.
const EVENT_SAMPLE = 400
// Event logs open each line with a time or sequence number ("081109 203518", "2015-10-18 18:01:47",
// "Jun 14 15:16:01", "[10.30 16:49:06]", "- 1117838570"); build output mostly does not.
const EVENT_HEADER = /^(?:[-\[(]\s?)?(?:\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+\d)/

// Variable slots of a template described in a marker, at most.
const MAX_SUMMARISED_SLOTS = 3
// One number of at most 12 digits (longer ones are ids: a range of them says nothing, and a
// double would round them).
const ONE_NUMBER = /^(\D*?)(-?\d{1,12}(?:\.\d{1,6})?)(\D*)$/
// A template token holding a masked value: the raw tokens there differ from line to line.
const MASKED = /<(?:n|h|id)>/
// Gaps shorter than this get a bare count: naming a template would cost more than it tells.
const DETAILED_GAP = 8
// A gap whose lines are this short is cheaper to show than to mark.
const GAP_WORTH_MARKING_CHARS = 80
const MARKER_LINE = new RegExp(`^${MARKER_PATTERN.source}$`)

/** Analysis of one block: cleaned lines, their flags and groups. */
interface Analysis {
  readonly clean: Array<string>
  readonly flags: Int32Array
  readonly entries: Array<SignatureEntry | undefined>
  readonly trailingNewline: boolean
  /** Most lines open with a timestamp or sequence number: a stream of discrete events. */
  readonly eventLog: boolean
  /** Signatures seen in this block, each with its block count and last line. */
  readonly touched: ReadonlyArray<SignatureEntry>
}

/** Compresses one block of log text; returns the new text (the caller's gate decides if it is kept). */
export const compressLog = (request: LogRequest, state: LogStreamState, io: LogIO): string => {
  const analysis = analyse(request.text, state, request.prepared)
  const folds = new Map<number, FoldedRun>()
  const priority = choose(analysis, request, state, folds)
  const candidates = new Renderer(analysis, io, request.policy, folds)
  const full = candidates.render(priority, true)
  if (request.maxTokens === undefined || io.countTokens(full) <= request.maxTokens) return full
  return candidates.fit(priority, request.maxTokens)
}

const analyse = (text: string, state: LogStreamState, prepared?: PreparedLines): Analysis => {
  const trailingNewline = text.endsWith("\n")
  const clean = splitLines(text)
  for (let i = 0; i < clean.length; i++) clean[i] = cleanLine(clean[i]!)
  const hashes = prepared !== undefined && prepared.hashes.length === clean.length ? prepared.hashes : undefined
  const n = clean.length
  const flags = new Int32Array(n)
  const entries = new Array<SignatureEntry | undefined>(n)
  const block = ++state.blocks
  const touched: Array<SignatureEntry> = []
  const clusters: Array<Cluster> = []
  let stamped = 0
  let sampled = 0
  for (let i = 0; i < n; i++) {
    const line = clean[i]!
    if (isBlank(line)) {
      flags[i] = BLANK
      continue
    }
    // Markers from an earlier pass stay out of the templates: they are not log lines.
    if (line.startsWith("[… ") && MARKER_LINE.test(line)) continue
    const entry = hashes === undefined ? state.miner.entryFor(signatureOf(line)) : state.miner.entryForLine(hashes[i]!, line)
    // Classified once per signature: its lines differ only in masked numbers and ids, except
    // where a number is a count of failures ("Failures: 0" is not "Failures: 3").
    if (entry.flags === -1) entry.flags = COUNTED_FAILURES.test(entry.signature) ? COUNT_SENSITIVE : classify(line)
    flags[i] = entry.flags === COUNT_SENSITIVE ? classify(line) : entry.flags
    entries[i] = entry
    entry.count++
    if (entry.block !== block) {
      entry.block = block
      entry.blockCount = 0
      touched.push(entry)
      if (entry.cluster.block !== block) {
        entry.cluster.block = block
        clusters.push(entry.cluster)
      }
    }
    entry.blockCount++
    entry.lastInBlock = i
    if (sampled < EVENT_SAMPLE) {
      sampled++
      if (EVENT_HEADER.test(line)) stamped++
    }
  }
  for (const cluster of clusters) refreshGroups(cluster)
  for (const entry of touched) state.groupLines.set(entry.key, (state.groupLines.get(entry.key) ?? 0) + entry.blockCount)
  return { clean, flags, entries, touched, trailingNewline, eventLog: sampled > 0 && stamped >= 0.7 * sampled }
}

/** Decides what each line is kept for; library-frame runs folded inside error blocks go to `folds`. */
const choose = (a: Analysis, request: LogRequest, state: LogStreamState, folds: Map<number, FoldedRun>): Uint8Array => {
  const { policy } = request
  const n = a.clean.length
  const priority = new Uint8Array(n)
  const keep = (i: number, p: number) => {
    if (priority[i]! < p) priority[i] = p
  }

  // Head of the stream, tail of the stream.
  let nonBlank = state.nonBlankSeen
  for (let i = 0; i < n; i++) {
    if (a.flags[i]! & BLANK) continue
    if (nonBlank < policy.head) keep(i, Keep.headTail)
    nonBlank++
  }
  state.nonBlankSeen = nonBlank
  if (request.last) {
    for (let i = n - 1, left = policy.tail; i >= 0 && left > 0; i--) {
      if (a.flags[i]! & BLANK) continue
      keep(i, Keep.headTail)
      left--
    }
  }

  // Markers an earlier stage wrote (a rule's filter, dedup, a plugin) stay as they are: folding
  // one into a marker of our own would only make it harder to redeem.
  for (let i = 0; i < n; i++) if (a.entries[i] === undefined && !(a.flags[i]! & BLANK)) keep(i, Keep.block)
  for (const pattern of request.keepPatterns ?? []) {
    for (let i = 0; i < n; i++) {
      pattern.lastIndex = 0
      if (!(a.flags[i]! & BLANK) && pattern.test(a.clean[i]!)) keep(i, Keep.error)
    }
  }

  // Last line of each group in this block.
  const lastInBlock = new Map<string, number>()
  for (const entry of a.touched) {
    if ((lastInBlock.get(entry.key) ?? -1) < entry.lastInBlock) lastInBlock.set(entry.key, entry.lastInBlock)
  }
  const lastStatus = new Map<string, number>()
  const severe = new Uint8Array(n)
  let severeLines = 0
  let nonBlankLines = 0
  for (let i = 0; i < n; i++) {
    if (a.entries[i] === undefined) continue
    nonBlankLines++
    if (isSevere(a, i)) {
      severe[i] = 1
      severeLines++
    }
  }
  // When errors are most of the log they are its background, not its signal: each distinct error
  // keeps its first and last lines (and all of them when it is rare), like any frequent line.
  const flood = severeLines > 0.5 * nonBlankLines
  const anchors: Array<number> = []
  for (let i = 0; i < n; i++) {
    const entry = a.entries[i]
    if (entry === undefined) continue
    const f = a.flags[i]!
    const key = entry.key
    const lines = state.groupLines.get(key) ?? 0
    const first = !state.seenGroups.has(key)
    if (first) state.seenGroups.add(key)
    const isError = severe[i] === 1
    if (isError || f & ERROR_WORD) {
      const nth = state.errorLines.get(entry.signature) ?? 0
      state.errorLines.set(entry.signature, nth + 1)
      const kept = !isError
        ? lines <= policy.errorWordRare || first || lastInBlock.get(key) === i
        : flood
          ? nth === 0 || entry.lastInBlock === i || entry.count <= policy.errorWordRare
          : nth < policy.errorRepeats || lastInBlock.get(key) === i
      if (kept) {
        keep(i, isError ? Keep.error : Keep.errorWord)
        const anchored = state.anchors.get(key) ?? 0
        state.anchors.set(key, anchored + 1)
        if (anchored < policy.blockRepeats) anchors.push(i)
      }
    } else if (f & (WARNING | DIAGNOSTIC)) {
      if (lines <= policy.warningRare || first) keep(i, Keep.warning)
    }
    // Each distinct summary counts (one per test class, module, package): keep the last of each.
    if (f & STATUS) lastStatus.set(a.clean[i]!.replace(DIGIT_RUN, "0"), i)
    if (lines <= policy.rare) keep(i, Keep.rare)
    if (first && policy.representatives) keep(i, Keep.representative)
  }
  for (const i of lastStatus.values()) keep(i, Keep.status)

  if (!a.eventLog) capRareRuns(a, priority, policy)

  const inBlock = new Uint8Array(n)
  for (const anchor of anchors) {
    const end = keepBlock(a, anchor, policy, keep)
    inBlock.fill(1, anchor, end + 1)
    for (let k = Math.max(0, anchor - policy.context); k < anchor; k++) keep(k, Keep.context)
    for (let k = end + 1; k <= Math.min(n - 1, end + policy.context); k++) keep(k, Keep.context)
  }
  if (policy.frameFolds.repeated || policy.frameFolds.longRun < n) foldLibraryFrames(a, priority, inBlock, policy.frameFolds, folds)
  return priority
}

/** Lines folded into one marker, by their first line. */
interface FoldedRun {
  readonly to: number
  readonly summary: string
}

// Repeated runs of at least three library frames fold; application frames always stay.
const FRAME_FOLD: FoldPolicy = { minRun: 3, appFrames: Number.POSITIVE_INFINITY, keepRunEnds: false }

/**
 * An error block keeps its trace, but a run of framework, runtime or standard-library frames in
 * it says little: it folds into one marker naming the packages (see src/compressors/stacktrace)
 * when an earlier kept block already shows every line of it (the same test-runner frames under
 * each failing test), or when it is long. Head, tail, status and error lines always stay.
 */
const foldLibraryFrames = (a: Analysis, priority: Uint8Array, inBlock: Uint8Array, policy: LogPolicy["frameFolds"], folds: Map<number, FoldedRun>) => {
  const n = a.clean.length
  const shown = new Set<string>()
  const show = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (priority[k]! > 0) shown.add(a.clean[k]!)
  }
  let i = 0
  while (i < n) {
    if (inBlock[i] === 0) {
      i++
      continue
    }
    let j = i
    while (j < n && inBlock[j] === 1) j++
    let cursor = i
    for (const fold of foldFrames(a.clean, FRAME_FOLD, undefined, i, j)) {
      show(cursor, fold.from)
      cursor = fold.to
      const repeated = policy.repeated && everyLineShown(a.clean, fold, shown)
      if (!repeated && fold.frames < policy.longRun) {
        show(fold.from, fold.to)
        continue
      }
      folds.set(fold.from, { to: fold.to, summary: repeated ? `${describeFold(fold)}, as in the trace above` : describeFold(fold) })
      for (let k = fold.from; k < fold.to; k++) {
        const p = priority[k]!
        if (p !== Keep.headTail && p !== Keep.status && p !== Keep.error) priority[k] = 0
      }
    }
    show(cursor, j)
    i = j
  }
}

const everyLineShown = (clean: ReadonlyArray<string>, fold: FrameFold, shown: ReadonlySet<string>): boolean => {
  for (let k = fold.from; k < fold.to; k++) if (!shown.has(clean[k]!)) return false
  return true
}

/**
 * In an event log every distinct event may matter. In build output, a long stretch of lines that
 * are each unique (setup chatter, a list of passed tests, a config dump) is not a string of
 * anomalies: keep its first and last lines and let the marker count the rest.
 */
const capRareRuns = (a: Analysis, priority: Uint8Array, policy: LogPolicy) => {
  const n = a.clean.length
  let i = 0
  while (i < n) {
    if (priority[i] !== Keep.rare) {
      i++
      continue
    }
    const run: Array<number> = []
    let j = i
    while (j < n && (priority[j] === Keep.rare || a.flags[j]! & BLANK)) {
      if (priority[j] === Keep.rare) run.push(j)
      j++
    }
    if (run.length > policy.rareRun) {
      const head = Math.ceil(policy.rareRun / 2)
      for (const k of run.slice(head, run.length - (policy.rareRun - head))) priority[k] = 0
    }
    i = j
  }
}

const isSevere = (a: Analysis, i: number): boolean => {
  const f = a.flags[i]!
  return (f & SEVERE) !== 0 || ((f & DIAGNOSTIC) !== 0 && /error/i.test(a.clean[i]!))
}

/**
 * Keeps the lines that belong to the error line at `anchor`: deeper-indented detail, stack
 * frames, "Caused by" chains, compiler snippets and, in build output, the rest of its paragraph
 * (an assertion diff, a failure message). Returns the index of the block's last line.
 */
const keepBlock = (a: Analysis, anchor: number, policy: LogPolicy, keep: (i: number, p: number) => void): number => {
  const max = policy.blockLines
  // In an event log the next line is the next event; in build output it may be the error's detail.
  let paragraph = a.eventLog ? 0 : policy.paragraphLines
  const base = indentation(a.clean[anchor]!)
  const continues = (j: number): boolean => {
    const line = a.clean[j]!
    return (
      indentation(line) > base ||
      (a.flags[j]! & FRAME) !== 0 ||
      CONTINUATION_PATTERN.test(line) ||
      line.startsWith("Caused by:") ||
      line.startsWith("Suppressed:")
    )
  }
  let end = anchor
  let taken = 0
  for (let j = anchor + 1; j < a.clean.length && taken < max; j++) {
    if (a.flags[j]! & BLANK) {
      paragraph = 0
      let k = j + 1
      while (k < a.clean.length && a.flags[k]! & BLANK) k++
      if (k >= a.clean.length || !continues(k)) break
      j = k
    } else if (!continues(j)) {
      if (paragraph === 0) break
      paragraph--
    }
    keep(j, Keep.block)
    end = j
    taken++
  }
  return end
}

/**
 * "3–1520 ms" when every value is one number with the same text around it, else the few values
 * there were, else how many when they repeat; undefined when every line had its own.
 */
const describeValues = (values: Set<string>, lines: number): string | undefined => {
  let affixes: string | undefined
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const value of values) {
    const m = ONE_NUMBER.exec(value)
    const around = m === null ? undefined : `${m[1]}\u0000${m[3]}`
    if (m === null || (affixes !== undefined && around !== affixes)) {
      affixes = undefined
      break
    }
    affixes = around
    const n = Number(m[2])
    if (n < min) min = n
    if (n > max) max = n
  }
  if (affixes !== undefined) {
    const [prefix, suffix] = affixes.split("\u0000")
    return `${prefix}${min}–${max}${suffix}`
  }
  if (values.size <= 3) return [...values].map((v) => (v.length > 24 ? `${v.slice(0, 23)}…` : v)).join("|")
  return values.size < lines ? `${values.size} distinct` : undefined
}

/** Turns priorities into text: kept lines verbatim (cleaned), gaps as markers. */
class Renderer {
  constructor(
    private readonly a: Analysis,
    private readonly io: LogIO,
    private readonly policy: LogPolicy,
    /** Library-frame runs folded inside error blocks, by first line. */
    private readonly folds: ReadonlyMap<number, FoldedRun>,
  ) {}

  /** Text keeping every line with a priority, or only those set in `keepOnly`. */
  render(priority: Uint8Array, census: boolean, keepOnly?: Uint8Array): string {
    const { clean, flags } = this.a
    const n = clean.length
    const kept = (i: number) => (keepOnly !== undefined ? keepOnly[i] === 1 : priority[i]! > 0)
    const out: Array<string> = []
    let omitted = 0
    let gaps = 0
    const omittedByGroup = new Map<string, { count: number; entry: SignatureEntry }>()
    let i = 0
    while (i < n) {
      if (kept(i)) {
        out.push(clean[i]!)
        i++
        continue
      }
      let j = i
      let chars = 0
      let nonBlank = 0
      while (j < n && !kept(j)) {
        if (!(flags[j]! & BLANK)) {
          chars += clean[j]!.length
          nonBlank++
        }
        j++
      }
      if (nonBlank === 0) {
        // Blank lines between kept lines keep the shape; leading/trailing ones are dropped.
        if (i > 0 && j < n) out.push("")
      } else if (chars <= GAP_WORTH_MARKING_CHARS) {
        for (let k = i; k < j; k++) out.push(clean[k]!)
      } else {
        // A folded frame run names its packages, even with the blank lines after it in the gap.
        const fold = this.folds.get(i)
        const summary = fold !== undefined && fold.to <= j && this.blank(fold.to, j) ? fold.summary : this.gapSummary(i, j)
        out.push(this.io.marker(summary, { from: i + 1, to: j }))
        omitted += j - i
        gaps++
        for (let k = i; k < j; k++) {
          const entry = this.a.entries[k]
          if (entry === undefined) continue
          const slot = omittedByGroup.get(entry.key)
          if (slot === undefined) omittedByGroup.set(entry.key, { count: 1, entry })
          else slot.count++
        }
      }
      i = j
    }
    if (census && gaps >= 3) out.push(this.io.marker(this.censusSummary(omitted, n, omittedByGroup)))
    const text = out.join("\n")
    return this.a.trailingNewline ? `${text}\n` : text
  }

  /** Drops the least important kept lines until the text fits `maxTokens`. */
  fit(priority: Uint8Array, maxTokens: number): string {
    const order: Array<number> = []
    for (let i = 0; i < priority.length; i++) if (priority[i]! > 0) order.push(i)
    // Most important first; among equals, earlier lines first (so later repeats go first).
    order.sort((x, y) => priority[y]! - priority[x]! || x - y)
    const mask = new Uint8Array(priority.length)
    const withTop = (k: number): string => {
      mask.fill(0)
      for (let r = 0; r < k; r++) mask[order[r]!] = 1
      return this.render(priority, false, mask)
    }
    let lo = 0
    let hi = order.length
    let best = withTop(0)
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      const text = withTop(mid)
      if (this.io.countTokens(text) <= maxTokens) {
        lo = mid
        best = text
      } else {
        hi = mid - 1
      }
    }
    return best
  }

  private blank(from: number, to: number): boolean {
    for (let k = from; k < to; k++) if (!(this.a.flags[k]! & BLANK)) return false
    return true
  }

  private gapSummary(from: number, to: number): string {
    const lines = to - from
    const unit = lines === 1 ? "line" : "lines"
    if (!this.policy.detailedMarkers || lines < DETAILED_GAP) return `${lines} ${unit} omitted`
    const counts = new Map<string, { count: number; entry: SignatureEntry }>()
    let nonBlank = 0
    for (let k = from; k < to; k++) {
      const entry = this.a.entries[k]
      if (entry === undefined) continue
      nonBlank++
      const slot = counts.get(entry.key)
      if (slot === undefined) counts.set(entry.key, { count: 1, entry })
      else slot.count++
    }
    const top = [...counts.values()].sort((x, y) => y.count - x.count)[0]
    if (top === undefined) return `${lines} ${unit} omitted`
    // Name the template only when it says something about the gap: most of it, or a good part.
    if (top.count < 3 || top.count < 0.3 * nonBlank) return `${lines} ${unit} omitted`
    const quoted = quoteTemplate(templateOf(top.entry), 48)
    const varying = this.varyingValues(top.entry, from, to)
    if (top.count === nonBlank) return `${lines} ${unit} like ${quoted} omitted${varying}`
    return `${lines} ${unit} omitted, ${top.count} like ${quoted}${varying}`
  }

  /**
   * What the template's variable tokens held in the gap, in order: a number range ("(3–1520"),
   * the few values there were ("GET|POST"), or how many ("412 distinct").
   */
  private varyingValues(entry: SignatureEntry, from: number, to: number): string {
    const { tokens, categorical } = entry.cluster
    const own = tokensOf(entry.signature)
    // The slots the quoted template shows, not the line header's time and host.
    const start = displayStart(tokens)
    const slots: Array<number> = []
    tokens.forEach((t, i) => {
      const variable = MASKED.test(own[i] ?? "") || (t === WILDCARD && !categorical[i])
      if (i >= start && variable && slots.length < MAX_SUMMARISED_SLOTS) slots.push(i)
    })
    if (slots.length === 0) return ""
    const values = slots.map(() => new Set<string>())
    let lines = 0
    for (let k = from; k < to; k++) {
      if (this.a.entries[k]?.key !== entry.key) continue
      const words = this.a.clean[k]!.split(/\s+/).filter((w) => w.length > 0)
      if (words.length !== tokens.length) continue
      lines++
      slots.forEach((slot, s) => values[s]!.add(words[slot]!))
    }
    // A value different on every line (an id, a timestamp) says nothing worth its tokens.
    const described = values.map((v) => (v.size > 1 ? describeValues(v, lines) : undefined)).filter((d) => d !== undefined)
    return described.length === 0 ? "" : `; varying: ${described.join(", ")}`
  }

  private censusSummary(omitted: number, total: number, groups: Map<string, { count: number; entry: SignatureEntry }>): string {
    const top = [...groups.values()].sort((x, y) => y.count - x.count).slice(0, this.policy.detailedMarkers ? 5 : 3)
    const repeated = top.filter((g) => g.count > 1).map((g) => `${g.count}× ${quoteTemplate(templateOf(g.entry), 50)}`)
    const head = `${omitted} of ${total} lines omitted in all`
    return repeated.length === 0 ? head : `${head}; most repeated: ${repeated.join(", ")}`
  }
}
