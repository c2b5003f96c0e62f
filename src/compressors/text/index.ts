import type { ContentKind } from "../../sdk/block.ts"
import { Unchanged, defineStage, originalMarkers, withText, type StageContext } from "../../sdk/index.ts"
import { splitLines } from "../../strings/lines.ts"

/**
 * The safe fallback for text no other compressor claims: trailing blanks, runs of blank lines,
 * runs of identical lines and repeated paragraphs. It never rewrites what a line says, keeps each
 * line's own ending (LF or CRLF), and where whitespace can carry meaning it leaves it alone:
 * markdown keeps its two-space line breaks and everything inside code fences; code is not routed
 * here at all (a blank line inside a string literal is content).
 */
export const textCompressor = defineStage({
  name: "text",
  description: "whitespace, blank-line, repeated-line and duplicate-paragraph squeezing",
  kinds: ["text", "markdown", "json", "search"],
  run: (block, ctx) => {
    // Even trailing blanks are bytes `--lossless` promises to keep.
    if (ctx.options.lossless) return Unchanged
    const text = squeeze(block.text, block.kind, ctx)
    return text === block.text ? Unchanged : withText(block, text)
  },
})

// Only prose may lose repeated lines and paragraphs: in data a repeat is meaningful.
const DEDUPLICATES: ReadonlyArray<ContentKind> = ["text", "markdown", "search"]
const MIN_REPEAT_RUN = 3
const MIN_PARAGRAPH_CHARS = 80
const FENCE = /^\s{0,3}(?:```|~~~)/

interface Line {
  /** Without its line ending. */
  readonly text: string
  readonly crlf: boolean
  /** Inside a markdown code fence (or a fence line): left exactly as it is. */
  readonly verbatim: boolean
}

export const squeeze = (text: string, kind: ContentKind, ctx: StageContext): string => {
  const trailingNewline = text.endsWith("\n")
  const raw = splitLines(text)
  const eol = raw.length > 1 && raw[0]!.endsWith("\r") ? "\r\n" : "\n"
  let fenced = false
  const lines: Array<Line> = raw.map((l, i) => {
    const crlf = l.endsWith("\r") && (i < raw.length - 1 || trailingNewline)
    const body = crlf ? l.slice(0, -1) : l
    const fence = kind === "markdown" && FENCE.test(body)
    const verbatim = fenced || fence
    if (fence) fenced = !fenced
    // Markdown ends a line with two spaces to break it; elsewhere trailing blanks say nothing.
    const trimmed = verbatim || kind === "markdown" ? body : body.replace(/[ \t]+$/, "")
    return { text: trimmed, crlf, verbatim }
  })
  const markOriginal = originalMarkers(ctx, text)
  const marker = (summary: string, from: number, to: number) => markOriginal(summary, { from: from + 1, to: to + 1 })
  const dedupe = DEDUPLICATES.includes(kind)
  const out: Array<string> = []
  const keep = (line: Line) => out.push(line.crlf ? `${line.text}\r` : line.text)
  const insert = (s: string) => out.push(eol === "\r\n" ? `${s}\r` : s)
  const seenParagraphs = new Map<string, number>()
  let i = 0
  while (i < lines.length) {
    const line = lines[i]!
    if (line.verbatim) {
      keep(line)
      i++
      continue
    }
    if (isBlank(line.text)) {
      // One blank line keeps paragraphs apart; more say nothing.
      let j = i
      while (j < lines.length && !lines[j]!.verbatim && isBlank(lines[j]!.text)) j++
      if (out.length > 0 && j < lines.length) keep({ ...line, text: "" })
      i = j
      continue
    }
    const end = endOfParagraph(lines, i)
    if (!dedupe) {
      for (let k = i; k < end; k++) keep(lines[k]!)
      i = end
      continue
    }
    const paragraph = lines
      .slice(i, end)
      .map((l) => l.text)
      .join("\n")
    if (paragraph.length >= MIN_PARAGRAPH_CHARS) {
      const earlier = seenParagraphs.get(paragraph)
      if (earlier !== undefined) {
        insert(marker(`${end - i} lines omitted, same as the paragraph at line ${earlier + 1}`, i, end - 1))
        i = end
        continue
      }
      seenParagraphs.set(paragraph, i)
    }
    for (let k = i; k < end; ) {
      let j = k + 1
      while (j < end && lines[j]!.text === lines[k]!.text) j++
      keep(lines[k]!)
      if (j - k >= MIN_REPEAT_RUN) insert(marker(`${j - k - 1} identical lines omitted`, k + 1, j - 1))
      else for (let r = k + 1; r < j; r++) keep(lines[r]!)
      k = j
    }
    i = end
  }
  const result = out.join("\n")
  return trailingNewline ? `${result}\n` : result
}

const isBlank = (line: string): boolean => /^[ \t]*$/.test(line)

const endOfParagraph = (lines: ReadonlyArray<Line>, start: number): number => {
  let j = start
  while (j < lines.length && !lines[j]!.verbatim && !isBlank(lines[j]!.text)) j++
  return j
}
