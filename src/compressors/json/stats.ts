/**
 * Per-field statistics and what they say about each array item.
 *
 * Arrays found at the same place in a document (every `events` array under `services[]`) form
 * one population: a value is rare or extreme against all of them. An item matters when it holds
 * a rare value of a categorical field (a `CRITICAL` among `MEDIUM`s), a field few items have, a
 * numeric minimum or maximum, an error-like field, or matches a `--keep` pattern; an item also
 * matters when something inside it does.
 */
import { forEachLeaf, numericValue } from "./fields.ts"
import { serializeValue } from "./serialize.ts"
import { isScalar, keyName, type JsonArray, type JsonNode, type JsonScalar } from "./tree.ts"

export interface ItemRef {
  readonly array: JsonArray
  readonly index: number
}

export interface ValueStats {
  count: number
  /** The first few items holding the value. */
  readonly holders: Array<ItemRef>
}

export interface FieldStats {
  present: number
  /** Counts per value; undefined once there are too many distinct values to call it categorical. */
  values: Map<string, ValueStats> | undefined
  /** Every present value is a number (or a numeric string). */
  numeric: boolean
  min: number
  max: number
  minAt: ItemRef | undefined
  maxAt: ItemRef | undefined
  /** Holders while the field is seldom present. */
  readonly firstHolders: Array<ItemRef>
}

export interface Population {
  readonly arrays: Array<JsonArray>
  size: number
  readonly fields: Map<string, FieldStats>
}

export interface ImportanceOptions {
  /** A value held by at most this many items (and a fifth of them), where most items share one value, is rare. */
  readonly rareMax: number
  /** Keep the first holder of each value of fields with at most this many values (0: off). */
  readonly representatives: number
  readonly keepPatterns: ReadonlyArray<RegExp>
}

/** Why an item matters, strongest first; the selection keeps the highest scores when it must choose. */
export const SCORE = { keep: Number.POSITIVE_INFINITY, error: 100, rare: 50, extreme: 40, representative: 20 } as const
/** What an item inherits from an item inside it. */
const INHERITED = 0.9
/** Values tracked per field before it counts as free-form (ids, timestamps, messages). */
const MAX_TRACKED_VALUES = 64
/** Error-like items beyond this share of a population are not exceptions but its content. */
const MAX_ERROR_SHARE = 0.5
/** Below this many items, nothing is rare: every value is one of a handful. */
const MIN_POPULATION = 5

/** Each array's items' scores (0: nothing special). */
export type Scores = Map<JsonArray, Float64Array>

export interface Analysis {
  readonly populations: Map<JsonArray, Population>
  /** Each item's worth, raised to what the items inside it are worth. */
  readonly scores: Scores
}

/** Statistics and scores for every array in `roots`. Recursive: only for trees of bounded depth. */
export const analyze = (roots: ReadonlyArray<JsonNode>, options: ImportanceOptions): Analysis => {
  const byPattern = new Map<string, Population>()
  const populations = new Map<JsonArray, Population>()
  const collect = (node: JsonNode, pattern: string) => {
    if (isScalar(node)) return
    if (node.kind === "object") {
      for (let i = 0; i < node.values.length; i++) collect(node.values[i]!, `${pattern}.${keyName(node.keys[i]!)}`)
      return
    }
    let population = byPattern.get(pattern)
    if (population === undefined) {
      population = { arrays: [], size: 0, fields: new Map() }
      byPattern.set(pattern, population)
    }
    population.arrays.push(node)
    population.size += node.items.length
    populations.set(node, population)
    for (const item of node.items) collect(item, `${pattern}[]`)
  }
  roots.forEach((root, i) => collect(root, `$${i}`))

  const scores: Scores = new Map()
  for (const population of byPattern.values()) {
    const errors = gatherFields(population)
    for (const array of population.arrays) scores.set(array, new Float64Array(array.items.length))
    scorePopulation(population, errors, scores, options)
  }
  for (const root of roots) inherit(root, scores)
  return { populations, scores }
}

/** One pass over the items: field statistics, and which items look like failures. */
const gatherFields = (population: Population): Array<ItemRef> => {
  const errors: Array<ItemRef> = []
  let array: JsonArray
  let index = 0
  let failed = false
  const ref = (): ItemRef => ({ array, index })
  const visit = (field: string, name: string, text: string, scalar: JsonScalar | undefined) => {
    let stats = population.fields.get(field)
    if (stats === undefined) {
      stats = { present: 0, values: new Map(), numeric: true, min: Infinity, max: -Infinity, minAt: undefined, maxAt: undefined, firstHolders: [] }
      population.fields.set(field, stats)
    }
    stats.present++
    if (stats.firstHolders.length < 4) stats.firstHolders.push(ref())
    if (stats.values !== undefined) {
      const value = stats.values.get(text)
      if (value !== undefined) {
        value.count++
        if (value.holders.length < 4) value.holders.push(ref())
      } else if (stats.values.size < MAX_TRACKED_VALUES) {
        stats.values.set(text, { count: 1, holders: [ref()] })
      } else {
        stats.values = undefined
      }
    }
    if (stats.numeric) {
      const n = numericValue(scalar)
      if (n === undefined) {
        stats.numeric = false
      } else {
        if (n < stats.min) {
          stats.min = n
          stats.minAt = ref()
        }
        if (n > stats.max) {
          stats.max = n
          stats.maxAt = ref()
        }
      }
    }
    if (!failed && name !== "") failed = reportsFailure(name, text, scalar)
  }
  for (array of population.arrays) {
    for (index = 0; index < array.items.length; index++) {
      failed = false
      forEachLeaf(array.items[index]!, visit)
      if (failed) errors.push(ref())
    }
  }
  return errors
}

