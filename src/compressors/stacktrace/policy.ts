import type { Strategy } from "../../sdk/stage.ts"
import type { FoldPolicy } from "./fold.ts"

/** How much of a stack trace each strategy keeps. */
export interface TracePolicy {
  readonly fold: FoldPolicy
  /**
   * Traces that differ only in the numbers of their messages ("order 4411", "order 4412") count
   * as repeats; otherwise only identical traces do.
   */
  readonly similarRepeats: boolean
}

export const TRACE_POLICIES: Record<Strategy, TracePolicy> = {
  // Only long runs of library frames fold; every application frame stays.
  conservative: { fold: { minRun: 8, appFrames: Number.POSITIVE_INFINITY, keepRunEnds: false }, similarRepeats: false },
  balanced: { fold: { minRun: 3, appFrames: Number.POSITIVE_INFINITY, keepRunEnds: false }, similarRepeats: false },
  // The first few application frames say where it failed; deeper ones fold with the libraries.
  aggressive: { fold: { minRun: 3, appFrames: 3, keepRunEnds: false }, similarRepeats: true },
}
