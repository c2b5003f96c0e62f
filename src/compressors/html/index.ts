import { Unchanged, defineStage } from "../../sdk/index.ts"
import type { DropReason } from "./boilerplate.ts"
import { convertHtml } from "./convert.ts"
import { HTML_POLICIES } from "./policy.ts"

/**
 * Web pages as compact markdown-like text: the main content's headings, paragraphs, lists, links,
 * tables, code blocks and image descriptions stay; scripts, styles, graphics, comments and, from
 * balanced on, navigation, banners, sidebars and forms go. The page itself stays redeemable from
 * the one marker at the end, which says what was dropped.
 */
export const htmlCompressor = defineStage({
  name: "html",
  description: "HTML to markdown-like text: main content kept, scripts, styles and navigation dropped",
  kinds: ["html"],
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const { text, dropped } = convertHtml(block.text, HTML_POLICIES[ctx.strategy])
    const marker = ctx.marker({ summary: droppedSummary(block.text.length, text.length, dropped), hash: ctx.retain(block.text) })
    const out = text.length === 0 ? marker : `${text}\n\n${marker}`
    const result = block.text.endsWith("\n") ? `${out}\n` : out
    return { ...block, text: result, kind: "markdown" }
  },
})

// Reasons named in the summary, at most; the rest count in the total.
const NAMED_REASONS = 4

/** "41 KB of HTML dropped: scripts 20 KB, navigation 12 KB, markup 9 KB". */
const droppedSummary = (inputChars: number, outputChars: number, dropped: Readonly<Record<DropReason, number>>): string => {
  const total = Math.max(0, inputChars - outputChars)
  const parts: Array<[string, number]> = Object.entries(dropped)
  // Tags, attributes and whitespace of what was kept: whatever the reasons do not account for.
  parts.push(["markup", Math.max(0, total - Object.values(dropped).reduce((a, b) => a + b, 0))])
  const named = parts
    .filter(([, chars]) => chars > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, NAMED_REASONS)
    .map(([reason, chars]) => `${reason} ${size(chars)}`)
  return `${size(total)} of HTML dropped${named.length > 0 ? `: ${named.join(", ")}` : ""}`
}

const size = (chars: number): string =>
  chars < 1024 ? `${chars} B` : chars < 1024 * 1024 ? `${Math.round(chars / 1024)} KB` : `${(chars / (1024 * 1024)).toFixed(1)} MB`
