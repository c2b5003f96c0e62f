/**
 * Plans and renders what a block loses: runs of library frames become one line each, and a
 * trace printed again becomes one line pointing back at the first. Everything else is written
 * back byte for byte.
 */
import { quoteTemplate, type LineRange } from "../../markers/index.ts"
import { cleanLine } from "../log/clean.ts"
import { describeFold, foldFrames } from "./fold.ts"
import { scanFrames, type FrameSpan } from "./frames.ts"
import type { TracePolicy } from "./policy.ts"
import { findTraces, type TraceRegion } from "./traces.ts"
import { splitLines } from "../../strings/lines.ts"

export interface TraceIO {
  /** Renders a marker for lines `range` (1-based, inclusive) of the block. */
  readonly marker: (summary: string, range: LineRange) => string
}

/** Lines `[from, to)` replaced by one marker line. */
interface Omission {
  readonly from: number
  to: number
  summary: string
}

interface RepeatGroup {
  readonly omission: Omission
  readonly signature: string
  readonly region: TraceRegion
  copies: number
}

// A trace this short costs no more than the marker that would replace it.
const MIN_REPEAT_LINES = 3
const HEX = /0x[0-9a-fA-F]+/g
const DIGITS = /\d+/g

/** The block's text with traces folded, or undefined when nothing folds. */
export const compressTraces = (
  text: string,
  policy: TracePolicy,
  keepPatterns: ReadonlyArray<RegExp>,
  io: TraceIO,
): string | undefined => {
  const trailingNewline = text.endsWith("\n")
  const raw = splitLines(text)
  const clean = raw.map(cleanLine)
  const spans = scanFrames(clean)
  if (spans.length === 0) return undefined
  const kept = keptLines(raw, keepPatterns)
  const keep = (i: number) => kept !== undefined && kept[i] === 1

  const repeats = repeatedTraces(clean, spans, policy, keep)
  const omissions: Array<Omission> = repeats.map((g) => g.omission)
  const repeated = new Uint8Array(raw.length)
  for (const { omission } of repeats) repeated.fill(1, omission.from, omission.to)
  for (const fold of foldFrames(clean, policy.fold, keep)) {
    if (repeated[fold.from] === 0) omissions.push({ from: fold.from, to: fold.to, summary: describeFold(fold) })
  }
  if (omissions.length === 0) return undefined
  omissions.sort((a, b) => a.from - b.from)

  const out: Array<string> = []
  let i = 0
  for (const omission of omissions) {
    for (; i < omission.from; i++) out.push(raw[i]!)
    const first = raw[omission.from]!
    const indent = /^[ \t]*/.exec(clean[omission.from]!)![0]
    const marker = io.marker(omission.summary, { from: omission.from + 1, to: omission.to })
    out.push(`${indent}${marker}${first.endsWith("\r") ? "\r" : ""}`)
    i = omission.to
  }
  for (; i < raw.length; i++) out.push(raw[i]!)
  const result = out.join("\n")
  return trailingNewline ? `${result}\n` : result
}

const keptLines = (raw: ReadonlyArray<string>, patterns: ReadonlyArray<RegExp>): Uint8Array | undefined => {
  if (patterns.length === 0) return undefined
  const kept = new Uint8Array(raw.length)
  raw.forEach((line, i) => {
    // search() ignores lastIndex, so global patterns behave.
    if (patterns.some((p) => line.search(p) !== -1)) kept[i] = 1
  })
  return kept
}

/**
 * Traces printed before: each later copy (or run of back-to-back copies) becomes one omission.
 * The first copy stays, to be folded like any other trace.
 */
const repeatedTraces = (
  clean: ReadonlyArray<string>,
  spans: ReadonlyArray<FrameSpan>,
  policy: TracePolicy,
  keep: (i: number) => boolean,
): Array<RepeatGroup> => {
  const inFrame = new Uint8Array(clean.length)
  for (const span of spans) inFrame.fill(1, span.start, span.end)
  const seen = new Map<string, number>()
  const groups: Array<RepeatGroup> = []
  for (const region of findTraces(clean, spans)) {
    const signature = signatureOf(clean, region, inFrame, policy.similarRepeats)
    const count = (seen.get(signature) ?? 0) + 1
    seen.set(signature, count)
    if (count === 1 || region.to - region.from < MIN_REPEAT_LINES || heldByUser(region, keep)) continue
    const previous = groups.at(-1)
    if (previous !== undefined && previous.signature === signature && onlyBlank(clean, previous.omission.to, region.from)) {
      previous.copies++
      previous.omission.to = region.to
      previous.omission.summary = repeatSummary(previous, count, policy.similarRepeats)
      continue
    }
    const group: RepeatGroup = { omission: { from: region.from, to: region.to, summary: "" }, signature, region, copies: 1 }
    group.omission.summary = repeatSummary(group, count, policy.similarRepeats)
    groups.push(group)
  }
  return groups
}

const repeatSummary = (group: RepeatGroup, total: number, similar: boolean): string => {
  const lines = group.omission.to - group.omission.from
  const headline = quoteTemplate(group.region.headline, 80)
  if (!similar) return `${lines} lines: ${group.copies} more ${group.copies === 1 ? "copy" : "copies"} of the trace ${headline} above (×${total})`
  // Similar copies differ in their messages: the first one omitted is quoted.
  return `${lines} lines: ${group.copies} more ${group.copies === 1 ? "trace" : "traces"} like the one above, ${headline} (×${total})`
}

const signatureOf = (clean: ReadonlyArray<string>, region: TraceRegion, inFrame: Uint8Array, similar: boolean): string => {
  const parts: Array<string> = []
  for (let k = region.from; k < region.to; k++) {
    let line = clean[k]!.replace(HEX, "0x")
    // Goroutine numbers and wait times are ids, not what the goroutine was doing.
    if ((similar && inFrame[k] === 0) || line.startsWith("goroutine ")) line = line.replace(DIGITS, "0")
    parts.push(line)
  }
  return parts.join("\n")
}

const heldByUser = (region: TraceRegion, keep: (i: number) => boolean): boolean => {
  for (let k = region.from; k < region.to; k++) if (keep(k)) return true
  return false
}

const onlyBlank = (clean: ReadonlyArray<string>, from: number, to: number): boolean => {
  for (let k = from; k < to; k++) if (clean[k]!.length > 0) return false
  return true
}
