import { cleanLine } from "./clean.ts"
import { isBlank } from "./classify.ts"
import { hashSignature, signatureOf } from "./templates.ts"
import { splitLines } from "../../strings/lines.ts"

/**
 * The costliest stateless part of the analysis, which a worker thread may run ahead for the
 * next block: the hash of every line's signature (0 for blank lines). Numbers in a typed array
 * cross threads almost for free; the main thread then builds signature strings only for the few
 * it has never seen.
 */
export interface PreparedLines {
  readonly hashes: Float64Array
}

export const prepareLines = (text: string): PreparedLines => {
  const lines = splitLines(text)
  const hashes = new Float64Array(lines.length)
  for (let i = 0; i < lines.length; i++) {
    const line = cleanLine(lines[i]!)
    if (!isBlank(line)) hashes[i] = hashSignature(signatureOf(line))
  }
  return { hashes }
}
