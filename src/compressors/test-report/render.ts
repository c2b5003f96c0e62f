import type { LineRange } from "../../markers/index.ts"
import { isFrame } from "./lines.ts"
import { budgetLadder, type TestReportPolicy } from "./policy.ts"
import { messageKey, type EntryLine, type Report, type ReportItem, type TestEntry } from "./report.ts"

export interface RenderIO {
  /** A marker for lines of the retained original: a range of it, or all of it. */
  readonly marker: (summary: string, range?: LineRange) => string
  readonly countTokens: (text: string) => number
}

// A dropped line this short costs less than the marker that would replace it.
const CHEAPER_THAN_A_MARKER = 100

/**
 * The report as text: counts lines, group lines, skipped names, then each entry with its lines
 * trimmed by `policy`; last the marker for everything condensed. Under `maxTokens`, ever smaller
 * policies are tried, and as a last resort later failures are listed by nothing but a marker.
 */
export const renderReport = (report: Report, policy: TestReportPolicy, io: RenderIO, maxTokens?: number): string => {
  const full = render(report, policy, io)
  if (maxTokens === undefined || io.countTokens(full) <= maxTokens) return full
  const ladder = budgetLadder(policy)
  for (const step of ladder.slice(1)) {
    const text = render(report, step, io)
    if (io.countTokens(text) <= maxTokens) return text
  }
  // Headers alone are still too long: show as many entries as fit, the rest behind a marker;
  // with none fitting, the group lines go too. The counts lines always stay.
  const smallest = ladder.at(-1)!
  const entries = report.items.filter((i) => i.type === "entry").length
  let lo = 0
  let hi = entries - 1
  let fits: number | undefined
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (io.countTokens(render(report, smallest, io, mid)) <= maxTokens) {
      fits = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return fits === undefined ? render(report, { ...smallest, groups: "none" }, io, 0) : render(report, smallest, io, fits)
}

// Names of quiet packages or suites listed when their counts lines are left out.
const QUIET_NAMES = 10

const render = (report: Report, policy: TestReportPolicy, io: RenderIO, maxEntries = Infinity): string => {
  const out: Array<string> = []
  const sameMessage = new Map<string, number>()
  const quiet = policy.groups === "notable" ? report.items.filter((i) => i.type === "group" && !i.notable) : []
  // Quiet groups are named right under the totals, or where the first of them was (a stream's
  // segment before the last has no totals).
  let quietAt: ReportItem | undefined = quiet.length === 0 ? undefined : (report.items.find((i) => i.type === "counts") ?? quiet[0])
  let entries = 0
  let hiddenEntries = 0
  let previous: ReportItem["type"] | undefined
  for (const item of report.items) {
    if (item.type === "entry" && entries >= maxEntries) {
      hiddenEntries++
      continue
    }
    if (item === quietAt && item.type === "group") {
      out.push(quietLine(quiet))
      quietAt = undefined
    }
    if (item.type === "group" && (policy.groups === "none" || (policy.groups === "notable" && !item.notable))) continue
    // A blank line sets each entry apart, and the next package or suite apart from the entry before it.
    if (item.type === "entry" || (item.type === "group" && previous === "entry")) out.push("")
    renderItem(item, policy, io, out, sameMessage)
    if (item.type === "entry") entries++
    previous = item.type
    if (item === quietAt) out.push(quietLine(quiet))
  }
  if (hiddenEntries > 0) out.push("", io.marker(`${hiddenEntries} more failing or kept tests omitted`))
  out.push(io.marker(report.summary))
  return `${out.join("\n")}\n`
}

/** One line naming the packages or suites without failures or skips (their counts lines left out). */
const quietLine = (quiet: ReadonlyArray<ReportItem>): string => {
  const names = quiet.slice(0, QUIET_NAMES).map((i) => (i.type === "group" ? i.name : ""))
  const more = quiet.length - names.length
  return `without failures or skips: ${names.join(", ")}${more > 0 ? ` and ${more} more` : ""}`
}

const renderItem = (
  item: ReportItem,
  policy: TestReportPolicy,
  io: RenderIO,
  out: Array<string>,
  sameMessage: Map<string, number>,
) => {
  switch (item.type) {
    case "counts":
    case "group":
      out.push(item.text)
      return
    case "skipped": {
      // A test skipped on every retry is listed once, with how many times.
      const lines = new Map<string, number>()
      for (const t of item.tests) {
        const line = policy.skipReasons && t.reason !== undefined ? `skipped ${t.name}: ${t.reason}` : `skipped ${t.name}`
        lines.set(line, (lines.get(line) ?? 0) + 1)
      }
      const shown = [...lines].slice(0, policy.skippedNames)
      for (const [line, times] of shown) out.push(times > 1 ? `${line} (${times} times)` : line)
      const more = lines.size - shown.length
      if (more > 0 && shown.length > 0) out.push(`(${more} more skipped)`)
      return
    }
    case "entry":
      renderEntry(item.entry, policy, io, out, sameMessage)
  }
}

const renderEntry = (
  entry: TestEntry,
  policy: TestReportPolicy,
  io: RenderIO,
  out: Array<string>,
  sameMessage: Map<string, number>,
) => {
  if (!entry.kept) {
    const key = messageKey(entry)
    const seen = (sameMessage.get(key) ?? 0) + 1
    sameMessage.set(key, seen)
    if (key !== "" && seen > policy.sameMessage) {
      out.push(`${entry.header} · same message as an earlier failure`)
      return
    }
  }
  out.push(entry.header)
  const lines = entry.lines
  const keep = entry.kept ? lines.map((l) => l.unheld === undefined) : choose(lines, policy)
  // Lines dropped without a marker of their own (framing, echoes): the block marker covers them.
  const silent = (l: EntryLine, i: number) => !keep[i] && (l.role === "echo" || l.role === "framing") && l.unheld === undefined
  let i = 0
  while (i < lines.length) {
    if (keep[i]) {
      out.push(lines[i]!.text)
      i++
      continue
    }
    if (silent(lines[i]!, i)) {
      i++
      continue
    }
    let j = i
    while (j < lines.length && !keep[j]) j++
    const gap = lines.slice(i, j).filter((l, k) => !silent(l, i + k))
    if (gap.length === 1 && gap[0]!.unheld === undefined && gap[0]!.text.length <= CHEAPER_THAN_A_MARKER) {
      out.push(gap[0]!.text)
    } else {
      out.push(gapMarker(lines.slice(i, j), gap, io))
    }
    i = j
  }
}

/** Which lines of a failure stay, by role and position. */
const choose = (lines: ReadonlyArray<EntryLine>, policy: TestReportPolicy): Array<boolean> => {
  const keep = new Array<boolean>(lines.length).fill(false)
  const rest: Array<number> = []
  let messages = 0
  let pointers = 0
  let firstFrame = true
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (line.unheld !== undefined) continue
    switch (line.role) {
      case "message":
        if (messages++ < policy.messageLines) keep[i] = true
        else rest.push(i)
        break
      case "echo":
        keep[i] = policy.echoes
        break
      case "label":
        keep[i] = true
        break
      case "framing":
        keep[i] = policy.framing
        break
      case "library": {
        // The first frame is where the failure was thrown; later runs of framework frames fold.
        const inRun = lines[i - 1]?.role === "library" || lines[i + 1]?.role === "library"
        if (firstFrame) keep[i] = true
        else if (!policy.foldLibraryFrames || !inRun) rest.push(i)
        firstFrame = false
        break
      }
      case "pointer":
        if (isFrame(line.text)) firstFrame = false
        if (pointers++ < policy.pointerLines) keep[i] = true
        else rest.push(i)
        break
      case "plain":
        rest.push(i)
    }
  }
  for (let k = 0; k < rest.length; k++) {
    if (k < policy.head || k >= rest.length - policy.tail) keep[rest[k]!] = true
  }
  return keep
}

