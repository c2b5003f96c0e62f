import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { compressTraces } from "./compress.ts"
import { MAY_HOLD_FRAMES } from "./frames.ts"
import { TRACE_POLICIES } from "./policy.ts"

/**
 * Stack traces wherever they appear (a trace on its own, or pasted into text and markdown): keeps
 * each exception line, the failing frame, the application's frames and the whole "Caused by"
 * chain, and folds runs of library frames (frameworks, the standard library, the runtime) into
 * one line naming the packages, and later copies of a trace into one line pointing back at the
 * first. Lines outside recognised traces are left byte for byte.
 */
export const stackTraceCompressor = defineStage({
  name: "stacktrace",
  description: "folds library frames and repeated traces inside stack traces",
  kinds: ["stacktrace", "text", "markdown"],
  match: (block) => MAY_HOLD_FRAMES.test(block.text),
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const text = compressTraces(block.text, TRACE_POLICIES[ctx.strategy], ctx.options.keepPatterns, {
      marker: originalMarkers(ctx, block.text),
    })
    if (text === undefined) return Unchanged
    return withText(block, text)
  },
})
