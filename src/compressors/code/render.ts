/**
 * Applies a strategy's policy to an outline: decides which lines stay, folds left-out lines into
 * markers and squeezes blank runs. A marker that would cost about as much as the lines it stands
 * for is not worth it: those lines stay as they are.
 */
import { Role, isBlank, type Outline } from "./outline.ts"
import type { CodePolicy } from "./policy.ts"

export interface RenderRequest {
  /** The file's lines, without their "\n" (a CRLF file's lines keep their "\r"). */
  readonly lines: ReadonlyArray<string>
  readonly outline: Outline
  readonly policy: CodePolicy
  /** The marker for 0-based lines from..to, inclusive. */
  readonly marker: (summary: string, from: number, to: number) => string
}

const Keep = 0
const Drop = 1
const Blank = 2
type Decision = typeof Keep | typeof Drop | typeof Blank

const NO_BODY = -1

/** A stretch of left-out lines: the same elided body throughout (or none), blank lines between them included. */
interface Run {
  readonly from: number
  readonly to: number
  /** The outermost elided body holding it, or NO_BODY. */
  readonly body: number
}

/** The output lines, in order. */
export const render = (request: RenderRequest): Array<string> => {
  const { lines, outline, policy } = request
  const owner = elidedBodies(lines, outline, policy)
  const decisions = new Uint8Array(lines.length)
  for (let row = 0; row < lines.length; row++) decisions[row] = decide(outline.roles[row] as Role, owner[row] !== NO_BODY, policy)
  const eol = lines.length > 1 && lines[0]!.endsWith("\r") ? "\r" : ""
  const out = new Output(lines, decisions)
  for (const group of groups(runsOf(decisions, owner), policy.groupLines)) {
    const first = group[0]!
    const last = group.at(-1)!
    out.keepUntil(first.from)
    // A lone run's marker is indented like the lines it replaces; a group's like the outermost declarations it spans.
    const indent = group.length === 1 ? indentation(lines[firstNonBlank(lines, first.from)]!) : outermostIndentation(lines, decisions, first.from, last.from)
    const markerLine = `${indent}${request.marker(summarize(request, owner, group), first.from, last.to)}${eol}`
    if (estimateMarker(markerLine) >= estimateRuns(lines, group)) {
      out.keepUntil(last.to + 1, true)
      continue
    }
    for (const run of group) {
      out.keepUntil(run.from)
      out.skipTo(run.to + 1)
    }
    out.push(markerLine)
  }
  out.keepUntil(lines.length)
  return out.finish()
}

/** Output lines with blank runs squeezed to one and no blank lines at either end. */
class Output {
  private readonly out: Array<string> = []
  private row = 0
  private afterBlank = true

  constructor(
    private readonly lines: ReadonlyArray<string>,
    private readonly decisions: Uint8Array,
  ) {}

  /** Emits the lines up to `end` (exclusive) that stay; with `all`, the left-out ones too. */
  keepUntil(end: number, all = false): void {
    for (; this.row < end; this.row++) {
      const line = this.lines[this.row]!
      const decision = this.decisions[this.row]
      if (decision === Blank || (all && isBlank(line))) {
        if (!this.afterBlank) this.out.push(line)
        this.afterBlank = true
      } else if (decision === Keep || all) {
        this.push(line)
      }
    }
  }

  skipTo(row: number): void {
    this.row = row
  }

  push(line: string): void {
    this.out.push(line)
    this.afterBlank = false
  }

  finish(): Array<string> {
    while (this.out.length > 0 && isBlank(this.out.at(-1)!)) this.out.pop()
    return this.out
  }
}

const decide = (role: Role, elided: boolean, policy: CodePolicy): Decision => {
  if (role === Role.Pinned || role === Role.Signature) return Keep
  if (elided) return Drop
  switch (role) {
    case Role.Blank:
      return Blank
    case Role.DocSummary:
      return policy.docSummaries ? Keep : Drop
    case Role.Comment:
    case Role.DocRest:
      return Drop
    case Role.MemberRest:
      return policy.memberRests ? Keep : Drop
    case Role.Close:
      return policy.closers ? Keep : Drop
    default:
      return Keep
  }
}

/**
 * For each line, the outermost elided body holding it (NO_BODY if none). Bodies nest or are
 * disjoint, so sorting by start (outer first on ties) and skipping those inside the last painted
 * one paints each line at most once.
 */
