/**
 * Which frames of a stack trace can fold into one line: runs of library frames (and, when asked,
 * application frames beyond the first few), never the frame that failed. Shared by the
 * stack-trace stage and the log compressor, which both work on cleaned lines.
 */
import { failingFrameLast, scanFrames, type FrameSpan } from "./frames.ts"

export interface FoldPolicy {
  /** Fewest consecutive foldable frames worth a marker. */
  readonly minRun: number
  /** Application frames kept in each trace, counted from the failing one; the rest may fold. */
  readonly appFrames: number
  /** Keep the first and the last frame of every run (where a library was entered and left). */
  readonly keepRunEnds: boolean
}

/** Lines `[from, to)` holding `frames` frames that fold into one marker. */
export interface FrameFold {
  readonly from: number
  readonly to: number
  readonly frames: number
  /** Where the folded code comes from, most frames first. */
  readonly origins: ReadonlyArray<string>
}

// .NET separates the parts of an async trace with these; they fold with the frames around them.
const FOLDABLE_SEPARATOR = /^\s*--- End of stack trace from previous location/

const MAX_NAMED_ORIGINS = 3

/**
 * Folds among the frames of `lines[from, to)`. `keep(i)` marks lines that must stay (user keep
 * patterns): a frame holding one never folds.
 */
export const foldFrames = (
  lines: ReadonlyArray<string>,
  policy: FoldPolicy,
  keep: (i: number) => boolean = () => false,
  from = 0,
  to = lines.length,
): Array<FrameFold> => {
  const folds: Array<FrameFold> = []
  for (const section of sections(lines, scanFrames(lines, from, to))) {
    const foldable = foldableFrames(section, policy, keep)
    let k = 0
    while (k < section.length) {
      if (!foldable[k]) {
        k++
        continue
      }
      let end = k
      while (end < section.length && foldable[end]) end++
      let first = k
      let last = end - 1
      if (policy.keepRunEnds) {
        first++
        last--
      }
      if (last - first + 1 >= policy.minRun) {
        const run = section.slice(first, last + 1)
        folds.push({ from: run[0]!.start, to: run.at(-1)!.end, frames: run.length, origins: rankOrigins(run) })
      }
      k = end
    }
  }
  return folds
}

/** The one-line summary of a fold: "23 frames in java.base, org.junit". */
export const describeFold = (fold: FrameFold): string => {
  const named = fold.origins.slice(0, MAX_NAMED_ORIGINS).join(", ")
  const more = fold.origins.length - MAX_NAMED_ORIGINS
  return `${fold.frames} frames in ${named}${more > 0 ? ` and ${more} more` : ""}`
}

/**
 * Frames printed one after the other for the same exception or goroutine. Anything else between
 * two frames ("Caused by:", an exception line, a goroutine header) starts a new section.
 */
const sections = (lines: ReadonlyArray<string>, spans: ReadonlyArray<FrameSpan>): Array<Array<FrameSpan>> => {
  const out: Array<Array<FrameSpan>> = []
  let current: Array<FrameSpan> = []
  for (const span of spans) {
    const previous = current.at(-1)
    if (previous !== undefined && !(previous.language === span.language && onlySeparators(lines, previous.end, span.start))) {
      out.push(current)
      current = []
    }
    current.push(span)
  }
  if (current.length > 0) out.push(current)
  return out
}

const onlySeparators = (lines: ReadonlyArray<string>, from: number, to: number): boolean => {
  for (let i = from; i < to; i++) if (!FOLDABLE_SEPARATOR.test(lines[i]!)) return false
  return true
}

const foldableFrames = (section: ReadonlyArray<FrameSpan>, policy: FoldPolicy, keep: (i: number) => boolean): Array<boolean> => {
  const n = section.length
  const foldable = new Array<boolean>(n).fill(false)
  const last = failingFrameLast(section[0]!.language)
  // Walk from the failing frame outwards: it always stays, and so do the first application frames.
  let appKept = 0
  for (let step = 0; step < n; step++) {
    const k = last ? n - 1 - step : step
    const frame = section[k]!
    if (step === 0 || heldByUser(frame, keep)) continue
    if (frame.library) foldable[k] = true
    else if (appKept < policy.appFrames) appKept++
    else foldable[k] = true
  }
  // Python prints the entry point first: it says how the program got there, and stays too.
  if (last) foldable[0] = false
  return foldable
}

const heldByUser = (frame: FrameSpan, keep: (i: number) => boolean): boolean => {
  for (let i = frame.start; i < frame.end; i++) if (keep(i)) return true
  return false
}

const rankOrigins = (run: ReadonlyArray<FrameSpan>): Array<string> => {
  const counts = new Map<string, number>()
  for (const frame of run) counts.set(frame.origin, (counts.get(frame.origin) ?? 0) + 1)
  // Most frames first; among equals, the first seen (Map keeps insertion order, sort is stable).
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([origin]) => origin)
}
