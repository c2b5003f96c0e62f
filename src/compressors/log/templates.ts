/**
 * Groups log lines into templates in two steps.
 *
 * 1. Signature: volatile tokens are masked (hex ids, UUIDs, then every digit run), so lines that
 *    differ only in numbers, times or ids share a signature: an O(1) map lookup per line.
 * 2. Clusters (Drain-style, online): a new signature joins the most similar cluster of the same
 *    token count when enough of its *informative* tokens (ones with letters) agree; positions that
 *    differ become wildcards. Header tokens that are all placeholders don't count, so timestamps
 *    can't make unrelated messages look alike.
 *
 * A wildcard slot that only ever takes a few distinct values (an interface name, a reason code) is
 * part of the message, not a variable: groups are clusters refined by those categorical values.
 * That keeps "Frequent transitions for interface awdl0" apart from "... en0", while the hostnames
 * and user names of a slot with many values fold into one group.
 */

import { detach } from "../../strings/detach.ts"

const SIGNATURE_CHARS = 512
const HEX_TOKEN =
  /\b(?=[0-9a-fA-F:.-]*[a-fA-F])(?=[0-9a-fA-F:.-]*\d)[0-9a-fA-F][0-9a-fA-F:.-]{6,}[0-9a-fA-F]\b|\b0x[0-9a-fA-F]+\b/g
// Long tokens mixing letters and digits are ids (request ids, users, hosts, attempts), whole;
// short ones keep their letters ("en0" and "awdl0" are different interfaces).
const ID_TOKEN = /\b(?=[\w-]{8,})(?=[A-Za-z_-]*\d)(?=[\d_-]*[A-Za-z])[\w-]+/g
const DIGITS = /-?\d+(?:[.,]\d+)*/g
export const WILDCARD = "<*>"

/** Similarity (share of informative tokens that agree) needed to join a cluster. */
const SIMILARITY = 0.6
/** A slot with at most this many distinct values is categorical (part of the group's identity). */
const CATEGORICAL_VALUES = 8
/** Bounds that keep memory flat on unbounded input. */
const MAX_CLUSTERS_PER_TOKEN = 400
const MAX_SIGNATURES = 50_000

export const signatureOf = (line: string): string => {
  let head = line.length > SIGNATURE_CHARS ? `${line.slice(0, SIGNATURE_CHARS)}…` : line
  // Spinner frames ("⠋ Installing", "⠙ Installing") are one line redrawn.
  if (SPINNER.test(head)) head = `⠿${head.slice(1)}`
  // Hex and id tokens have a letter right next to a digit; most lines have none, so skip the
  // costlier passes (each would copy the line) unless the cheap test says there may be one.
  if (LETTER_BY_DIGIT.test(head)) head = head.replace(HEX_TOKEN, "<h>").replace(ID_TOKEN, "<id>")
  return head.replace(DIGITS, "<n>")
}

const SPINNER = /^[\u2800-\u28ff◐◓◑◒◴◷◶◵]/
const LETTER_BY_DIGIT = /[A-Za-z_][-_.:]*\d|\d[-_.:]*[A-Za-z_]/

const PLACEHOLDERS = /<(?:n|h|id)>/g
const PLACEHOLDER = /<(?:n|h|id|\*)>/
const LETTERS = /[A-Za-z]{2}/
const isInformative = (token: string): boolean => LETTERS.test(token.replace(PLACEHOLDERS, ""))

export interface Cluster {
  readonly id: number
  tokens: Array<string>
  /** Which template tokens carry letters (wildcards do not); kept in step with `tokens`. */
  informative: Array<boolean>
  /** Signatures that joined this cluster, for slot statistics. */
  readonly members: Array<SignatureEntry>
  /** Wildcard slots that take few distinct values, from the last `refreshGroups`. */
  categorical: ReadonlyArray<boolean>
  /** The last block that touched this cluster. */
  block: number
  /** A member joined since the last `refreshGroups`: slot statistics may have changed. */
  stale: boolean
}

// Entries are many and long-lived: they keep only the signature (tokens are split again when a
// group is refreshed), so the collector has few objects to walk.
export interface SignatureEntry {
  readonly signature: string
  readonly cluster: Cluster
  /** Lines seen with this signature so far, across segments. */
  count: number
  /** Lines with this signature in the current block, and the index of the last; see `block`. */
  blockCount: number
  lastInBlock: number
  /** The block these counts belong to. */
  block: number
  /** Group key, set by `refreshGroups`. */
  key: string
  /**
   * What the caller learned from the first line with this signature (line classes). Lines that
   * share a signature differ only in masked values, so it holds for all of them.
   */
  flags: number
}

