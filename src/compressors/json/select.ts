/**
 * Which items of an array are kept, and what the markers for the others say.
 */
import { displayValue, forEachLeaf, isTuple, numericValue } from "./fields.ts"
import { fingerprint } from "./fingerprint.ts"
import { SCORE, type Population } from "./stats.ts"
import { isObject, isScalar, keyName, stringValue, type JsonArray, type JsonNode } from "./tree.ts"

export interface SelectionLimits {
  /**
   * Arrays of objects are kept whole when their population (all arrays at the same place in the
   * document: the rules of every group) has at most this many items; other arrays when they do.
   */
  readonly keepAll: number
  /** The same for arrays of strings (names, tags, headers: each its own fact, and cheap). */
  readonly keepAllStrings: number
  readonly head: number
  readonly tail: number
  /** Items kept for what they hold (rare, extreme, error-like), beyond head and tail… */
  readonly maxImportant: number
  /** …and at most this share of the array. */
  readonly importantShare: number
  /** Largest jumps kept in a numeric series. */
  readonly changePoints: number
}

/** Kept item indices, ascending; all items when the array is not in the map. */
export type Selection = Map<JsonArray, Int32Array>

/**
 * The items to keep of a long array: head and tail, then the highest-scored items, then the
 * jumps and extremes of a numeric series; an item identical to one already kept is left out.
 */
export const selectItems = (array: JsonArray, population: number, scores: Float64Array, limits: SelectionLimits): Int32Array | undefined => {
  const n = array.items.length
  if (n === 0) return undefined
  const size = array.items.every(isObject) ? Math.max(n, population) : n
  if (size <= (isStringList(array) ? limits.keepAllStrings : limits.keepAll) || isConversation(array)) return undefined
  const chosen = new Uint8Array(n)
  for (let i = 0; i < Math.min(limits.head, n); i++) chosen[i] = 1
  for (let i = Math.max(0, n - limits.tail); i < n; i++) chosen[i] = 1
  const ranked: Array<number> = []
  for (let i = 0; i < n; i++) if (scores[i]! > 0) ranked.push(i)
  ranked.sort((a, b) => scores[b]! - scores[a]! || a - b)
  const cap = Math.min(limits.maxImportant, Math.ceil(n * limits.importantShare))
  let important = 0
  for (const i of ranked) {
    if (scores[i] === SCORE.keep) chosen[i] = 1
    else if (important < cap && chosen[i] === 0) {
      chosen[i] = 1
      important++
    }
  }
  if (limits.changePoints > 0) for (const i of seriesPoints(array, limits.changePoints)) chosen[i] = 1
  keepSmallGaps(array, chosen)
  // Identical items: the first one kept stands for the rest.
  const seen = new Set<number>()
  const kept: Array<number> = []
  for (let i = 0; i < n; i++) {
    if (chosen[i] === 0) continue
    const hash = fingerprint(array.items[i]!).hash
    if (seen.has(hash) && scores[i] !== SCORE.keep) continue
    seen.add(hash)
    kept.push(i)
  }
  return kept.length === n ? undefined : Int32Array.from(kept)
}

/** A run of omitted items shorter than this (as JSON) costs less than its marker: kept instead. */
const MIN_GAP_CHARS = 160

const keepSmallGaps = (array: JsonArray, chosen: Uint8Array) => {
  let i = 0
  while (i < chosen.length) {
    if (chosen[i] === 1) {
      i++
      continue
    }
    let j = i
    let chars = 0
    while (j < chosen.length && chosen[j] === 0) chars += fingerprint(array.items[j++]!).size
    if (chars < MIN_GAP_CHARS) chosen.fill(1, i, j)
    i = j
  }
}

/** Runs of three or more identical items folded into their first (conservative), when that saves. */
export const foldRepeats = (array: JsonArray): Int32Array | undefined => {
  const n = array.items.length
  const kept: Array<number> = []
  let i = 0
  while (i < n) {
    const print = fingerprint(array.items[i]!)
    let j = i + 1
    while (j < n && fingerprint(array.items[j]!).hash === print.hash) j++
    kept.push(i)
    if (j - i < 3 || (j - i - 1) * print.size < MIN_GAP_CHARS) for (let k = i + 1; k < j; k++) kept.push(k)
    i = j
  }
  return kept.length === n ? undefined : Int32Array.from(kept)
}

const CHAT_ROLES = new Set(["system", "user", "assistant", "tool", "function", "developer"])

/** A list of chat messages: every message is part of the conversation, none is dropped. */
const isConversation = (array: JsonArray): boolean => {
  if (array.items.length < 2) return false
  for (const item of array.items) {
    if (!isObject(item)) return false
    const at = item.keys.findIndex((k) => keyName(k) === "role")
    const role = at === -1 ? undefined : item.values[at]!
    if (role === undefined || !isScalar(role) || role.charCodeAt(0) !== 0x22 || !CHAT_ROLES.has(stringValue(role))) return false
  }
  return true
}

const isStringList = (array: JsonArray): boolean => array.items.every((item) => isScalar(item) && item.charCodeAt(0) === 0x22)

/**
 * For an array of numbers (or of `[time, value]` tuples): each varying field's minimum and
 * maximum and its largest jumps (beyond three standard deviations of the steps). Fields that
 * only grow (timestamps) have no jumps worth keeping.
 */
