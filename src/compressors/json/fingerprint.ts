/**
 * Content fingerprints of subtrees: equal values get equal fingerprints, so repeated items and
 * constant columns are found without serializing anything. 53 bits from two independent 32-bit
 * hashes; callers that state an equality to the reader confirm it with `sameValue`.
 */
import { serializeValue } from "./serialize.ts"
import { canonicalString, isScalar, type JsonNode, type Print } from "./tree.ts"

// The running state of `mix`: two 32-bit hashes (module-level, so hashing allocates nothing).
let h1 = 0
let h2 = 0

const mix = (text: string) => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
}

const combine = (a: number, b: number): number => (a >>> 0) * 0x200000 + (b >>> 11)

const scalarText = (scalar: string): string => (scalar.charCodeAt(0) === 0x22 ? canonicalString(scalar) : scalar)

/** Fingerprint of a value; containers keep theirs. Recursive: only for trees of bounded depth. */
export const fingerprint = (node: JsonNode): Print => {
  if (isScalar(node)) {
    const text = scalarText(node)
    h1 = 0x811c9dc5
    h2 = 0x2f7a3b1d
    mix(text)
    return { hash: combine(h1, h2), size: text.length }
  }
  if (node.print !== undefined) return node.print
  const object = node.kind === "object"
  const children = object ? node.values : node.items
  // Children first: hashing a child uses the shared state.
  const hashes = new Float64Array(children.length)
  let size = 2 + Math.max(0, children.length - 1)
  for (let i = 0; i < children.length; i++) {
    const child = fingerprint(children[i]!)
    hashes[i] = child.hash
    size += child.size
  }
  h1 = object ? 0x7b : 0x5b
  h2 = h1 * 31
  for (let i = 0; i < children.length; i++) {
    if (object) {
      const key = canonicalString(node.keys[i]!)
      mix(key)
      size += key.length + 1
    }
    const hash = hashes[i]!
    h1 = Math.imul(h1 ^ (hash % 0x100000000), 0x01000193)
    h2 = Math.imul(h2 ^ Math.floor(hash / 0x100000000), 0x5bd1e995)
    h2 = Math.imul(h2 ^ (h2 >>> 13), 0x85ebca6b) ^ i
  }
  node.print = { hash: combine(h1, h2), size }
  return node.print
}

/** Exact equality of two values (as canonical JSON). */
export const sameValue = (a: JsonNode, b: JsonNode): boolean =>
  a === b || (fingerprint(a).hash === fingerprint(b).hash && serializeValue(a, { canonical: true }) === serializeValue(b, { canonical: true }))
