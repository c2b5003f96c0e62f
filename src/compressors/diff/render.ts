import type { LineRange } from "../../markers/index.ts"
import { generatedReason } from "./generated.ts"
import { CONTEXT_MARKER_WORDS, Role, type FileSection, type ParsedDiff } from "./parse.ts"
import { MARKER_PAYBACK, MINIFIED_LINE_CHARS, type DiffPolicy } from "./policy.ts"

export interface DiffRequest {
  readonly policy: DiffPolicy
  readonly keepPatterns: ReadonlyArray<RegExp>
  readonly maxTokens: number | undefined
}

export interface DiffIO {
  /** A marker line for lines of this block (1-based range). */
  readonly marker: (summary: string, range: LineRange) => string
  readonly countTokens: (text: string) => number
}

/** What happens to one file section. */
type Plan =
  /** `--keep` names it: every line stays. */
  | { readonly kind: "whole" }
  /** Binary, pure rename, lock/generated/minified: one marker line. */
  | { readonly kind: "summary"; readonly summary: string }
  /** Headers and changes stay, unchanged context is trimmed. */
  | { readonly kind: "trim" }

interface Level {
  readonly context: number
  /** Drop context even where it is worth less than its marker (a budget asks for every token). */
  readonly everyLine: boolean
}

/** Renders the block at the policy's level, then, if a budget needs it, with less and less. */
export const compressDiff = (parsed: ParsedDiff, request: DiffRequest, io: DiffIO): string => {
  const plans = parsed.sections.map((s) => planFor(s, request))
  const renderer = new Renderer(parsed, plans, request.keepPatterns, io)
  const full = renderer.join(renderer.chunks({ context: request.policy.context, everyLine: false }))
  const budget = request.maxTokens
  if (budget === undefined || io.countTokens(full) <= budget) return full
  const bare = renderer.chunks({ context: 0, everyLine: true })
  const bareText = renderer.join(bare)
  if (io.countTokens(bareText) <= budget) return bareText
  return renderer.fit(bare, budget)
}

const planFor = (s: FileSection, request: DiffRequest): Plan => {
  if (matchesAny(request.keepPatterns, s.path) || (s.oldPath !== "" && matchesAny(request.keepPatterns, s.oldPath))) {
    return { kind: "whole" }
  }
  const lines = s.end - s.start
  const name = describePath(s)
  const continued = s.continued ? ", continued" : ""
  if (s.binary) return { kind: "summary", summary: `${lines} lines omitted: binary ${name} changed${s.continued ? " (continued)" : ""}` }
  const changed = s.added + s.removed
  if (s.similarity === 100 && changed === 0 && !s.modeChange && s.hunks.length === 0) {
    return { kind: "summary", summary: `${lines} lines omitted: ${name} ${s.copied ? "copied" : "renamed"}, content unchanged` }
  }
  const reason =
    s.longestChange > MINIFIED_LINE_CHARS
      ? "long lines"
      : lines > request.policy.generatedLines
        ? (generatedReason(s.path || s.oldPath) ?? (s.bannered ? "generated" : undefined))
        : undefined
  if (reason !== undefined && changed > 0) {
    return { kind: "summary", summary: `${lines} lines omitted: ${name} (${reason}, ${counts(s)}${continued})` }
  }
  return { kind: "trim" }
}

/** One piece of the output: a file section (index) or the lines between sections (-1). */
interface Chunk {
  readonly section: number
  readonly text: string
}

class Renderer {
  private readonly eol: string

  constructor(
    private readonly parsed: ParsedDiff,
    private readonly plans: ReadonlyArray<Plan>,
    private readonly keepPatterns: ReadonlyArray<RegExp>,
    private readonly io: DiffIO,
  ) {
    const first = parsed.lines[0]
    this.eol = first !== undefined && first.endsWith("\r") ? "\r" : ""
  }

  join(chunks: ReadonlyArray<Chunk>): string {
    const text = chunks.map((c) => c.text).join("\n")
    return this.parsed.trailingNewline && chunks.length > 0 ? `${text}\n` : text
  }

  chunks(level: Level): Array<Chunk> {
    const { lines, sections } = this.parsed
    const out: Array<Chunk> = []
    let at = 0
    sections.forEach((s, index) => {
      if (s.start > at) out.push({ section: -1, text: lines.slice(at, s.start).join("\n") })
      out.push({ section: index, text: this.section(index, level).join("\n") })
      at = s.end
    })
    if (lines.length > at) out.push({ section: -1, text: lines.slice(at).join("\n") })
    return out
  }

  /** Summarises the largest sections (not those `--keep` names), one at a time, until the whole fits `budget`. */
  fit(chunks: Array<Chunk>, budget: number): string {
    const sizes = chunks.map((c) => this.io.countTokens(c.text) + 1)
    let total = sizes.reduce((a, b) => a + b, 0)
    const order = chunks
      .map((_, i) => i)
      .filter((i) => chunks[i]!.section >= 0 && this.plans[chunks[i]!.section]!.kind === "trim")
      .sort((a, b) => sizes[b]! - sizes[a]! || a - b)
    for (const i of order) {
      const summary = this.budgetSummary(chunks[i]!.section)
      chunks[i] = { section: chunks[i]!.section, text: summary }
      const size = this.io.countTokens(summary) + 1
      total += size - sizes[i]!
      sizes[i] = size
      if (total <= budget && this.io.countTokens(this.join(chunks)) <= budget) break
    }
    return this.join(chunks)
  }