/**
 * A 53-bit hash of a signature (two 32-bit FNV-style hashes). Entries are found by it, so a
 * worker thread can hand over numbers instead of strings. Tens of thousands of signatures collide
 * with odds around one in ten million, and a collision would only put two line shapes in one group.
 */
export const hashSignature = (signature: string): number => {
  let a = 0x811c9dc5
  let b = 0x9747b28c
  for (let i = 0; i < signature.length; i++) {
    const c = signature.charCodeAt(i)
    a = Math.imul(a ^ c, 0x01000193)
    b = Math.imul(b ^ c, 0x5bd1e995)
  }
  return (a >>> 0) * 0x200000 + (b >>> 11)
}

export class TemplateMiner {
  private readonly bySignature = new Map<number, SignatureEntry>()
  private readonly byLength = new Map<number, Bucket>()
  private nextId = 0

  /** The entry for a signature. */
  entryFor(signature: string): SignatureEntry {
    const hash = hashSignature(signature)
    return this.bySignature.get(hash) ?? this.add(hash, signature)
  }

  /** The entry for `line` when its signature's hash is already known: the signature is built only if new. */
  entryForLine(hash: number, line: string): SignatureEntry {
    return this.bySignature.get(hash) ?? this.add(hash, signatureOf(line))
  }

  private add(hash: number, masked: string): SignatureEntry {
    if (this.bySignature.size >= MAX_SIGNATURES) this.forgetSignatures()
    // A slice of a line keeps the whole input segment it was cut from alive; copy what we keep.
    const signature = detach(masked)
    const tokens = tokensOf(signature)
    const cluster = this.clusterFor(tokens, tokens.map(isInformative))
    const entry: SignatureEntry = { signature, cluster, count: 0, key: "", flags: -1, blockCount: 0, lastInBlock: -1, block: -1 }
    cluster.members.push(entry)
    cluster.stale = true
    this.bySignature.set(hash, entry)
    return entry
  }

  private clusterFor(tokens: ReadonlyArray<string>, informative: ReadonlyArray<boolean>): Cluster {
    let bucket = this.byLength.get(tokens.length)
    if (bucket === undefined) {
      bucket = { byToken: new Map(), plain: [] }
      this.byLength.set(tokens.length, bucket)
    }
    const best = bestCluster(bucket, tokens, informative)
    if (best !== undefined) {
      for (let i = 0; i < tokens.length; i++) {
        if (best.tokens[i] !== tokens[i]) {
          best.tokens[i] = WILDCARD
          best.informative[i] = false
        }
      }
      return best
    }
    const created: Cluster = { id: this.nextId++, tokens: [...tokens], informative: [...informative], members: [], categorical: [], block: -1, stale: true }
    let indexed = false
    for (let i = 0; i < tokens.length; i++) {
      if (!informative[i]) continue
      const key = `${i}\u0000${tokens[i]}`
      const list = bucket.byToken.get(key)
      // Past the cap, a very common token no longer finds new clusters; others still do.
      if (list === undefined) bucket.byToken.set(key, [created])
      else if (list.length < MAX_CLUSTERS_PER_TOKEN) list.push(created)
      indexed = true
    }
    if (!indexed && bucket.plain.length < MAX_CLUSTERS_PER_TOKEN) bucket.plain.push(created)
    return created
  }

  /** Drops the signature index (clusters and their counts stay), so memory stays bounded. */
  private forgetSignatures(): void {
    this.bySignature.clear()
    for (const bucket of this.byLength.values()) {
      for (const cluster of allClusters(bucket)) {
        cluster.members.length = 0
        cluster.stale = true
      }
    }
  }
}

/**
 * Clusters of one token count, found by the informative tokens they had when created: a signature
 * can only reach the similarity threshold with a cluster it shares tokens with, in place.
 */
interface Bucket {
  readonly byToken: Map<string, Array<Cluster>>
  /** Clusters without a single informative token, matched by signatures without one either. */
  readonly plain: Array<Cluster>
}

const allClusters = (bucket: Bucket): Set<Cluster> => {
  const all = new Set<Cluster>(bucket.plain)
  for (const list of bucket.byToken.values()) for (const c of list) all.add(c)
  return all
}

/**
 * The most similar cluster at or above the threshold (the oldest among equals), or undefined.
 * Equal informative tokens in place are what similarity counts, so a cluster needs as many index
 * hits as the threshold asks before it is worth comparing.
 */
