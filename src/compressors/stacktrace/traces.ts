/**
 * Whole stack traces in text: the exception line, its frames, its "Caused by:" chain or Python's
 * chained tracebacks, as one region of lines, so that a trace printed again can be recognised.
 */
import type { FrameSpan } from "./frames.ts"

/** Lines `[from, to)` of one trace, with the line that names it. */
export interface TraceRegion {
  readonly from: number
  readonly to: number
  /** The exception (or panic, or goroutine) line, for a summary. */
  readonly headline: string
}

// Lines that continue the trace above them: cause chains, elisions, async and inner-exception seams.
const CONTINUATION = new RegExp(
  [
    String.raw`^\s*(?:Caused by|Suppressed|Wrapped by): `,
    String.raw`^\s*\.\.\. \d+ (?:more|common frames omitted)`,
    String.raw`^(?:During handling of the above exception|The above exception was the direct cause)`,
    String.raw`^(?:stack backtrace:$|note: .*RUST_BACKTRACE)`,
    String.raw`^\s*(?:--- End of |---> )`,
    String.raw`^\s*\[Previous line repeated \d+ more times?\]$`,
  ].join("|"),
)
// Lines that open a trace: a new one starts there when frames came before.
const OPENER = new RegExp(
  [
    String.raw`^Traceback \(most recent call last\):?$`,
    String.raw`^Exception in thread "`,
    String.raw`^goroutine \d+ \[[^\]]*\]:$`,
    String.raw`^(?:panic: |fatal error: |\[signal )`,
    String.raw`^thread '.*' panicked at`,
    String.raw`^Unhandled [Ee]xception`,
    String.raw`^(?:PHP )?(?:Fatal error|Stack trace):`,
  ].join("|"),
)
// "java.lang.IllegalStateException: boom", "TypeError: x", "KeyError", "Error: connect ECONNREFUSED".
const EXCEPTION_LINE = /^\s*[\w$.]*(?:Exception|Error|Throwable|Panic|Interrupt|Failure)\b(?::|$)/
// Python separates chained tracebacks with blank lines around these.
const CHAIN_NOTE = /^(?:During handling of the above exception|The above exception was the direct cause)/

const isBlank = (line: string): boolean => line.trim().length === 0

const isOpener = (line: string): boolean => OPENER.test(line) || EXCEPTION_LINE.test(line)
const isStructure = (line: string): boolean => CONTINUATION.test(line) || isOpener(line)

/**
 * Trace regions among `lines`, given their frames (`scanFrames`). A region is a run of opening
 * lines, frames and continuation lines with at least one frame, ended by the next opening line
 * after frames; the non-blank line just before a region that opens with a frame is its exception
 * line, and the line after a Python traceback's frames is its last.
 */
export const findTraces = (lines: ReadonlyArray<string>, spans: ReadonlyArray<FrameSpan>): Array<TraceRegion> => {
  const inFrame = new Uint8Array(lines.length)
  // 1 where a frame starts; 1 just past each Python frame (where its exception line may follow).
  const frameStart = new Uint8Array(lines.length)
  const afterPython = new Uint8Array(lines.length + 1)
  for (const span of spans) {
    inFrame.fill(1, span.start, span.end)
    frameStart[span.start] = 1
    if (span.language === "python") afterPython[span.end] = 1
  }
  const regions: Array<TraceRegion> = []
  let i = 0
  while (i < lines.length) {
    if (!(inFrame[i] === 1 || isStructure(lines[i]!))) {
      i++
      continue
    }
    let from = i
    let frames = 0
    let j = i
    while (j < lines.length) {
      if (inFrame[j] === 1) {
        frames += frameStart[j]!
        j++
        continue
      }
      const line = lines[j]!
      if (frames > 0 && afterPython[j] === 1 && !isBlank(line)) {
        // Python names the exception after the frames: that line ends the traceback.
        j++
        break
      }
      if (CONTINUATION.test(line) || (isOpener(line) && frames === 0)) {
        j++
        continue
      }
      // Blank lines belong to a trace only around Python's chaining notes.
      if (isBlank(line)) {
        let k = j
        while (k < lines.length && isBlank(lines[k]!)) k++
        if (k < lines.length && (CHAIN_NOTE.test(lines[k]!) || CHAIN_NOTE.test(lines[j - 1] ?? ""))) {
          j = k
          continue
        }
      }
      break
    }
    if (frames === 0) {
      i = j
      continue
    }
    // The line that announces a trace printed without a recognisable exception line.
    if (inFrame[from] === 1 && from > 0 && !isBlank(lines[from - 1]!) && (regions.at(-1)?.to ?? 0) < from) from--
    regions.push({ from, to: j, headline: headlineOf(lines, from, j) })
    i = j
  }
  return regions
}

const headlineOf = (lines: ReadonlyArray<string>, from: number, to: number): string => {
  for (let k = from; k < to; k++) if (EXCEPTION_LINE.test(lines[k]!) || /^(?:panic: |thread '|goroutine )/.test(lines[k]!)) return lines[k]!.trim()
  return lines[from]!.trim()
}
