import { describe, expect, test } from "bun:test"
import { Segmenter, type Segment } from "./segmenter.ts"

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

/** Feeds `input` in chunks of `chunk` bytes (Infinity: one piece) and ends the stream. */
const segment = (input: Uint8Array, target: number, chunk = Infinity): Array<Segment> => {
  const s = new Segmenter(target)
  const out: Array<Segment> = []
  const step = Math.min(chunk, Math.max(1, input.length))
  for (let i = 0; i < input.length; i += step) out.push(...s.push(input.slice(i, i + step)))
  out.push(...s.end())
  return out
}

const joined = (segments: ReadonlyArray<Segment>): string => segments.map((s) => hex(s.bytes)).join("")
const shape = (segments: ReadonlyArray<Segment>) => segments.map((s) => ({ index: s.index, last: s.last, bytes: hex(s.bytes) }))

/** A log-ish input of varied short lines (each well under the target), deterministic. */
const logInput = (lines: number, trailingNewline = true): Uint8Array => {
  const out: Array<string> = []
  for (let i = 0; i < lines; i++) {
    const pad = "x".repeat((i * 37) % 50)
    out.push(`${String(i).padStart(4, "0")} INFO req=${(i * 7919) % 1000} é日 ${pad}`)
  }
  return utf8(out.join("\n") + (trailingNewline ? "\n" : ""))
}

describe("Segmenter", () => {
  const TARGET = 64

  test("empty input gives no segments", () => {
    expect(segment(new Uint8Array(0), TARGET)).toEqual([])
    const s = new Segmenter(TARGET)
    expect(s.push(new Uint8Array(0))).toEqual([])
    expect(s.end()).toEqual([])
  })

  test("input smaller than the target is one last segment", () => {
    const input = utf8("one\ntwo\n")
    expect(shape(segment(input, TARGET))).toEqual([{ index: 0, last: true, bytes: hex(input) }])
  })

  test("segments concatenate back to the input", () => {
    const input = logInput(200)
    const segments = segment(input, TARGET)
    expect(segments.length).toBeGreaterThan(10)
    expect(joined(segments)).toBe(hex(input))
  })

  test("every segment ends just after a newline and is at least the target size, except the last", () => {
    const input = logInput(200)
    const segments = segment(input, TARGET)
    for (const s of segments.slice(0, -1)) {
      expect(s.bytes[s.bytes.length - 1]).toBe(0x0a)
      expect(s.bytes.length).toBeGreaterThanOrEqual(TARGET)
      // The cut is the first newline at or after the target: no newline before it past target-1.
      expect(s.bytes.subarray(TARGET - 1, s.bytes.length - 1).includes(0x0a)).toBe(false)
    }
  })

  test("indices run 0..n-1 and only the final segment is flagged last", () => {
    const segments = segment(logInput(200), TARGET)
    expect(segments.map((s) => s.index)).toEqual(segments.map((_, i) => i))
    expect(segments.map((s) => s.last)).toEqual(segments.map((_, i) => i === segments.length - 1))
  })

  test("boundaries do not depend on how the input was chunked", () => {
    for (const trailingNewline of [true, false]) {
      const input = logInput(300, trailingNewline)
      const reference = shape(segment(input, TARGET))
      for (const chunk of [1, 7, 4096]) expect(shape(segment(input, TARGET, chunk))).toEqual(reference)
    }
  })

  test("segments flagged last arrive only from end(), so a consumer can flag the final block", () => {
    const s = new Segmenter(TARGET)
    const input = logInput(100)
    const early: Array<Segment> = []
    for (let i = 0; i < input.length; i += 16) early.push(...s.push(input.slice(i, i + 16)))
    expect(early.every((seg) => !seg.last)).toBe(true)
    const final = s.end()
    expect(final.length).toBe(1)
    expect(final[0]!.last).toBe(true)
    expect(final[0]!.index).toBe(early.length)
  })

  test("input without trailing newline: the last segment holds the unterminated tail", () => {
    const input = logInput(100, false)
    const segments = segment(input, TARGET)
    expect(joined(segments)).toBe(hex(input))
    const last = segments[segments.length - 1]!
    expect(last.last).toBe(true)
    expect(last.bytes[last.bytes.length - 1]).not.toBe(0x0a)
    expect(new TextDecoder().decode(last.bytes)).toEndWith(`\n0099 INFO req=${(99 * 7919) % 1000} é日 ${"x".repeat((99 * 37) % 50)}`)
  })

  test("a line longer than 4× target is cut at a UTF-8 character boundary", () => {
    // No newline at all, 3-byte characters offset by 1 and 2 ASCII bytes so a naive cut at
    // 4×target would land inside a character.
    for (const prefix of ["", "a", "ab"]) {
      const input = utf8(prefix + "€日".repeat(400))
      const segments = segment(input, TARGET)
      expect(joined(segments)).toBe(hex(input))
      expect(segments.length).toBeGreaterThan(1)
      const strict = new TextDecoder("utf-8", { fatal: true })
      for (const s of segments) {
        expect(s.bytes.length).toBeLessThanOrEqual(4 * TARGET)
        expect(() => strict.decode(s.bytes)).not.toThrow()
      }
      for (const s of segments.slice(0, -1)) expect(s.bytes.length).toBeGreaterThan(4 * TARGET - 4)
    }
  })

  test("a long line does not swallow the newline-cut of the lines after it", () => {
    const input = utf8("é".repeat(300) + "\n" + "short line\n".repeat(30))
    const segments = segment(input, TARGET)
    expect(joined(segments)).toBe(hex(input))
    const strict = new TextDecoder("utf-8", { fatal: true })
    for (const s of segments) expect(() => strict.decode(s.bytes)).not.toThrow()
    // The long line is cut in pieces of at most 4×target; once it ends, cuts are back on newlines.
    const endsLine = (s: { bytes: Uint8Array }) => s.bytes[s.bytes.length - 1] === 0x0a
    const first = segments.findIndex(endsLine)
    expect(segments.slice(0, first).every((s) => s.bytes.length <= 4 * TARGET)).toBe(true)
    expect(segments.slice(first, -1).every(endsLine)).toBe(true)
  })

  test("where a long line is cut does not depend on how the input was chunked", () => {
    for (const text of ["x".repeat(1000) + "\nshort\n", "€".repeat(400), "a".repeat(300) + "\n" + "b".repeat(700)]) {
      const input = utf8(text)
      const reference = segment(input, TARGET).map((s) => hex(s.bytes))
      for (const size of [1, 7, 4096]) expect(segment(input, TARGET, size).map((s) => hex(s.bytes))).toEqual(reference)
    }
  })
})
