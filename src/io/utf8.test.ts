import { describe, expect, test } from "bun:test"
import { decodeLossless, encodeLossless, hasEscapedBytes } from "./utf8.ts"
import { prng } from "../../test/support/random.ts"

const bytes = (...b: ReadonlyArray<number>): Uint8Array => Uint8Array.from(b)
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")

/** Asserts decode → encode gives back exactly `input`, and returns the decoded text. */
const roundTrip = (input: Uint8Array): string => {
  const text = decodeLossless(input)
  expect(hex(encodeLossless(text))).toBe(hex(input))
  return text
}


describe("valid UTF-8 decodes as usual", () => {
  test("ASCII", () => {
    const text = roundTrip(utf8("hello, world\n\ttab\r\n"))
    expect(text).toBe("hello, world\n\ttab\r\n")
    expect(hasEscapedBytes(text)).toBe(false)
  })

  test("multibyte: accents, CJK, emoji", () => {
    const original = "café — 日本語のテキスト 🚀👩‍💻 naïve"
    const text = roundTrip(utf8(original))
    expect(text).toBe(original)
    expect(hasEscapedBytes(text)).toBe(false)
  })

  test("an astral character whose low surrogate lies in the escape range is not mistaken for an escape", () => {
    // U+10080 is "\uD800\uDC80" in UTF-16: its low half is in U+DC80–U+DCFF.
    const input = bytes(0xf0, 0x90, 0x82, 0x80)
    const text = roundTrip(input)
    expect(text).toBe("\u{10080}")
    expect(hasEscapedBytes(text)).toBe(false)
  })

  test("empty input", () => {
    expect(roundTrip(new Uint8Array(0))).toBe("")
  })
})

describe("invalid bytes become one escape each and encode back to themselves", () => {
  const cases: ReadonlyArray<[string, Uint8Array, string]> = [
    ["0xff", bytes(0xff), "\uDCFF"],
    ["0xfe", bytes(0xfe), "\uDCFE"],
    ["lone continuation byte 0x80", bytes(0x80), "\uDC80"],
    ["truncated 2-byte sequence at the end", bytes(0x61, 0xc3), "a\uDCC3"],
    ["truncated 3-byte sequence at the end", bytes(0x61, 0xe2, 0x82), "a\uDCE2\uDC82"],
    ["truncated 4-byte sequence at the end", bytes(0x61, 0xf0, 0x9f, 0x98), "a\uDCF0\uDC9F\uDC98"],
    ["overlong encoding of '/' (0xc0 0xaf)", bytes(0xc0, 0xaf), "\uDCC0\uDCAF"],
    ["overlong 3-byte encoding (0xe0 0x80 0xaf)", bytes(0xe0, 0x80, 0xaf), "\uDCE0\uDC80\uDCAF"],
    ["encoded UTF-16 surrogate (0xed 0xa0 0x80)", bytes(0xed, 0xa0, 0x80), "\uDCED\uDCA0\uDC80"],
    ["above U+10FFFF (0xf4 0x90 0x80 0x80)", bytes(0xf4, 0x90, 0x80, 0x80), "\uDCF4\uDC90\uDC80\uDC80"],
    ["lead byte followed by ASCII", bytes(0xe2, 0x41, 0x42), "\uDCE2AB"],
  ]
  for (const [name, input, expected] of cases) {
    test(name, () => {
      const text = roundTrip(input)
      expect(text).toBe(expected)
      expect(hasEscapedBytes(text)).toBe(true)
    })
  }

  test("valid text around invalid bytes is decoded normally", () => {
    const input = concat(utf8("ok é "), bytes(0xff, 0xfe), utf8(" 日本 "), bytes(0x80), utf8("🚀"), bytes(0xc3))
    const text = roundTrip(input)
    expect(text).toBe("ok é \uDCFF\uDCFE 日本 \uDC80🚀\uDCC3")
  })

  test("a valid surrogate pair (emoji) right next to escaped bytes", () => {
    for (const input of [
      concat(utf8("😀"), bytes(0xff)),
      concat(bytes(0xff), utf8("😀")),
      concat(bytes(0x80), utf8("😀"), bytes(0x80)),
      concat(utf8("\u{10080}"), bytes(0x80)), // low surrogate U+DC80 followed by escaped 0x80 (also U+DC80)
      concat(bytes(0xed), utf8("\u{10080}")),
    ]) {
      const text = roundTrip(input)
      expect(hasEscapedBytes(text)).toBe(true)
    }
    expect(decodeLossless(concat(utf8("\u{10080}"), bytes(0x80)))).toBe("\uD800\uDC80\uDC80")
  })
})

