import { concatBytes } from "../io/utf8.ts"

/** A piece of a byte stream cut at a line boundary, small enough to compress in bounded memory. */
export interface Segment {
  readonly bytes: Uint8Array
  readonly index: number
  readonly last: boolean
}

export const DEFAULT_SEGMENT_BYTES = 2 * 1024 * 1024

/**
 * Cuts a byte stream into segments of about `target` bytes, each ending just after a newline.
 * Boundaries depend only on the bytes (never on how reads were chunked), so the same input
 * always gives the same segments and therefore the same output. A line longer than four targets
 * is cut at a UTF-8 character boundary instead.
 */
export class Segmenter {
  private parts: Array<Uint8Array> = []
  private size = 0
  private held: Uint8Array | undefined
  private index = 0

  constructor(private readonly target: number = DEFAULT_SEGMENT_BYTES) {}

  /** Adds bytes; returns the segments that are now complete. */
  push(chunk: Uint8Array): Array<Segment> {
    if (chunk.length === 0) return []
    this.parts.push(chunk)
    this.size += chunk.length
    const ready: Array<Segment> = []
    while (this.size >= this.target) {
      const all = concatBytes(this.parts)
      const cut = cutPoint(all, this.target)
      if (cut === undefined) {
        this.parts = [all]
        break
      }
      this.emit(all.subarray(0, cut), ready)
      const rest = all.subarray(cut)
      this.parts = rest.length > 0 ? [rest] : []
      this.size = rest.length
    }
    return ready
  }

  /** Ends the stream; returns the remaining segments, the last one flagged. */
  end(): Array<Segment> {
    const ready: Array<Segment> = []
    if (this.size > 0) this.emit(concatBytes(this.parts), ready)
    this.parts = []
    this.size = 0
    if (this.held !== undefined) {
      ready.push({ bytes: this.held, index: this.index++, last: true })
      this.held = undefined
    }
    return ready
  }

  // Each segment is held back until the next exists, so the last one can be flagged as such.
  private emit(bytes: Uint8Array, ready: Array<Segment>) {
    if (this.held !== undefined) ready.push({ bytes: this.held, index: this.index++, last: false })
    this.held = bytes
  }
}

const NEWLINE = 0x0a

/**
 * Where the segment at the start of `bytes` ends: after the first newline at or past `target`
 * bytes, or, with none before `4 × target`, at the last UTF-8 character boundary before that.
 * Undefined while more bytes are needed to know. Only the bytes decide, never the chunking.
 */
const cutPoint = (bytes: Uint8Array, target: number): number | undefined => {
  const limit = target * 4
  const nl = bytes.indexOf(NEWLINE, target - 1)
  if (nl !== -1 && nl < limit) return nl + 1
  if (bytes.length <= limit) return undefined
  let cut = limit
  while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--
  return cut
}
