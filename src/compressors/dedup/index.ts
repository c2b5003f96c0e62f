import { formatMarker } from "../../markers/index.ts"
import { Unchanged, defineStage, originalMarkers, withText, type StageContext } from "../../sdk/index.ts"
import { splitLines } from "../../strings/lines.ts"
import { findRepeats, type Repeat } from "./repeats.ts"

/**
 * `dedup: true` in a rule: every stretch of 4 or more lines (or a single line of 200 characters or
 * more) that already appeared earlier in the block is replaced by a marker naming the line it
 * repeats, `[… 12 lines repeated from line 40 · retrieve <hash>:310-321]`, which redeems the exact
 * lines it stands for. First occurrences, lines matching `--keep`, and repeats too short to pay for
 * their marker stay as they are. Any kind of content: it runs only where a rule asks for it.
 * Works per segment: a marker points into its own segment.
 */
export const dedupStage = defineStage({
  name: "dedup",
  description: "repeated runs of lines replaced by a marker pointing at their first occurrence",
  kinds: "any",
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const text = dedupe(block.text, ctx)
    return text === block.text ? Unchanged : withText(block, text)
  },
})

const dedupe = (text: string, ctx: StageContext): string => {
  const lines = splitLines(text)
  const keep = ctx.options.keepPatterns
  const movable = (i: number) => keep.length === 0 || !keep.some((re) => test(re, bodyOf(lines[i]!)))
  const summary = (r: Repeat) => `${r.to - r.from} ${r.to - r.from === 1 ? "line" : "lines"} repeated from line ${r.source + 1}`
  const rangeOf = (r: Repeat) => ({ from: r.from + 1, to: r.to })
  const worth = (r: Repeat) =>
    ctx.countTokens(lines.slice(r.from, r.to).join("\n")) > ctx.countTokens(formatMarker({ summary: summary(r), hash: SAMPLE_HASH, range: rangeOf(r) }))
  const repeats = findRepeats(lines, movable, worth)
  if (repeats.length === 0) return text

  const marker = originalMarkers(ctx, text)
  const crlf = lines[0]!.endsWith("\r")
  const out: Array<string> = []
  let next = 0
  for (const r of repeats) {
    for (let i = next; i < r.from; i++) out.push(lines[i]!)
    const m = marker(summary(r), rangeOf(r))
    out.push(crlf ? `${m}\r` : m)
    next = r.to
  }
  for (let i = next; i < lines.length; i++) out.push(lines[i]!)
  const result = out.join("\n")
  return text.endsWith("\n") ? `${result}\n` : result
}

// Any 12 hex digits: only the marker's length in tokens matters when weighing a repeat.
const SAMPLE_HASH = "3f9a1c2b7d4e"

const bodyOf = (line: string): string => (line.endsWith("\r") ? line.slice(0, -1) : line)

// `--keep` patterns are shared: a `g` or `y` flag would make `test` stateful.
const test = (re: RegExp, text: string): boolean => {
  re.lastIndex = 0
  return re.test(text)
}
