import { Stream } from "effect"
import { concatBytes } from "../../io/utf8.ts"
import type { SseEvent } from "../../sdk/plugin.ts"

/**
 * Server-sent events, split from a byte stream as they arrive. Frames keep their exact bytes so
 * that a relay writing them back unchanged is byte-identical to the upstream response.
 */
export interface SseFrame {
  /**
   * The exact bytes of this event, including its terminating blank line. (When a chunk ends
   * between the CR and LF of a CRLF blank line, the event goes out at once and that LF leads the
   * next frame's bytes: every byte is in exactly one frame, in order.)
   */
  readonly raw: Uint8Array
  /** Parsed per the SSE spec: absent when the event names no type. */
  readonly event?: string
  /** The `data` lines joined with "\n"; "" for comments, keep-alives and stray blank lines. */
  readonly data: string
  readonly id?: string
}

const LF = 0x0a
const CR = 0x0d
const BOM = "\uFEFF"
// ignoreBOM: the spec strips a byte-order mark only at the very start of the stream.
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true })
const encoder = new TextEncoder()

/**
 * Splits bytes into events at blank lines (CRLF, LF or CR line ends), across chunk boundaries.
 * Only the bytes of the current incomplete event are held; a complete event is decoded once,
 * whole, so UTF-8 sequences split across chunks decode as they should.
 */
class FrameSplitter {
  /** Bytes of the incomplete event. */
  private pending: Array<Uint8Array> = []
  /** The last byte seen ended a line (or nothing was seen yet): a line end now is a blank line. */
  private atLineStart = true
  /** The last byte seen was CR: an LF now completes that line end. */
  private afterCR = false
  private first = true

  push(chunks: ReadonlyArray<Uint8Array>): Array<SseFrame> {
    const frames: Array<SseFrame> = []
    for (const chunk of chunks) {
      if (!this.afterCR && chunk.indexOf(CR) < 0) this.scanLF(chunk, frames)
      else this.scanAny(chunk, frames)
    }
    return frames
  }

  /** The bytes after the last blank line, parsed as if the event had been terminated. */
  end(): Array<SseFrame> {
    if (this.pending.length === 0) return []
    const raw = concatBytes(this.pending)
    this.pending = []
    return [this.frame(raw)]
  }

  /** The common case, a chunk without CR: jump from LF to LF with the native search. */
  private scanLF(chunk: Uint8Array, frames: Array<SseFrame>): void {
    let start = 0
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, i + 1)) {
      if (i === 0 ? this.atLineStart : chunk[i - 1] === LF) {
        frames.push(this.take(chunk, start, i + 1))
        start = i + 1
      }
    }
    if (chunk.length > 0) this.atLineStart = chunk[chunk.length - 1] === LF
    this.keep(chunk, start)
  }

  private scanAny(chunk: Uint8Array, frames: Array<SseFrame>): void {
    let start = 0
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i]
      if (byte !== LF && byte !== CR) {
        this.atLineStart = false
        this.afterCR = false
        continue
      }
      if (byte === LF && this.afterCR) {
        this.afterCR = false
        continue
      }
      this.afterCR = byte === CR
      if (!this.atLineStart) {
        this.atLineStart = true
        continue
      }
      let end = i + 1
      // A blank line ended by CRLF: its LF belongs to this event when it is already here.
      if (byte === CR && chunk[end] === LF) {
        end++
        i++
        this.afterCR = false
      }
      frames.push(this.take(chunk, start, end))
      start = end
    }
    this.keep(chunk, start)
  }

  /** Holds the incomplete event's bytes: a copy of a chunk's tail, so the chunk can be freed. */
  private keep(chunk: Uint8Array, start: number): void {
    if (start < chunk.length) this.pending.push(start === 0 ? chunk : chunk.slice(start))
  }

  private take(chunk: Uint8Array, start: number, end: number): SseFrame {
    const piece = chunk.subarray(start, end)
    if (this.pending.length === 0) return this.frame(piece)
    this.pending.push(piece)
    const raw = concatBytes(this.pending)
    this.pending = []
    return this.frame(raw)
  }

  private frame(raw: Uint8Array): SseFrame {
    let text = utf8.decode(raw)
    if (this.first) {
      this.first = false
      if (text.startsWith(BOM)) text = text.slice(1)
    }
    return parseEvent(raw, text)
  }
}


/** The fields of one event's text; blank lines (its terminator) and comments are skipped. */
const parseEvent = (raw: Uint8Array, text: string): SseFrame => {
  let event: string | undefined
  let id: string | undefined
  let data: string | undefined
  let start = 0
  while (start < text.length) {
    let end = start
    while (end < text.length) {
      const c = text.charCodeAt(end)
      if (c === LF || c === CR) break
      end++
    }
    if (end > start && text.charCodeAt(start) !== 0x3a) {
      const line = text.slice(start, end)
      const colon = line.indexOf(":")
      const name = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? "" : line.slice(line.charCodeAt(colon + 1) === 0x20 ? colon + 2 : colon + 1)
      if (name === "data") data = data === undefined ? value : `${data}\n${value}`
      else if (name === "event") event = value
      else if (name === "id" && !value.includes("\0")) id = value
    }
    start = text.charCodeAt(end) === CR && text.charCodeAt(end + 1) === LF ? end + 2 : end + 1
  }
  return {
    raw,
    ...(event === undefined || event === "" ? {} : { event }),
    data: data ?? "",
    ...(id === undefined ? {} : { id }),
  }
}

/**
 * The events of an SSE byte stream, each emitted as soon as its blank line arrives; bytes after
 * the last blank line come out as a final frame when the stream ends.
 */
export const sseFrames = <E>(bytes: Stream.Stream<Uint8Array, E>): Stream.Stream<SseFrame, E> =>
  Stream.mapAccumArray(
    bytes,
    () => new FrameSplitter(),
    (splitter, chunks) => [splitter, splitter.push(chunks)],
    { onHalt: (splitter) => splitter.end() },
  )

/** Line breaks can't appear inside a field: they would end it. */
const oneLine = (value: string): string => value.replace(/[\r\n]/g, "")

/** One event in wire form: `event:` and `id:` when set, a `data:` line per line of data. */
export const encodeSseEvent = (event: SseEvent): Uint8Array => {
  let text = event.event === undefined ? "" : `event: ${oneLine(event.event)}\n`
  if (event.id !== undefined) text += `id: ${oneLine(event.id)}\n`
  for (const line of event.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`
  return encoder.encode(`${text}\n`)
}
