import type { EntryLine, LineRole } from "./report.ts"

/** A line of a running test's output, remembered until the test ends. */
export interface HeldLine {
  readonly text: string
  readonly role: LineRole
  /** Segment of the stream it came in, and its 1-based line there. */
  readonly segment: number
  readonly at: number
}

// What one test may hold, whatever its output: memory stays bounded on any stream.
const HOLD_HEAD = 1000
const HOLD_POINTERS = 200
const HOLD_TAIL = 200

interface Sequenced extends HeldLine {
  readonly seq: number
}

interface Gap {
  readonly fromSeq: number
  toSeq: number
  count: number
  firstSegment: number
  lastSegment: number
  minAt: number
  maxAt: number
}

/**
 * The output of one running test (or of a package outside its tests), bounded: its first lines,
 * message and pointer lines after them, and its last lines. What falls out in between is
 * counted, with where it was, so the reader is told how to get it back.
 */
export class HeldOutput {
  private readonly head: Array<Sequenced> = []
  private readonly middle: Array<Sequenced> = []
  private tail: Array<Sequenced> = []
  private readonly gaps: Array<Gap> = []
  private seq = 0
  /** Some line matched a --keep pattern. */
  kept = false
  /** Role of the last line added: indented lines after a message continue it. */
  lastRole: LineRole | undefined

  add(line: HeldLine) {
    const held = { ...line, seq: this.seq++ }
    this.lastRole = line.role
    if (this.head.length < HOLD_HEAD) this.head.push(held)
    else if ((line.role === "message" || line.role === "pointer") && this.middle.length < HOLD_POINTERS) this.middle.push(held)
    else {
      this.tail.push(held)
      // Evicted in batches, so each line is moved once.
      if (this.tail.length >= 2 * HOLD_TAIL) {
        for (const evicted of this.tail.slice(0, HOLD_TAIL)) this.drop(evicted)
        this.tail = this.tail.slice(HOLD_TAIL)
      }
    }
  }

  /** Lines as entry lines for a block that is segment `current` of its stream, in output order. */
  lines(current: number): Array<EntryLine> {
    const held = [...this.head, ...this.middle, ...this.tail].sort((a, b) => a.seq - b.seq)
    const out: Array<EntryLine> = []
    let g = 0
    for (const line of held) {
      while (g < this.gaps.length && this.gaps[g]!.fromSeq < line.seq) out.push(gapLine(this.gaps[g++]!, current))
      out.push(
        line.segment === current
          ? { text: line.text, role: line.role, at: line.at }
          : { text: line.text, role: line.role, earlier: true },
      )
    }
    while (g < this.gaps.length) out.push(gapLine(this.gaps[g++]!, current))
    return out
  }

  /** Texts of the held lines, in order. */
  texts(): Array<string> {
    return [...this.head, ...this.middle, ...this.tail].sort((a, b) => a.seq - b.seq).map((l) => l.text)
  }

  private drop(line: Sequenced) {
    const last = this.gaps.at(-1)
    if (last !== undefined && last.toSeq === line.seq - 1) {
      last.toSeq = line.seq
      last.count++
      last.lastSegment = line.segment
      if (line.segment === last.firstSegment) {
        last.minAt = Math.min(last.minAt, line.at)
        last.maxAt = Math.max(last.maxAt, line.at)
      }
      return
    }
    this.gaps.push({
      fromSeq: line.seq,
      toSeq: line.seq,
      count: 1,
      firstSegment: line.segment,
      lastSegment: line.segment,
      minAt: line.at,
      maxAt: line.at,
    })
  }
}

const gapLine = (gap: Gap, current: number): EntryLine => {
  const here = gap.firstSegment === current && gap.lastSegment === current
  return {
    text: "",
    role: "plain",
    unheld: {
      count: gap.count,
      elsewhere: !here,
      ...(here ? { range: { from: gap.minAt, to: gap.maxAt } } : {}),
    },
  }
}