const bestCluster = (bucket: Bucket, tokens: ReadonlyArray<string>, informative: ReadonlyArray<boolean>): Cluster | undefined => {
  let candidates: Array<Cluster>
  let informativeCount = 0
  for (const flag of informative) if (flag) informativeCount++
  if (informativeCount === 0) {
    candidates = bucket.plain
  } else {
    const hits = new Map<Cluster, number>()
    for (let i = 0; i < tokens.length; i++) {
      if (!informative[i]) continue
      const list = bucket.byToken.get(`${i}\u0000${tokens[i]}`)
      if (list !== undefined) for (const c of list) hits.set(c, (hits.get(c) ?? 0) + 1)
    }
    const needed = SIMILARITY * informativeCount - 1e-9
    candidates = []
    for (const [c, n] of hits) if (n >= needed) candidates.push(c)
    candidates.sort((x, y) => x.id - y.id)
  }
  let best: Cluster | undefined
  let bestScore = SIMILARITY - Number.EPSILON
  for (const cluster of candidates) {
    const score = similarity(cluster, tokens, informative, bestScore)
    if (score > bestScore) {
      bestScore = score
      best = cluster
    }
  }
  return best
}

/**
 * Share of informative positions where `tokens` agrees with the cluster's template. Gives up
 * early (returning 0) once it can no longer beat `floor`.
 */
const similarity = (cluster: Cluster, tokens: ReadonlyArray<string>, informative: ReadonlyArray<boolean>, floor: number): number => {
  const template = cluster.tokens
  const templateInformative = cluster.informative
  let considered = 0
  let equal = 0
  let total = 0
  for (let i = 0; i < tokens.length; i++) if (informative[i] || templateInformative[i]) total++
  if (total === 0) return 1
  for (let i = 0; i < tokens.length; i++) {
    if (!informative[i] && !templateInformative[i]) continue
    considered++
    if (template[i] === tokens[i]) equal++
    else if ((equal + total - considered) / total <= floor) return 0
  }
  return equal / total
}

/**
 * Sets `key` on every member of `cluster`: the cluster refined by the values its members have in
 * categorical slots. Call after counting a batch of lines, so slot statistics include them.
 */
export const refreshGroups = (cluster: Cluster): void => {
  // Which values a slot takes changes only when a signature joins; counts don't matter here.
  if (!cluster.stale) return
  cluster.stale = false
  const id = String(cluster.id)
  if (!cluster.tokens.includes(WILDCARD)) {
    cluster.categorical = []
    for (const member of cluster.members) member.key = id
    return
  }
  const memberTokens = cluster.members.map((m) => tokensOf(m.signature))
  const categorical = cluster.tokens.map((t, i) => {
    if (t !== WILDCARD) return false
    const values = new Set<string>()
    for (const tokens of memberTokens) {
      values.add(tokens[i]!)
      if (values.size > CATEGORICAL_VALUES) return false
    }
    return true
  })
  cluster.categorical = categorical
  cluster.members.forEach((member, m) => {
    let key = id
    for (let i = 0; i < categorical.length; i++) if (categorical[i]) key += `\u0000${memberTokens[m]![i]}`
    member.key = key
  })
}

/** Display template of a signature's group: constants and categorical values, wildcards elsewhere. */
export const templateOf = (entry: SignatureEntry): string => {
  const { tokens, categorical } = entry.cluster
  const own = tokensOf(entry.signature)
  return displayTemplate(tokens.map((t, i) => (t !== WILDCARD || categorical[i] ? own[i]! : WILDCARD)))
}

export const tokensOf = (signature: string): Array<string> => signature.split(/\s+/).filter((t) => t.length > 0)

/**
 * Joins template tokens for display, placeholders unified to <*>, from `displayStart`.
 */
const displayTemplate = (tokens: ReadonlyArray<string>): string => {
  const shown = tokens.map((t) => t.replace(/<(?:n|h|id|\*)>/g, "<*>"))
  return shown.slice(displayStart(shown)).join(" ")
}

/**
 * Where a template is worth quoting from: the line header (time, host, level) is skipped when the
 * message after "component:" can be found, so the few characters a marker quotes go to it.
 */
export const displayStart = (tokens: ReadonlyArray<string>): number => {
  let start = 0
  while (start < tokens.length - 1 && !isInformative(tokens[start]!)) start++
  const header = Math.min(tokens.length - 1, 8)
  for (let k = start; k < header; k++) {
    if (tokens[k]!.endsWith(":") && tokens.slice(start, k).some((t) => PLACEHOLDER.test(t))) return k
  }
  return start
}