describe("hasEscapedBytes", () => {
  test("false for ordinary text, including emoji", () => {
    expect(hasEscapedBytes("")).toBe(false)
    expect(hasEscapedBytes("plain text")).toBe(false)
    expect(hasEscapedBytes("😀 \u{10080} \u{100FF}")).toBe(false)
  })

  test("true for a lone low surrogate in U+DC80–U+DCFF", () => {
    expect(hasEscapedBytes("a\uDC80b")).toBe(true)
    expect(hasEscapedBytes("\uDCFF")).toBe(true)
    expect(hasEscapedBytes("😀\uDCFF")).toBe(true)
  })

  test("false for a lone surrogate outside the escape range", () => {
    expect(hasEscapedBytes("\uDC00")).toBe(false)
    expect(hasEscapedBytes("\uD800")).toBe(false)
  })
})

describe("property: every byte sequence round-trips exactly", () => {
  // Pieces that make random inputs hit the interesting paths: valid sequences of every length,
  // their truncations, overlongs, surrogates, out-of-range and bare continuation bytes.
  const FRAGMENTS: ReadonlyArray<ReadonlyArray<number>> = [
    [0x41],
    [0x0a],
    [0xc3, 0xa9],
    [0xe6, 0x97, 0xa5],
    [0xf0, 0x9f, 0x98, 0x80],
    [0xf0, 0x90, 0x82, 0x80],
    [0xf4, 0x8f, 0xbf, 0xbf],
    [0xc3],
    [0xe6, 0x97],
    [0xf0, 0x9f, 0x98],
    [0xc0, 0xaf],
    [0xe0, 0x80, 0xaf],
    [0xed, 0xa0, 0x80],
    [0xed, 0x9f, 0xbf],
    [0xf4, 0x90, 0x80, 0x80],
    [0xf5, 0x80, 0x80, 0x80],
    [0x80],
    [0xbf],
    [0xff],
  ]

  test("3,000 random inputs (uniform bytes and mixed fragments)", () => {
    const random = prng(0x5eed)
    for (let n = 0; n < 3000; n++) {
      const length = Math.floor(random() * 64)
      const out: Array<number> = []
      if (n % 2 === 0) {
        for (let i = 0; i < length; i++) out.push(Math.floor(random() * 256))
      } else {
        while (out.length < length) out.push(...FRAGMENTS[Math.floor(random() * FRAGMENTS.length)]!)
      }
      const input = Uint8Array.from(out)
      const text = decodeLossless(input)
      const back = encodeLossless(text)
      if (hex(back) !== hex(input)) expect(`${hex(back)} for input ${hex(input)}`).toBe(hex(input))
      // Escapes appear exactly when the input was not valid UTF-8.
      let valid = true
      try {
        new TextDecoder("utf-8", { fatal: true }).decode(input)
      } catch {
        valid = false
      }
      if (hasEscapedBytes(text) === valid) expect(`hasEscapedBytes=${hasEscapedBytes(text)} for ${hex(input)}`).toBe("")
    }
  })

  test("valid UTF-8 decodes exactly like TextDecoder", () => {
    const random = prng(42)
    const decoder = new TextDecoder()
    for (let n = 0; n < 500; n++) {
      let s = ""
      const length = Math.floor(random() * 20)
      for (let i = 0; i < length; i++) {
        // Any scalar value: skip the surrogate block.
        let cp = Math.floor(random() * 0x110000)
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0x41
        s += String.fromCodePoint(cp)
      }
      const input = utf8(s)
      expect(decodeLossless(input)).toBe(decoder.decode(input))
      expect(hex(encodeLossless(s))).toBe(hex(input))
    }
  })
})
