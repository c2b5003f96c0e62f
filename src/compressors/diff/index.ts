import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { newDiffState, parseDiff } from "./parse.ts"
import { DIFF_POLICIES } from "./policy.ts"
import { compressDiff } from "./render.ts"

/**
 * Unified and git diffs. Keeps every file header, hunk header and changed line byte for byte
 * (and `\ No newline at end of file`); trims unchanged context around changes by strategy;
 * folds binary files, pure renames and lock/generated/minified files into one marker line each
 * with their +/- counts. Hunk headers keep their original numbers: they describe positions in
 * the original files, not in the trimmed output. Every omission redeems from the block's stored
 * original by line range; `--keep REGEX` keeps matching files (and context lines) whole.
 */
export const diffCompressor = defineStage({
  name: "diff",
  description: "diff context trimming; lock, generated, binary and renamed files summarised",
  kinds: ["diff"],
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const parsed = parseDiff(block.text, ctx.state(newDiffState))
    if (parsed.sections.length === 0) return Unchanged
    const text = compressDiff(
      parsed,
      { policy: DIFF_POLICIES[ctx.strategy], keepPatterns: ctx.options.keepPatterns, maxTokens: ctx.maxTokens },
      {
        marker: originalMarkers(ctx, block.text),
        countTokens: ctx.countTokens,
      },
    )
    return text === block.text ? Unchanged : withText(block, text)
  },
})