const seriesPoints = (array: JsonArray, changePoints: number): Array<number> => {
  const items = array.items
  const first = items[0]!
  const width = isScalar(first) ? 1 : isTuple(first) ? (first as JsonArray).items.length : 0
  if (width === 0) return []
  const points: Array<number> = []
  for (let f = 0; f < width; f++) {
    const values = fieldValues(items, f)
    if (values === undefined) continue
    let increasing = true
    let low = Infinity
    let high = -Infinity
    for (let i = 0; i < values.length; i++) {
      low = Math.min(low, values[i]!)
      high = Math.max(high, values[i]!)
      if (i > 0 && values[i]! < values[i - 1]!) increasing = false
    }
    if (increasing || low === high) continue
    // First and last time the series touched its minimum and its maximum.
    points.push(values.indexOf(low), values.lastIndexOf(low), values.indexOf(high), values.lastIndexOf(high))
    const steps = new Float64Array(values.length - 1)
    let mean = 0
    for (let i = 1; i < values.length; i++) {
      steps[i - 1] = values[i]! - values[i - 1]!
      mean += steps[i - 1]!
    }
    mean /= steps.length
    let variance = 0
    for (const s of steps) variance += (s - mean) ** 2
    const threshold = 3 * Math.sqrt(variance / steps.length)
    const jumps: Array<number> = []
    for (let i = 0; i < steps.length; i++) if (Math.abs(steps[i]! - mean) > threshold) jumps.push(i + 1)
    jumps.sort((a, b) => Math.abs(steps[b - 1]!) - Math.abs(steps[a - 1]!) || a - b)
    for (const i of jumps.slice(0, changePoints)) points.push(i - 1, i)
  }
  return points
}

/** Field `f` of every item of a series as numbers, or undefined if one is not a number. */
const fieldValues = (items: ReadonlyArray<JsonNode>, f: number): Float64Array | undefined => {
  const values = new Float64Array(items.length)
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!
    const n = numericValue(isScalar(item) ? item : isTuple(item) ? ((item as JsonArray).items[f] as string | undefined) : undefined)
    if (n === undefined) return undefined
    values[i] = n
  }
  return values
}

/** Fields shown in a gap's summary, and values shown per field. */
const SUMMARY_CATEGORICAL = 3
const SUMMARY_NUMERIC = 2
const SUMMARY_VALUES = 3
/** A field with more values than this in its population is not summarized by value counts. */
const SUMMARY_MAX_DISTINCT = 12

/**
 * What a run of omitted items held: value counts of categorical fields and the range of numeric
 * ones, e.g. `State.Name terminated×9 running×1; LaunchTime.minute 9–53`.
 */
export const describeItems = (items: ReadonlyArray<JsonNode>, population: Population | undefined): string => {
  if (population === undefined) return ""
  const counts = new Map<string, Map<string, number>>()
  const ranges = new Map<string, { min: number; max: number; last: number; increasing: boolean }>()
  for (const item of items) {
    forEachLeaf(item, (field, _name, text, scalar) => {
      const stats = population.fields.get(field)
      if (stats === undefined) return
      if (stats.numeric && stats.min < stats.max && (stats.values === undefined || stats.values.size > 2)) {
        const n = numericValue(scalar)!
        const range = ranges.get(field)
        if (range === undefined) ranges.set(field, { min: n, max: n, last: n, increasing: true })
        else {
          range.min = Math.min(range.min, n)
          range.max = Math.max(range.max, n)
          range.increasing &&= n >= range.last
          range.last = n
        }
      } else if (stats.values !== undefined && stats.values.size > 1 && stats.values.size <= SUMMARY_MAX_DISTINCT) {
        let values = counts.get(field)
        if (values === undefined) counts.set(field, (values = new Map()))
        values.set(text, (values.get(text) ?? 0) + 1)
      }
    })
  }
  const parts: Array<string> = []
  const categorical = [...counts.entries()].sort((a, b) => a[1].size - b[1].size || (a[0] < b[0] ? -1 : 1))
  for (const [field, values] of categorical.slice(0, SUMMARY_CATEGORICAL)) {
    const sorted = [...values.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    const shown = sorted.slice(0, SUMMARY_VALUES).map(([v, c]) => `${displayValue(v, 20)}×${c}`)
    if (sorted.length > SUMMARY_VALUES) shown.push(`${sorted.length - SUMMARY_VALUES} more`)
    parts.push(`${fieldLabel(field)} ${shown.join(" ")}`.trim())
  }
  // Measurements before counters and timestamps, which only grow.
  const numeric = [...ranges.entries()].filter(([, r]) => r.min < r.max).sort((a, b) => Number(a[1].increasing) - Number(b[1].increasing))
  for (const [field, range] of numeric.slice(0, SUMMARY_NUMERIC)) {
    parts.push(`${fieldLabel(field)} ${formatNumber(range.min)}–${formatNumber(range.max)}`.trim())
  }
  return parts.join("; ")
}

const fieldLabel = (field: string): string => (field === "" ? "" : displayValue(JSON.stringify(field), 40))

const formatNumber = (n: number): string => (Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(6))))
