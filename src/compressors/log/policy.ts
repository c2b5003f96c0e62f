import type { Strategy } from "../../sdk/stage.ts"

/** How much of a log each strategy keeps. Balanced is tuned on real CI and system logs. */
export interface LogPolicy {
  /** First non-blank lines of the stream kept verbatim. */
  readonly head: number
  /** Last non-blank lines of the stream kept verbatim. */
  readonly tail: number
  /** Lines kept before an error and after its block. */
  readonly context: number
  /** Groups with at most this many lines are rare: every line is kept. */
  readonly rare: number
  /** Consecutive rare lines beyond this many are not anomalies but a stretch of unique output. */
  readonly rareRun: number
  /** Instances of one error group (level errors, exceptions, diagnostics, failing tests) kept verbatim. */
  readonly errorRepeats: number
  /** Error-word groups ("failed", "refused" at info level) with at most this many lines keep them all. */
  readonly errorWordRare: number
  /** Warning groups with at most this many lines keep them all; larger ones keep their first. */
  readonly warningRare: number
  /** Instances of one error group that bring their indented block (trace, diff, snippet) and context. */
  readonly blockRepeats: number
  /** Longest block kept under one error line. */
  readonly blockLines: number
  /** In build output, unindented lines after an error in the same paragraph that belong to it. */
  readonly paragraphLines: number
  /** Keep the first line of every group, so each kind of line is seen once. */
  readonly representatives: boolean
  /** Name the dominant templates of a gap inside its marker. */
  readonly detailedMarkers: boolean
  /**
   * Runs of library frames inside kept error blocks that fold into one marker: runs of three or
   * more an earlier kept trace already shows line for line (when `repeated`), and any run of at
   * least `longRun` frames.
   */
  readonly frameFolds: { readonly repeated: boolean; readonly longRun: number }
}

export const LOG_POLICIES: Record<Strategy, LogPolicy> = {
  conservative: {
    head: 10,
    tail: 20,
    context: 4,
    rare: 3,
    rareRun: 12,
    errorRepeats: 256,
    errorWordRare: 10,
    warningRare: 5,
    blockRepeats: 10,
    blockLines: 500,
    paragraphLines: 30,
    representatives: true,
    detailedMarkers: true,
    frameFolds: { repeated: false, longRun: Number.POSITIVE_INFINITY },
  },
  balanced: {
    head: 3,
    tail: 10,
    context: 2,
    rare: 2,
    rareRun: 4,
    errorRepeats: 64,
    errorWordRare: 5,
    warningRare: 3,
    blockRepeats: 3,
    blockLines: 200,
    paragraphLines: 12,
    representatives: true,
    detailedMarkers: true,
    frameFolds: { repeated: true, longRun: Number.POSITIVE_INFINITY },
  },
  aggressive: {
    head: 1,
    tail: 5,
    context: 0,
    rare: 1,
    rareRun: 2,
    errorRepeats: 3,
    errorWordRare: 1,
    warningRare: 1,
    blockRepeats: 1,
    blockLines: 40,
    paragraphLines: 4,
    representatives: false,
    detailedMarkers: false,
    frameFolds: { repeated: true, longRun: 8 },
  },
}
