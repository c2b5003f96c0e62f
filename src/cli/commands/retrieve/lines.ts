/**
 * Lines `from`..`to` (1-based, inclusive) of `bytes`, each with its own line terminator, exactly
 * as stored. `to` past the end is clamped; `from` past the end gives undefined.
 */
export const sliceLines = (bytes: Uint8Array, from: number, to: number): Uint8Array | undefined => {
  let line = 1
  let start = from === 1 ? 0 : -1
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue
    line++
    if (line === from) start = i + 1
    if (line === to + 1) return bytes.subarray(start, i + 1)
  }
  if (start === -1 || start > bytes.length || (start === bytes.length && from > 1)) return undefined
  return bytes.subarray(start)
}
