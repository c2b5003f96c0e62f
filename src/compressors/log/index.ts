import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { compressLog, newLogState } from "./compress.ts"
import type { PreparedLines } from "./prepare.ts"
import { LOG_POLICIES } from "./policy.ts"

/**
 * Build, CI, test-runner and system logs: keeps errors with their blocks and context, failing
 * tests, status lines, rare templates, head and tail; folds the rest into markers that name the
 * templates they hide. Every omitted line is redeemable from the block's stored original.
 */
export const logCompressor = defineStage({
  name: "log",
  description: "template-aware log compression (errors, traces, rare lines and summaries kept)",
  kinds: ["log", "stacktrace"],
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const state = ctx.state(newLogState)
    const text = compressLog(
      {
        text: block.text,
        ...(ctx.prepared === undefined ? {} : { prepared: ctx.prepared as PreparedLines }),
        policy: LOG_POLICIES[ctx.strategy],
        maxTokens: ctx.maxTokens,
        last: ctx.segment.last,
        keepPatterns: ctx.options.keepPatterns,
      },
      state,
      {
        marker: originalMarkers(ctx, block.text),
        countTokens: ctx.countTokens,
      },
    )
    return text === block.text ? Unchanged : withText(block, text)
  },
})
