/**
 * Lossless UTF-8 ("surrogateescape"): bytes that are not valid UTF-8 decode to lone surrogates
 * U+DC80–U+DCFF, one per byte, and encode back to the same bytes. Valid UTF-8 can never produce
 * a lone surrogate, so the mapping is unambiguous and every input round-trips byte for byte.
 */

const strict = new TextDecoder("utf-8", { fatal: true })
const encoder = new TextEncoder()
const ESCAPE_BASE = 0xdc00
// A low surrogate in the escape range that is not preceded by a high surrogate.
const ESCAPED_BYTE = /(?<![\uD800-\uDBFF])[\uDC80-\uDCFF]/

export const decodeLossless = (bytes: Uint8Array): string => {
  try {
    return strict.decode(bytes)
  } catch {
    return decodeEscaping(bytes)
  }
}

export const encodeLossless = (text: string): Uint8Array => {
  if (!hasEscapedBytes(text)) return encoder.encode(text)
  const out: Array<Uint8Array> = []
  let runStart = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0xdc80 && c <= 0xdcff && !(i > 0 && isHighSurrogate(text.charCodeAt(i - 1)))) {
      if (i > runStart) out.push(encoder.encode(text.slice(runStart, i)))
      out.push(Uint8Array.of(c - ESCAPE_BASE))
      runStart = i + 1
    }
  }
  if (runStart < text.length) out.push(encoder.encode(text.slice(runStart)))
  return concatBytes(out)
}

/** True when `text` holds bytes that were not valid UTF-8 on input. */
// isWellFormed is O(1) for most strings (the engine knows a string has no surrogates at all).
export const hasEscapedBytes = (text: string): boolean => !text.isWellFormed() && ESCAPED_BYTE.test(text)

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff

export const concatBytes = (parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  if (parts.length === 1) return parts[0]!
  let length = 0
  for (const p of parts) length += p.length
  const out = new Uint8Array(length)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Slow path: decodes valid sequences, escapes every byte that does not start one. */
const decodeEscaping = (bytes: Uint8Array): string => {
  const parts: Array<string> = []
  let validStart = 0
  let i = 0
  const flushValid = (end: number) => {
    if (end > validStart) parts.push(strict.decode(bytes.subarray(validStart, end)))
  }
  while (i < bytes.length) {
    const length = sequenceLength(bytes, i)
    if (length > 0) {
      i += length
      continue
    }
    flushValid(i)
    parts.push(String.fromCharCode(ESCAPE_BASE + bytes[i]!))
    i += 1
    validStart = i
  }
  flushValid(bytes.length)
  return parts.join("")
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 if none starts there. */
const sequenceLength = (b: Uint8Array, i: number): number => {
  const b0 = b[i]!
  if (b0 < 0x80) return 1
  const cont = (k: number) => i + k < b.length && (b[i + k]! & 0xc0) === 0x80
  if (b0 >= 0xc2 && b0 <= 0xdf) return cont(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    if (!cont(1) || !cont(2)) return 0
    const b1 = b[i + 1]!
    if (b0 === 0xe0 && b1 < 0xa0) return 0 // overlong
    if (b0 === 0xed && b1 >= 0xa0) return 0 // UTF-16 surrogate
    return 3
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0
    const b1 = b[i + 1]!
    if (b0 === 0xf0 && b1 < 0x90) return 0 // overlong
    if (b0 === 0xf4 && b1 >= 0x90) return 0 // above U+10FFFF
    return 4
  }
  return 0
}