const mark = (scores: Scores, ref: ItemRef | undefined, score: number) => {
  if (ref === undefined) return
  const array = scores.get(ref.array)!
  if (array[ref.index]! < score) array[ref.index] = score
}

const scorePopulation = (population: Population, errors: ReadonlyArray<ItemRef>, scores: Scores, options: ImportanceOptions) => {
  const size = population.size
  if (options.keepPatterns.length > 0) {
    for (const array of population.arrays) {
      const own = scores.get(array)!
      for (let index = 0; index < array.items.length; index++) {
        if (matchesAny(array.items[index]!, options.keepPatterns)) own[index] = SCORE.keep
      }
    }
  }
  // Failures stand out among successes; when most items report one, they are the norm.
  if (errors.length <= size * MAX_ERROR_SHARE) for (const ref of errors) mark(scores, ref, SCORE.error)
  if (size < MIN_POPULATION) return
  const rareMax = Math.min(options.rareMax, Math.floor(size / 5))
  for (const stats of population.fields.values()) {
    // A field only a few items have sets them apart.
    if (stats.present <= rareMax) for (const ref of stats.firstHolders) mark(scores, ref, SCORE.rare)
    const values = stats.values
    if (values !== undefined && values.size > 1 && values.size <= Math.max(2, stats.present / 2)) {
      // Rare against a norm: only when one value is what most items hold.
      let common = 0
      for (const value of values.values()) common = Math.max(common, value.count)
      const normal = common * 2 >= stats.present
      for (const value of values.values()) {
        if (normal && value.count <= rareMax) for (const ref of value.holders) mark(scores, ref, SCORE.rare)
        if (values.size <= options.representatives) mark(scores, value.holders[0], SCORE.representative)
      }
    }
    if (stats.numeric && stats.min < stats.max && (values === undefined || values.size > 2)) {
      mark(scores, stats.minAt, SCORE.extreme)
      mark(scores, stats.maxAt, SCORE.extreme)
    }
  }
}

/** Raises each item's score to what the items inside it are worth; returns the subtree's best. */
const inherit = (node: JsonNode, scores: Scores): number => {
  if (isScalar(node)) return 0
  if (node.kind === "object") {
    let best = 0
    for (const value of node.values) best = Math.max(best, inherit(value, scores))
    return best
  }
  const own = scores.get(node)!
  let best = 0
  for (let i = 0; i < node.items.length; i++) {
    const inside = inherit(node.items[i]!, scores) * INHERITED
    if (own[i]! < inside) own[i] = inside
    best = Math.max(best, own[i]!)
  }
  return best
}

const matchesAny = (item: JsonNode, patterns: ReadonlyArray<RegExp>): boolean => {
  const text = serializeValue(item, { canonical: true })
  return patterns.some((p) => text.search(p) !== -1)
}

const ERROR_NAME = /^(?:errors?|error_?message|errormessage|exception|exceptions|fault|failure|failures|stderr|traceback|stack_?trace|panic)$/
const STATUS_NAME = /^(?:status|state|result|outcome|conclusion|level|health|phase|loglevel)$/
const STATUS_CODE_NAME = /^(?:status|status_?code|statuscode|http_?status|code|response_?code)$/
const BAD_WORD = /\b(?:error|errored|fail|failed|failure|fatal|critical|crash(?:ed|loopbackoff)?|panic|denied|invalid|unhealthy|timeout|timed.?out|abort(?:ed)?|reject(?:ed)?|degraded|down|unavailable|oomkilled)\b/i
const SUCCESS_NAME = /^(?:ok|success|succeeded|passed|healthy)$/

/** A leaf that reports a failure: an error field with content, a bad status, a 4xx/5xx code, `ok: false`. */
const reportsFailure = (name: string, text: string, scalar: JsonScalar | undefined): boolean => {
  if (ERROR_NAME.test(name)) return text !== "null" && text !== '""' && text !== "false" && text !== "[]" && text !== "{}" && text !== "0"
  if (STATUS_NAME.test(name) && text.charCodeAt(0) === 0x22) return BAD_WORD.test(text)
  if (STATUS_CODE_NAME.test(name) && scalar !== undefined) {
    const code = numericValue(scalar)
    return code !== undefined && code >= 400 && code <= 599
  }
  return SUCCESS_NAME.test(name) && text === "false"
}
