import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { newSearchState, parseSearchText } from "./parse.ts"
import { SEARCH_POLICIES } from "./policy.ts"
import { compressSearch } from "./render.ts"
import { isRipgrepJson, parseRipgrepJson } from "./ripgrep-json.ts"

/**
 * Search results (grep, rg, ag, git grep; ripgrep --json rendered as `path:line:text`). Every
 * matching file stays listed: its first matches and the most distinct of the rest up to a
 * per-strategy cap, their context lines, then one marker with how many of its matches were
 * omitted. Identical match texts are kept once; very long lines (minified files) are cut around
 * the match. `--keep REGEX` lines always stay. Every omission redeems from the stored original.
 */
export const searchCompressor = defineStage({
  name: "search",
  description: "search results: every file listed with its count, matches per file capped",
  kinds: ["search"],
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const state = ctx.state(newSearchState)
    const parsed = isRipgrepJson(block.text) ? parseRipgrepJson(block.text, state) : parseSearchText(block.text, state)
    if (!parsed.items.some((item) => "group" in item)) return Unchanged
    const text = compressSearch(
      parsed,
      { policy: SEARCH_POLICIES[ctx.strategy], keepPatterns: ctx.options.keepPatterns, maxTokens: ctx.maxTokens },
      {
        marker: originalMarkers(ctx, block.text),
        countTokens: ctx.countTokens,
      },
    )
    return text === block.text ? Unchanged : withText(block, text)
  },
})
