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
const WILDCARD = "<*>"

/** Similarity (share of informative tokens that agree) needed to join a cluster. */
const SIMILARITY = 0.6
/** A slot with at most this many distinct values is categorical (part of the group's identity). */
const CATEGORICAL_VALUES = 8
/** Bounds that keep memory flat on unbounded input. */
const MAX_CLUSTERS_PER_LENGTH = 400
const MAX_SIGNATURES = 50_000

export const signatureOf = (line: string): string => {
  let head = line.length > SIGNATURE_CHARS ? `${line.slice(0, SIGNATURE_CHARS)}…` : line
  // Hex and id tokens have a letter right next to a digit; most lines have none, so skip the
  // costlier passes (each would copy the line) unless the cheap test says there may be one.
  if (LETTER_BY_DIGIT.test(head)) head = head.replace(HEX_TOKEN, "<h>").replace(ID_TOKEN, "<id>")
  return head.replace(DIGITS, "<n>")
}

const LETTER_BY_DIGIT = /[A-Za-z_][-_.:]*\d|\d[-_.:]*[A-Za-z_]/

const PLACEHOLDERS = /<(?:n|h|id)>/g
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
}

export interface SignatureEntry {
  readonly signature: string
  readonly tokens: ReadonlyArray<string>
  readonly informative: ReadonlyArray<boolean>
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

export class TemplateMiner {
  private readonly bySignature = new Map<string, SignatureEntry>()
  private readonly byLength = new Map<number, Array<Cluster>>()
  private nextId = 0

  entryFor(masked: string): SignatureEntry {
    const known = this.bySignature.get(masked)
    if (known !== undefined) return known
    if (this.bySignature.size >= MAX_SIGNATURES) this.forgetSignatures()
    // A slice of a line keeps the whole input segment it was cut from alive; copy what we keep.
    const signature = detach(masked)
    const tokens = signature.split(/\s+/).filter((t) => t.length > 0)
    const informative = tokens.map(isInformative)
    const cluster = this.clusterFor(tokens, informative)
    const entry: SignatureEntry = { signature, tokens, informative, cluster, count: 0, key: "", flags: -1, blockCount: 0, lastInBlock: -1, block: -1 }
    cluster.members.push(entry)
    this.bySignature.set(signature, entry)
    return entry
  }

  private clusterFor(tokens: ReadonlyArray<string>, informative: ReadonlyArray<boolean>): Cluster {
    let bucket = this.byLength.get(tokens.length)
    if (bucket === undefined) {
      bucket = []
      this.byLength.set(tokens.length, bucket)
    }
    let best: Cluster | undefined
    let bestScore = SIMILARITY - Number.EPSILON
    for (const cluster of bucket) {
      const score = similarity(cluster, tokens, informative, bestScore)
      if (score > bestScore) {
        bestScore = score
        best = cluster
      }
    }
    if (best !== undefined) {
      for (let i = 0; i < tokens.length; i++) {
        if (best.tokens[i] !== tokens[i]) {
          best.tokens[i] = WILDCARD
          best.informative[i] = false
        }
      }
      return best
    }
    const created: Cluster = { id: this.nextId++, tokens: [...tokens], informative: [...informative], members: [], categorical: [], block: -1 }
    // Past the cap, new shapes still get clusters of their own, but are no longer compared against.
    if (bucket.length < MAX_CLUSTERS_PER_LENGTH) bucket.push(created)
    return created
  }

  /** Drops the signature index (clusters and their counts stay), so memory stays bounded. */
  private forgetSignatures(): void {
    this.bySignature.clear()
    for (const bucket of this.byLength.values()) for (const cluster of bucket) cluster.members.length = 0
  }
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
  const categorical = cluster.tokens.map((t, i) => {
    if (t !== WILDCARD) return false
    const values = new Set<string>()
    for (const member of cluster.members) {
      values.add(member.tokens[i]!)
      if (values.size > CATEGORICAL_VALUES) return false
    }
    return true
  })
  cluster.categorical = categorical
  if (!categorical.includes(true)) {
    const key = String(cluster.id)
    for (const member of cluster.members) member.key = key
    return
  }
  for (const member of cluster.members) {
    let key = String(cluster.id)
    for (let i = 0; i < categorical.length; i++) if (categorical[i]) key += `\u0000${member.tokens[i]}`
    member.key = key
  }
}

/** Display template of a signature's group: constants and categorical values, wildcards elsewhere. */
export const templateOf = (entry: SignatureEntry): string => {
  const { tokens, categorical } = entry.cluster
  return displayTemplate(tokens.map((t, i) => (t !== WILDCARD || categorical[i] ? entry.tokens[i]! : WILDCARD)))
}

/**
 * Joins template tokens for display, placeholders unified to <*>. The line header (time, host,
 * level) is dropped when the message after "component:" can be found, so the few characters a
 * marker quotes are spent on the message.
 */
export const displayTemplate = (tokens: ReadonlyArray<string>): string => {
  const shown = tokens.map((t) => t.replace(/<(?:n|h|id|\*)>/g, "<*>"))
  let start = 0
  while (start < shown.length - 1 && !isInformative(shown[start]!)) start++
  const header = Math.min(shown.length - 1, 8)
  for (let k = start; k < header; k++) {
    if (shown[k]!.endsWith(":") && shown.slice(start, k).some((t) => t.includes("<*>"))) {
      start = k
      break
    }
  }
  return shown.slice(start).join(" ")
}