const elidedBodies = (lines: ReadonlyArray<string>, outline: Outline, policy: CodePolicy): Int32Array => {
  const owner = new Int32Array(lines.length).fill(NO_BODY)
  if (policy.bodyLines === Infinity) return owner
  const nonBlankBefore = new Int32Array(lines.length + 1)
  for (let row = 0; row < lines.length; row++) nonBlankBefore[row + 1] = nonBlankBefore[row]! + (outline.roles[row] === Role.Blank ? 0 : 1)
  const elided: Array<number> = []
  outline.bodies.forEach((body, index) => {
    if (body.elidable && nonBlankBefore[Math.min(body.to, lines.length - 1) + 1]! - nonBlankBefore[body.from]! > policy.bodyLines) elided.push(index)
  })
  elided.sort((a, b) => outline.bodies[a]!.from - outline.bodies[b]!.from || outline.bodies[b]!.to - outline.bodies[a]!.to)
  let paintedTo = -1
  for (const index of elided) {
    const body = outline.bodies[index]!
    if (body.from <= paintedTo) continue
    const to = Math.min(body.to, lines.length - 1)
    owner.fill(index, body.from, to + 1)
    paintedTo = to
  }
  return owner
}

const runsOf = (decisions: Uint8Array, owner: Int32Array): Array<Run> => {
  const runs: Array<Run> = []
  let row = 0
  while (row < decisions.length) {
    if (decisions[row] !== Drop) {
      row++
      continue
    }
    const body = owner[row]!
    let to = row
    let next = row + 1
    while (next < decisions.length) {
      while (next < decisions.length && decisions[next] === Blank) next++
      if (next >= decisions.length || decisions[next] !== Drop || owner[next] !== body) break
      to = next++
    }
    runs.push({ from: row, to, body })
    row = to + 1
  }
  return runs
}

/** Consecutive runs spanning at most `span` lines share a marker; a longer run has its own. */
const groups = (runs: ReadonlyArray<Run>, span: number): Array<Array<Run>> => {
  const grouped: Array<Array<Run>> = []
  for (const run of runs) {
    const current = grouped.at(-1)
    if (current !== undefined && run.to - current[0]!.from < span) current.push(run)
    else grouped.push([run])
  }
  return grouped
}

/** What a group leaves out, for its marker: `42 lines: body of parse_headers`, `3 lines: comment`. */
const summarize = ({ lines, outline }: RenderRequest, owner: Int32Array, group: ReadonlyArray<Run>): string => {
  let omitted = 0
  for (const run of group) omitted += run.to - run.from + 1
  const count = `${omitted} line${omitted === 1 ? "" : "s"}`
  if (group.length > 1) return `${count}: bodies and comments above`
  const run = group[0]!
  const body = owner[run.from]!
  if (body !== NO_BODY) return `${count}: body of ${outline.bodies[body]!.name}`
  let comments = 0
  let docs = 0
  let other = 0
  for (let row = run.from; row <= run.to; row++) {
    const role = outline.roles[row]
    if (role === Role.Blank || isBlank(lines[row]!)) continue
    if (role === Role.Comment) comments++
    else if (role === Role.DocRest || role === Role.DocSummary) docs++
    else other++
  }
  if (other > 0) return `${count}: code`
  if (docs === 0) return `${count}: comment`
  return comments === 0 ? `${count}: doc comment` : `${count}: comments`
}

const indentation = (line: string): string => /^[ \t]*/.exec(line)![0]

/** The shallowest indentation among the lines kept between `from` and `to`. */
const outermostIndentation = (lines: ReadonlyArray<string>, decisions: Uint8Array, from: number, to: number): string => {
  let outermost: string | undefined
  for (let row = from; row < to; row++) {
    if (decisions[row] !== Keep) continue
    const indent = indentation(lines[row]!)
    if (outermost === undefined || indent.length < outermost.length) outermost = indent
  }
  return outermost ?? ""
}

const firstNonBlank = (lines: ReadonlyArray<string>, from: number): number => {
  let row = from
  while (row < lines.length - 1 && isBlank(lines[row]!)) row++
  return row
}

// Rough token counts, enough to tell whether a marker pays for itself (calibrated on o200k):
// code runs about four and a half characters a token, plus one for the line break and
// indentation; a marker's hash and line range tokenize far worse, about two and a half.
const estimateRuns = (lines: ReadonlyArray<string>, runs: ReadonlyArray<Run>): number => {
  let tokens = 0
  for (const run of runs) for (let row = run.from; row <= run.to; row++) tokens += Math.ceil(lines[row]!.trim().length / 4.5) + 1
  return tokens
}

const estimateMarker = (line: string): number => Math.ceil(line.trim().length / 2.5) + 1
