import { detach } from "../strings/detach.ts"

/**
 * Byte-pair-encoding token counter over js-tiktoken's rank tables.
 *
 * js-tiktoken's own `encode` keys its rank map by comma-joined byte lists and merges in O(n²)
 * with array splices (~4 MB/s here). Counting sits on the hot path of every gate decision, so
 * this counter keeps the ranks in a flat open-addressing table (typed arrays: small, nothing for
 * the garbage collector to walk), looks byte ranges up without slicing, merges with a heap and
 * memoises piece counts. Counts are identical to js-tiktoken's (checked in index.test.ts).
 */

export interface RankTable {
  readonly pat_str: string
  readonly special_tokens: Record<string, number>
  readonly bpe_ranks: string
}

const PIECE_CACHE_LIMIT = 32_768
const FNV_OFFSET = 0x811c9dc5
const FNV_PRIME = 0x01000193

export class BpeCounter {
  private readonly pattern: RegExp
  private readonly ranks: FlatRanks
  private cache = new Map<string, number>()
  private scratch = new Uint8Array(1024)
  private readonly encoder = new TextEncoder()

  constructor(table: RankTable) {
    this.pattern = new RegExp(table.pat_str, "gu")
    this.ranks = new FlatRanks(table.bpe_ranks)
  }

  /** Number of tokens in `text` (special-token strings count as ordinary text). */
  count(text: string): number {
    let total = 0
    const pattern = this.pattern
    pattern.lastIndex = 0
    for (let m = pattern.exec(text); m !== null; m = pattern.exec(text)) total += this.countPiece(m[0])
    return total
  }

  private countPiece(piece: string): number {
    const cached = this.cache.get(piece)
    if (cached !== undefined) return cached
    if (piece.length * 3 > this.scratch.length) this.scratch = new Uint8Array(piece.length * 3 + 16)
    const length = this.encoder.encodeInto(piece, this.scratch).written
    const n = this.ranks.rank(this.scratch, 0, length) >= 0 ? 1 : this.mergeCount(this.scratch, length)
    if (this.cache.size >= PIECE_CACHE_LIMIT) this.cache = new Map()
    // `piece` is a slice of the counted text and would keep all of it alive; cache a copy.
    this.cache.set(detach(piece), n)
    return n
  }

  /** Runs the BPE merges on `bytes[0, n)` and returns how many parts remain. */
  private mergeCount(bytes: Uint8Array, n: number): number {
    if (n <= 1) return n
    // Linked list of part starts; `rankAt[i]` is the rank of merging part i with its successor.
    const next = new Int32Array(n)
    const prev = new Int32Array(n)
    const end = new Int32Array(n)
    const rankAt = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1
      prev[i] = i - 1
      end[i] = i + 1
    }
    const pairRank = (i: number): number => {
      const j = next[i]!
      if (j < 0) return Infinity
      const r = this.ranks.rank(bytes, i, end[j]!)
      return r < 0 ? Infinity : r
    }
    const heap = new MinHeap()
    for (let i = 0; i < n - 1; i++) {
      rankAt[i] = pairRank(i)
      if (rankAt[i] !== Infinity) heap.push(rankAt[i]!, i)
    }
    rankAt[n - 1] = Infinity
    let parts = n
    while (heap.size > 0) {
      const [rank, i] = heap.pop()
      if (rankAt[i] !== rank || end[i] === 0) continue // stale entry
      const j = next[i]!
      end[i] = end[j]!
      next[i] = next[j]!
      if (next[j]! >= 0) prev[next[j]!] = i
      end[j] = 0
      rankAt[j] = Infinity
      parts--
      rankAt[i] = pairRank(i)
      if (rankAt[i] !== Infinity) heap.push(rankAt[i]!, i)
      const p = prev[i]!
      if (p >= 0) {
        rankAt[p] = pairRank(p)
        if (rankAt[p] !== Infinity) heap.push(rankAt[p]!, p)
      }
    }
    return parts
  }
}

/** Token byte strings in one buffer, found by FNV-1a hash with linear probing. */
class FlatRanks {
  private readonly bytes: Uint8Array
  private readonly offsets: Uint32Array
  private readonly lengths: Uint32Array
  private readonly slots: Int32Array
  private readonly mask: number

