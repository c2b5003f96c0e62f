import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { compressJson } from "./compress.ts"

/**
 * JSON documents (API responses, tool outputs, reports). Always minified, with arrays of objects
 * written as tables where that saves tokens (FORMAT.md; `headroom expand` turns them back).
 * Balanced and aggressive also keep only the telling items of long arrays (first and last, rare
 * values, extremes, errors, `--keep` matches), summarize the rest in markers with value counts
 * and ranges, shorten long strings and refer to repeated values instead of repeating them.
 * Input that does not parse is left to the text stage.
 */
export const jsonCompressor = defineStage({
  name: "json",
  description: "minified JSON with tables; long arrays reduced to their telling items, with summaries",
  kinds: ["json"],
  timeoutMs: 60_000,
  run: (block, ctx) => {
    const text = compressJson(block.text, {
      strategy: ctx.strategy,
      lossless: ctx.options.lossless,
      keepPatterns: ctx.options.keepPatterns,
      maxTokens: ctx.maxTokens,
      countTokens: ctx.countTokens,
      marker: originalMarkers(ctx, block.text),
    })
    return text === undefined ? Unchanged : withText(block, text)
  },
})
