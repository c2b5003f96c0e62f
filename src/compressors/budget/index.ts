import { Unchanged, defineStage, originalMarkers, withText } from "../../sdk/index.ts"
import { splitLines } from "../../strings/lines.ts"

/**
 * The last word on `--max-tokens`: whatever kind a block is, if the stages before left it over
 * budget, keep as many lines from its start and end as fit around one marker. Compressors that
 * know their content (logs) fit the budget themselves, choosing what to drop; this only catches
 * what is left.
 */
export const budgetCutter = defineStage({
  name: "budget",
  description: "keeps head and tail lines around one marker when a block is still over --max-tokens",
  kinds: "any",
  run: (block, ctx) => {
    const max = ctx.maxTokens
    if (max === undefined || ctx.countTokens(block.text) <= max) return Unchanged
    const trailingNewline = block.text.endsWith("\n")
    const lines = splitLines(block.text)
    const marker = originalMarkers(ctx, block.text)
    const render = (keep: number): string => {
      const head = Math.ceil(keep / 2)
      const tail = keep - head
      const from = head + 1
      const to = lines.length - tail
      const text = [...lines.slice(0, head), marker(`${to - from + 1} lines omitted to fit ${max} tokens`, { from, to }), ...lines.slice(lines.length - tail)].join("\n")
      return trailingNewline ? `${text}\n` : text
    }
    // Largest number of kept lines that fits; zero lines is one marker, the least we can send.
    let lo = 0
    let hi = lines.length - 1
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2)
      if (ctx.countTokens(render(mid)) <= max) lo = mid
      else hi = mid - 1
    }
    return withText(block, render(lo))
  },
})