/**
 * The marker for a run of dropped lines: a range of the retained original when every line maps
 * into it, the whole original otherwise; lines that were never in this block (earlier segments
 * of a stream) get a plain note, since their own segment's marker redeems them.
 */
const gapMarker = (span: ReadonlyArray<EntryLine>, gap: ReadonlyArray<EntryLine>, io: RenderIO): string => {
  let count = 0
  let from = Infinity
  let to = -Infinity
  let mapped = true
  let elsewhere = false
  for (const l of span) {
    if (l.unheld !== undefined) {
      if (l.unheld.elsewhere) elsewhere = true
      if (l.unheld.range === undefined) mapped = false
      else {
        from = Math.min(from, l.unheld.range.from)
        to = Math.max(to, l.unheld.range.to)
      }
      continue
    }
    if (l.earlier === true) elsewhere = true
    if (l.at === undefined) mapped = false
    else {
      from = Math.min(from, l.at)
      to = Math.max(to, l.at)
    }
  }
  for (const l of gap) count += l.unheld?.count ?? 1
  const library = gap.every((l) => l.role === "library")
  const summary = library ? `${count} framework frames omitted` : `${count} lines omitted`
  if (elsewhere) return `(${summary}: they came in earlier segments, whose markers redeem them)`
  return mapped && from <= to ? io.marker(summary, { from, to }) : io.marker(summary)
}