  constructor(bpeRanks: string) {
    const lines = bpeRanks.split("\n")
    let tokens = 0
    let byteLength = 0
    for (const line of lines) {
      if (line.length === 0) continue
      const fields = line.split(" ")
      tokens = Math.max(tokens, Number.parseInt(fields[1]!, 10) + fields.length - 2)
      for (let i = 2; i < fields.length; i++) byteLength += (fields[i]!.length * 3) >> 2
    }
    this.bytes = new Uint8Array(byteLength)
    this.offsets = new Uint32Array(tokens + 1)
    const lengths = new Uint32Array(tokens)
    const starts = new Uint32Array(tokens)
    let size = 1
    while (size < tokens * 2) size <<= 1
    this.slots = new Int32Array(size).fill(-1)
    this.mask = size - 1
    let cursor = 0
    for (const line of lines) {
      if (line.length === 0) continue
      const fields = line.split(" ")
      const offset = Number.parseInt(fields[1]!, 10)
      for (let i = 2; i < fields.length; i++) {
        const rank = offset + i - 2
        const written = decodeBase64(fields[i]!, this.bytes, cursor)
        starts[rank] = cursor
        lengths[rank] = written
        cursor += written
      }
    }
    for (let rank = 0; rank < tokens; rank++) {
      this.offsets[rank] = starts[rank]!
      let slot = hash(this.bytes, starts[rank]!, starts[rank]! + lengths[rank]!) & this.mask
      while (this.slots[slot] !== -1) slot = (slot + 1) & this.mask
      this.slots[slot] = rank
    }
    this.offsets[tokens] = cursor
    this.lengths = lengths
  }

  /** Rank of the byte string `key[start, end)`, or -1. */
  rank(key: Uint8Array, start: number, end: number): number {
    const length = end - start
    let slot = hash(key, start, end) & this.mask
    for (;;) {
      const rank = this.slots[slot]!
      if (rank === -1) return -1
      if (this.lengths[rank] === length && this.equals(rank, key, start, length)) return rank
      slot = (slot + 1) & this.mask
    }
  }

  private equals(rank: number, key: Uint8Array, start: number, length: number): boolean {
    const at = this.offsets[rank]!
    for (let k = 0; k < length; k++) if (this.bytes[at + k] !== key[start + k]) return false
    return true
  }
}

const hash = (bytes: Uint8Array, start: number, end: number): number => {
  let h = FNV_OFFSET
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, FNV_PRIME)
  return h >>> 0
}

const BASE64 = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) BASE64["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".charCodeAt(i)] = i

/** Decodes standard base64 `text` into `out` at `at`; returns the number of bytes written. */
const decodeBase64 = (text: string, out: Uint8Array, at: number): number => {
  let bits = 0
  let value = 0
  let written = 0
  for (let i = 0; i < text.length; i++) {
    const v = BASE64[text.charCodeAt(i)]!
    if (v < 0) break // padding
    value = (value << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      out[at + written++] = (value >> bits) & 0xff
    }
  }
  return written
}

/** Binary min-heap of (rank, position); ties break on position so merges follow tiktoken's leftmost rule. */
class MinHeap {
  private ranks: Array<number> = []
  private pos: Array<number> = []
  get size(): number {
    return this.ranks.length
  }
  push(rank: number, p: number): void {
    const r = this.ranks
    const q = this.pos
    let i = r.length
    r.push(rank)
    q.push(p)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (less(r[parent]!, q[parent]!, rank, p)) break
      r[i] = r[parent]!
      q[i] = q[parent]!
      i = parent
    }
    r[i] = rank
    q[i] = p
  }
  pop(): [number, number] {
    const r = this.ranks
    const q = this.pos
    const top: [number, number] = [r[0]!, q[0]!]
    const lastR = r.pop()!
    const lastP = q.pop()!
    const n = r.length
    if (n > 0) {
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        if (l >= n) break
        const c = l + 1 < n && less(r[l + 1]!, q[l + 1]!, r[l]!, q[l]!) ? l + 1 : l
        if (less(lastR, lastP, r[c]!, q[c]!)) break
        r[i] = r[c]!
        q[i] = q[c]!
        i = c
      }
      r[i] = lastR
      q[i] = lastP
    }
    return top
  }
}
const less = (r1: number, p1: number, r2: number, p2: number): boolean => r1 < r2 || (r1 === r2 && p1 < p2)
