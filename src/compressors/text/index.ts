import type { ContentKind } from "../../sdk/block.ts"
import { Unchanged, defineStage, withText, type StageContext } from "../../sdk/index.ts"

/**
 * The safe fallback for text no other compressor claims: trailing blanks, runs of blank lines,
 * runs of identical lines and repeated paragraphs. It never rewrites a line's content, and for
 * code and JSON it only touches whitespace that carries no meaning there.
 */
export const textCompressor = defineStage({
  name: "text",
  description: "whitespace, blank-line, repeated-line and duplicate-paragraph squeezing",
  kinds: ["text", "markdown", "code", "json", "search"],
  run: (block, ctx) => {
    const text = squeeze(block.text, block.kind, ctx)
    return text === block.text ? Unchanged : withText(block, text)
  },
})

// Only prose may lose repeated lines and paragraphs: in code or data a repeat is meaningful.
const DEDUPLICATES: ReadonlyArray<ContentKind> = ["text", "markdown", "search"]
const MIN_REPEAT_RUN = 3
const MIN_PARAGRAPH_CHARS = 80

export const squeeze = (text: string, kind: ContentKind, ctx: StageContext): string => {
  const trailingNewline = text.endsWith("\n")
  const lines = text.split("\n")
  if (trailingNewline) lines.pop()
  const trimmed = lines.map((l) => l.replace(/[ \t]+\r?$/, (m) => (m.endsWith("\r") ? "\r" : "")))
  let hash: string | undefined
  const marker = (summary: string, from: number, to: number) => {
    hash ??= ctx.retain(text)
    return ctx.marker({ summary, hash, range: { from: from + 1, to: to + 1 } })
  }
  const dedupe = DEDUPLICATES.includes(kind)
  const out: Array<string> = []
  const seenParagraphs = new Map<string, number>()
  let i = 0
  while (i < trimmed.length) {
    if (isBlank(trimmed[i]!)) {
      // One blank line keeps paragraphs apart; more say nothing.
      let j = i
      while (j < trimmed.length && isBlank(trimmed[j]!)) j++
      if (out.length > 0 && j < trimmed.length) out.push("")
      i = j
      continue
    }
    const paragraphEnd = endOfParagraph(trimmed, i)
    if (!dedupe) {
      out.push(...trimmed.slice(i, paragraphEnd))
      i = paragraphEnd
      continue
    }
    const paragraph = trimmed.slice(i, paragraphEnd).join("\n")
    if (paragraph.length >= MIN_PARAGRAPH_CHARS) {
      const earlier = seenParagraphs.get(paragraph)
      if (earlier !== undefined) {
        out.push(marker(`${paragraphEnd - i} lines omitted, same as the paragraph at line ${earlier + 1}`, i, paragraphEnd - 1))
        i = paragraphEnd
        continue
      }
      seenParagraphs.set(paragraph, i)
    }
    for (let k = i; k < paragraphEnd; ) {
      let j = k + 1
      while (j < paragraphEnd && trimmed[j] === trimmed[k]) j++
      if (j - k >= MIN_REPEAT_RUN) out.push(trimmed[k]!, marker(`${j - k - 1} identical lines omitted`, k + 1, j - 1))
      else out.push(...trimmed.slice(k, j))
      k = j
    }
    i = paragraphEnd
  }
  const result = out.join("\n")
  return trailingNewline ? `${result}\n` : result
}

const isBlank = (line: string): boolean => /^[ \t]*\r?$/.test(line)

const endOfParagraph = (lines: ReadonlyArray<string>, start: number): number => {
  let j = start
  while (j < lines.length && !isBlank(lines[j]!)) j++
  return j
}