  private section(index: number, level: Level): Array<string> {
    const s = this.parsed.sections[index]!
    const plan = this.plans[index]!
    const { lines } = this.parsed
    if (plan.kind === "whole") return lines.slice(s.start, s.end)
    if (plan.kind === "summary") return [this.marker(plan.summary, s)]
    const keep = this.contextToKeep(s, level)
    const out: Array<string> = []
    let omitted = 0
    let omittedChars = 0
    for (let i = s.start; i < s.end; i++) {
      if (keep[i - s.start] === 1) out.push(lines[i]!)
      else {
        omitted++
        omittedChars += lines[i]!.length + 1
      }
    }
    if (omitted === 0) return out
    const where = `${describePath(s)}${s.continued ? " (continued)" : ""}`
    const marker = this.marker(`${omitted} ${CONTEXT_MARKER_WORDS}${omitted === 1 ? "" : "s"} omitted in ${where}`, s)
    // Context worth less than its marker stays, unless a budget asks for every token.
    if (!level.everyLine && omittedChars < MARKER_PAYBACK * marker.length) return lines.slice(s.start, s.end)
    out.push(marker)
    return out
  }

  /** Lines of the section to keep (1) or drop (0). */
  private contextToKeep(s: FileSection, level: Level): Uint8Array {
    const { lines, roles } = this.parsed
    const keep = new Uint8Array(s.end - s.start).fill(1)
    for (const hunk of s.hunks) {
      // A hunk begun in an earlier block counts from the last change seen there.
      let lastChange = hunk.start - 1 - hunk.sinceChange
      let changes = 0
      // Distance to the previous change, forward; then to the next, backward.
      const distance = new Float64Array(Math.max(0, hunk.end - hunk.start))
      for (let i = hunk.start; i < hunk.end; i++) {
        if (roles[i] === Role.change) {
          lastChange = i
          changes++
        }
        distance[i - hunk.start] = i - lastChange
      }
      // A whole hunk without changes is no diff this reader knows: left as it is.
      if (changes === 0 && hunk.header >= 0) continue
      let nextChange = Infinity
      for (let i = hunk.end - 1; i >= hunk.start; i--) {
        const role = roles[i]
        if (role === Role.change) nextChange = i
        if (role !== Role.context) continue
        const d = Math.min(distance[i - hunk.start]!, nextChange - i)
        // The last line before "\ No newline" is what that note is about.
        if (d <= level.context || roles[i + 1] === Role.noNewline || matchesAny(this.keepPatterns, lines[i]!)) continue
        keep[i - s.start] = 0
      }
    }
    return keep
  }

  private budgetSummary(index: number): string {
    const s = this.parsed.sections[index]!
    const hunks = s.hunks.filter((h) => h.header >= 0).length
    const what = hunks > 0 ? `${counts(s)}, ${hunks} hunk${hunks === 1 ? "" : "s"}` : s.modeChange ? "mode change" : "headers only"
    const continued = s.continued ? ", continued" : ""
    return this.marker(`${s.end - s.start} lines omitted: ${describePath(s)} (${what}${continued})`, s)
  }

  private marker(summary: string, s: FileSection): string {
    return this.io.marker(summary, { from: s.start + 1, to: s.end }) + this.eol
  }
}

const counts = (s: FileSection): string => `+${s.added} -${s.removed}`

/** A rename as git's diffstat shows it: `src/{old.ts => new.ts}`. */
export const describePath = (s: FileSection): string => {
  const path = s.path || s.oldPath || "unnamed file"
  if (s.oldPath === "" || s.oldPath === path) return path
  let head = 0
  while (head < path.length && head < s.oldPath.length && path[head] === s.oldPath[head]) head++
  head = path.lastIndexOf("/", head - 1) + 1
  let tail = 0
  while (
    tail < path.length - head &&
    tail < s.oldPath.length - head &&
    path[path.length - 1 - tail] === s.oldPath[s.oldPath.length - 1 - tail]
  ) {
    tail++
  }
  const slash = path.indexOf("/", path.length - tail)
  tail = slash === -1 ? 0 : path.length - slash
  const inner = (p: string) => p.slice(head, p.length - tail)
  if (head === 0 && tail === 0) return `${s.oldPath} => ${path}`
  return `${path.slice(0, head)}{${inner(s.oldPath)} => ${inner(path)}}${path.slice(path.length - tail)}`
}

export const matchesAny = (patterns: ReadonlyArray<RegExp>, text: string): boolean => {
  for (const p of patterns) {
    p.lastIndex = 0
    if (p.test(text)) return true
  }
  return false
}
