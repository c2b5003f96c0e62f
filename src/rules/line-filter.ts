import { formatMarker, quoteTemplate } from "../markers/index.ts"
import { Unchanged, defineStage, originalMarkers, withText, type Stage, type StageContext } from "../sdk/index.ts"
import { splitLines } from "../strings/lines.ts"
import { isEmptyFilter, type LineFilter } from "./resolve.ts"

/**
 * The line filters of the rules that matched an input (`only_lines`, `strip_lines`, `replace`,
 * `head`, `tail`), applied in that order before any compressor sees the block. A line matching
 * `keep_lines` (or `--keep`) is never removed nor rewritten. Each run of removed lines becomes one
 * marker redeeming exactly those lines; runs too short to pay for a marker of their own, and the
 * lines `replace` rewrote, are accounted for by one marker at the end that redeems the block as it
 * was. Works per segment: `head` counts lines from the start of the stream, and `tail` lines come
 * from the last segment (a stream whose last 2 MB segment is shorter than the tail keeps fewer).
 */
export const lineFilterStage = (filter: LineFilter): Stage => {
  // Rules are shared and must stay stateless (no `g`); replace-all needs a global copy of each.
  const replace = filter.replace.map((r) => ({ pattern: new RegExp(r.pattern.source, `${r.pattern.flags}g`), with: r.with }))
  return defineStage({
    name: "rule-lines",
    description: "line filters of the matching rules: only/strip lines (keep_lines protects), replace, head/tail",
    kinds: "any",
    timeoutMs: 30_000,
    run: (block, ctx) => {
      // `--lossless` promises every line back as it was.
      if (ctx.options.lossless || isEmptyFilter(filter)) return Unchanged
      const stream = ctx.state(() => ({ headLeft: filter.head ?? 0 }))
      const text = filterLines(block.text, { ...filter, replace }, ctx, stream)
      return text === block.text ? Unchanged : withText(block, text)
    },
  })
}

interface StreamState {
  /** Lines `head` may still keep in this stream. */
  headLeft: number
}

const REMOVED = 1
const REWRITTEN = 2

const filterLines = (text: string, filter: LineFilter, ctx: StageContext, stream: StreamState): string => {
  const lines = splitLines(text)
  const bodies = lines.map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l))
  // The pipeline passes keep_lines on as --keep patterns too: test each pattern once.
  const keep = [...new Set([...filter.keep, ...ctx.options.keepPatterns])]
  const isKept = bodies.map((b) => keep.some((re) => test(re, b)))
  const fate = new Uint8Array(lines.length)
  const out = lines.slice()

  for (let i = 0; i < lines.length; i++) {
    if (isKept[i]) continue
    const body = bodies[i]!
    const outsideOnly = filter.only.length > 0 && !filter.only.some((re) => test(re, body))
    if (outsideOnly || filter.strip.some((re) => test(re, body))) fate[i] = REMOVED
  }

  for (let i = 0; i < lines.length && filter.replace.length > 0; i++) {
    if (fate[i] === REMOVED || isKept[i]) continue
    const body = bodies[i]!
    let rewritten = body
    for (const r of filter.replace) rewritten = rewritten.replace(r.pattern, r.with)
    if (rewritten === body) continue
    fate[i] = REWRITTEN
    out[i] = lines[i]!.endsWith("\r") ? `${rewritten}\r` : rewritten
  }

  if (filter.head !== undefined || filter.tail !== undefined) {
    const survivors: Array<number> = []
    for (let i = 0; i < lines.length; i++) if (fate[i] !== REMOVED) survivors.push(i)
    const head = Math.min(stream.headLeft, survivors.length)
    stream.headLeft -= head
    // The tail is the stream's: earlier segments keep only their share of the head.
    const tailFrom = filter.tail !== undefined && ctx.segment.last ? Math.max(head, survivors.length - filter.tail) : survivors.length
    for (let s = head; s < tailFrom; s++) {
      const i = survivors[s]!
      if (!isKept[i]) fate[i] = REMOVED
    }
  }

  return render(text, out, bodies, fate, ctx)
}

/** The kept lines, a marker in place of each run of removed lines worth one, and a closing marker. */
const render = (text: string, lines: ReadonlyArray<string>, bodies: ReadonlyArray<string>, fate: Uint8Array, ctx: StageContext): string => {
  const marker = originalMarkers(ctx, text)
  const crlf = lines.length > 0 && lines[0]!.endsWith("\r")
  const out: Array<string> = []
  const insert = (m: string) => out.push(crlf ? `${m}\r` : m)
  let folded = 0
  let foldedRuns = 0
  let rewritten = 0
  for (let i = 0; i < lines.length; ) {
    if (fate[i] !== REMOVED) {
      if (fate[i] === REWRITTEN) rewritten++
      out.push(lines[i]!)
      i++
      continue
    }
    let j = i
    while (j < lines.length && fate[j] === REMOVED) j++
    const count = j - i
    const summary = `${nLines(count)} removed by rules: ${quoteTemplate(bodies[i]!, 50)}`
    const range = { from: i + 1, to: j }
    if (worthAMarker(bodies, i, j, summary, range, ctx)) insert(marker(summary, range))
    else {
      folded += count
      foldedRuns++
    }
    i = j
  }
  const closing: Array<string> = []
  if (folded > 0) closing.push(`${folded} short ${folded === 1 ? "line" : "lines"} removed by rules in ${foldedRuns} ${foldedRuns === 1 ? "place" : "places"}`)
  if (rewritten > 0) closing.push(`${nLines(rewritten)} rewritten by rules`)
  if (closing.length > 0) insert(marker(closing.join(", ")))
  const result = out.join("\n")
  return text.endsWith("\n") ? `${result}\n` : result
}

const nLines = (n: number): string => `${n} ${n === 1 ? "line" : "lines"}`

// Any 12 hex digits: only the marker's length in tokens matters here.
const SAMPLE_HASH = "3f9a1c2b7d4e"

/** A run gets its own marker only when the marker costs fewer tokens than the lines it stands for. */
const worthAMarker = (
  bodies: ReadonlyArray<string>,
  from: number,
  to: number,
  summary: string,
  range: { from: number; to: number },
  ctx: StageContext,
): boolean => {
  const markerTokens = ctx.countTokens(formatMarker({ summary, hash: SAMPLE_HASH, range }))
  let chars = 0
  // Long runs pay for their marker without counting (a token is rarely more than a few characters).
  for (let i = from; i < to && chars <= markerTokens * 8; i++) chars += bodies[i]!.length + 1
  if (chars > markerTokens * 8) return true
  return ctx.countTokens(bodies.slice(from, to).join("\n")) > markerTokens
}

// Rules are compiled once and shared: a `g` or `y` flag would make `test` stateful.
const test = (re: RegExp, text: string): boolean => {
  re.lastIndex = 0
  return re.test(text)
}
