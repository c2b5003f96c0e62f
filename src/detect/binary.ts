/**
 * Binary sniffing. Only NUL, C0 control bytes and well-known magic numbers count as evidence:
 * invalid UTF-8 alone never does, because legacy encodings (Latin-1, GBK, Shift-JIS) are text
 * that is mostly "invalid" UTF-8.
 */

export const SNIFF_BYTES = 8 * 1024
/**
 * Share of disallowed control bytes above which content is binary. High on purpose: real binary
 * data nearly always has a NUL within 8 KiB anyway, while text can carry some controls (man-page
 * backspace overstrike, stray form feeds).
 */
const CONTROL_SHARE = 0.3

// Signatures that are not already caught by a NUL in the first bytes (or are cheap to name).
const MAGIC: ReadonlyArray<{ readonly at: number; readonly bytes: ReadonlyArray<number> }> = [
  { at: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] }, // PNG
  { at: 0, bytes: [0xff, 0xd8, 0xff] }, // JPEG
  { at: 0, bytes: [0x47, 0x49, 0x46, 0x38, 0x37, 0x61] }, // GIF87a
  { at: 0, bytes: [0x47, 0x49, 0x46, 0x38, 0x39, 0x61] }, // GIF89a
  { at: 0, bytes: [0x50, 0x4b, 0x03, 0x04] }, // ZIP, JAR, DOCX, APK
  { at: 0, bytes: [0x50, 0x4b, 0x05, 0x06] }, // empty ZIP
  { at: 0, bytes: [0x50, 0x4b, 0x07, 0x08] }, // spanned ZIP
  { at: 0, bytes: [0x1f, 0x8b] }, // gzip
  { at: 0, bytes: [0x42, 0x5a, 0x68] }, // bzip2 "BZh" (checked with its block magic below)
  { at: 0, bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] }, // xz
  { at: 0, bytes: [0x28, 0xb5, 0x2f, 0xfd] }, // zstd
  { at: 0, bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] }, // 7z
  { at: 0, bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07] }, // RAR
  { at: 0, bytes: [0x04, 0x22, 0x4d, 0x18] }, // LZ4 frame
  { at: 0, bytes: [0x7f, 0x45, 0x4c, 0x46] }, // ELF
  { at: 0, bytes: [0xca, 0xfe, 0xba, 0xbe] }, // Java class, Mach-O fat
  { at: 0, bytes: [0xfe, 0xed, 0xfa, 0xce] }, // Mach-O 32
  { at: 0, bytes: [0xfe, 0xed, 0xfa, 0xcf] }, // Mach-O 64
  { at: 0, bytes: [0xce, 0xfa, 0xed, 0xfe] }, // Mach-O 32 LE
  { at: 0, bytes: [0xcf, 0xfa, 0xed, 0xfe] }, // Mach-O 64 LE
  { at: 0, bytes: [0x00, 0x61, 0x73, 0x6d] }, // WebAssembly
  { at: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // PDF "%PDF-": text header, binary body
  { at: 0, bytes: [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66, 0x6f, 0x72, 0x6d, 0x61, 0x74] }, // SQLite
  { at: 0, bytes: [0x49, 0x49, 0x2a, 0x00] }, // TIFF LE
  { at: 0, bytes: [0x4d, 0x4d, 0x00, 0x2a] }, // TIFF BE
  { at: 0, bytes: [0x4f, 0x67, 0x67, 0x53, 0x00] }, // Ogg
  { at: 0, bytes: [0x66, 0x4c, 0x61, 0x43] }, // FLAC
  { at: 0, bytes: [0x77, 0x4f, 0x46, 0x46] }, // WOFF
  { at: 0, bytes: [0x77, 0x4f, 0x46, 0x32] }, // WOFF2
  { at: 0, bytes: [0x50, 0x41, 0x52, 0x31] }, // Parquet
  { at: 4, bytes: [0x66, 0x74, 0x79, 0x70] }, // MP4 / MOV / HEIC "ftyp"
  { at: 257, bytes: [0x75, 0x73, 0x74, 0x61, 0x72] }, // tar "ustar"
]

// Allowed controls: \t \n \v \f \r and ESC (ANSI colours in logs).
const isDisallowedControl = (b: number): boolean =>
  (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) ||
  b === 0x7f

type ByteAt = (i: number) => number

const hasMagic = (at: ByteAt, length: number): boolean => {
  for (const m of MAGIC) {
    if (m.at + m.bytes.length > length) continue
    let ok = true
    for (let i = 0; i < m.bytes.length; i++) {
      if (at(m.at + i) !== m.bytes[i]) {
        ok = false
        break
      }
    }
    if (!ok) continue
    // "BZh" starts ordinary words too; require the level digit and the block magic "1AY&SY".
    if (m.bytes[0] === 0x42 && m.bytes[1] === 0x5a) {
      const level = at(3)
      if (!(level >= 0x31 && level <= 0x39 && length >= 10 && at(4) === 0x31 && at(5) === 0x41)) continue
    }
    return true
  }
  return false
}

const controlVerdict = (at: ByteAt, length: number): boolean => {
  let control = 0
  for (let i = 0; i < length; i++) {
    const b = at(i)
    if (b === 0) return true
    if (isDisallowedControl(b)) control++
  }
  return length > 0 && control / length > CONTROL_SHARE
}

/**
 * Binary sniff on raw bytes (first 8 KiB): a well-known magic number (PNG, ZIP/JAR, gzip, ELF,
 * PDF, …), a NUL byte, or a high share of control bytes other than \t \n \v \f \r and ESC.
 * UTF-8 text with emoji or CJK is not binary, nor is text with some invalid UTF-8 bytes.
 */
export const looksBinary = (bytes: Uint8Array): boolean => {
  const length = Math.min(bytes.length, SNIFF_BYTES)
  const at: ByteAt = (i) => bytes[i] ?? 0
  return hasMagic(at, length) || controlVerdict(at, length)
}

/**
 * The same sniff on decoded text. Lone surrogates U+DC80–U+DCFF stand for invalid input bytes
 * (see src/io/utf8.ts) and are mapped back to those bytes, so magic numbers still match; other
 * characters above U+00FF can never be part of a signature or a control byte.
 */
export const textLooksBinary = (text: string): boolean => {
  const length = Math.min(text.length, SNIFF_BYTES)
  const at: ByteAt = (i) => {
    const c = text.charCodeAt(i)
    return c >= 0xdc80 && c <= 0xdcff ? c - 0xdc00 : c > 0xff ? 0x100 : c
  }
  return hasMagic(at, length) || controlVerdict(at, length)
}
