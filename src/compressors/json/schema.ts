/**
 * Which table, if any, can stand for an array of objects without losing anything: the keys of
 * all items merged in one order every item agrees with, values shared by every item hoisted
 * into the header, nested objects (and one-element arrays of objects) flattened into columns.
 */
import { fingerprint, sameValue } from "./fingerprint.ts"
import type { Field } from "./table.ts"
import { canonicalString, isArray, isObject, type JsonNode, type JsonObject } from "./tree.ts"

/** Nested objects deeper than this stay whole in their cell. */
const MAX_FLATTEN_DEPTH = 6
/**
 * Flattening objects whose keys vary from item to item makes a sparse table (an empty cell per
 * missing key); below this share of filled cells the objects stay whole in one column.
 */
const MIN_DENSITY = 0.5

/** The schema of a table for `rows`, or undefined when the items can't be one (key orders disagree, duplicate keys). */
export const inferSchema = (rows: ReadonlyArray<JsonObject>): Array<Field> | undefined => fieldsOf(rows, true, 0)

/**
 * Fields for a set of objects at one level. `everyRow`: each row of the table has one of them,
 * so a value they all share may be hoisted.
 */
const fieldsOf = (objects: ReadonlyArray<JsonObject>, everyRow: boolean, depth: number): Array<Field> | undefined => {
  const order = mergeKeyOrder(objects)
  if (order === undefined) return undefined
  const fields: Array<Field> = []
  for (const key of order) {
    const values: Array<JsonNode> = []
    for (const object of objects) {
      const at = indexOfKey(object, key)
      if (at !== -1) values.push(object.values[at]!)
    }
    const inAll = values.length === objects.length
    if (everyRow && inAll && objects.length > 1 && allSame(values)) {
      fields.push({ kind: "constant", key, value: values[0]! })
      continue
    }
    if (depth < MAX_FLATTEN_DEPTH) {
      const nested = flattenable(values)
      if (nested !== undefined) {
        const inner = fieldsOf(nested.objects, everyRow && inAll, depth + 1)
        if (inner !== undefined) {
          fields.push({ kind: nested.single ? "single" : "object", key, fields: inner })
          continue
        }
      }
    }
    fields.push({ kind: "column", key })
  }
  return fields
}

/**
 * Objects that may be spread over columns: every value is a non-empty object (or every value a
 * one-element array holding one), with keys dense enough across items.
 */
const flattenable = (values: ReadonlyArray<JsonNode>): { objects: Array<JsonObject>; single: boolean } | undefined => {
  if (values.length === 0) return undefined
  const first = values[0]!
  const single = isArray(first)
  const objects: Array<JsonObject> = []
  for (const value of values) {
    const object = single ? (isArray(value) && value.items.length === 1 ? value.items[0]! : undefined) : value
    if (object === undefined || !isObject(object) || object.keys.length === 0) return undefined
    objects.push(object)
  }
  const distinct = new Set<string>()
  let cells = 0
  let previous: Array<string> | undefined
  for (const object of objects) {
    cells += object.keys.length
    if (object.keys === previous) continue
    previous = object.keys
    for (const key of object.keys) distinct.add(key)
  }
  return cells >= objects.length * distinct.size * MIN_DENSITY ? { objects, single } : undefined
}

/**
 * One order of keys that every object's own order follows, or undefined if two objects order
 * two keys differently or an object repeats a key. A key not seen before goes just before the
 * next known key of its object, or last. Keys are compared in canonical form.
 */
export const mergeKeyOrder = (objects: ReadonlyArray<JsonObject>): Array<string> | undefined => {
  const order: Array<string> = []
  const position = new Map<string, number>()
  let previous: Array<string> | undefined
  for (const object of objects) {
    if (object.keys === previous) continue
    previous = object.keys
    const keys = object.keys.map(canonicalString)
    let last = -1
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!
      let at = position.get(key)
      if (at === undefined) {
        let next = order.length
        for (let j = k + 1; j < keys.length; j++) {
          const known = position.get(keys[j]!)
          if (known !== undefined) {
            next = known
            break
          }
        }
        at = next
        order.splice(at, 0, key)
        for (let p = at; p < order.length; p++) position.set(order[p]!, p)
      }
      if (at <= last) return undefined
      last = at
    }
  }
  return order
}

// Objects with the same keys share one keys array (see parse.ts): one index per distinct array.
const keyIndexes = new WeakMap<Array<string>, Map<string, number>>()

const indexOfKey = (object: JsonObject, key: string): number => {
  let index = keyIndexes.get(object.keys)
  if (index === undefined) {
    index = new Map()
    for (let i = object.keys.length - 1; i >= 0; i--) index.set(canonicalString(object.keys[i]!), i)
    keyIndexes.set(object.keys, index)
  }
  return index.get(key) ?? -1
}

const allSame = (values: ReadonlyArray<JsonNode>): boolean => {
  const first = values[0]!
  const hash = fingerprint(first).hash
  for (let i = 1; i < values.length; i++) if (fingerprint(values[i]!).hash !== hash) return false
  for (let i = 1; i < values.length; i++) if (!sameValue(first, values[i]!)) return false
  return true
}

/** A row's cells in column order (undefined where the key is absent) and the line each starts on. */
export const cellsOf = (fields: ReadonlyArray<Field>, row: JsonObject): { values: Array<JsonNode | undefined>; lines: Array<number | undefined> } => {
  const values: Array<JsonNode | undefined> = []
  const lines: Array<number | undefined> = []
  const walk = (fs: ReadonlyArray<Field>, object: JsonObject | undefined) => {
    for (const field of fs) {
      if (field.kind === "constant") continue
      const at = object === undefined ? -1 : indexOfKey(object, field.key)
      const value = at === -1 ? undefined : object!.values[at]
      if (field.kind === "column") {
        values.push(value)
        lines.push(at === -1 ? undefined : object!.lines[at])
      } else {
        const inner = value === undefined ? undefined : field.kind === "single" && isArray(value) ? value.items[0] : value
        walk(field.fields, inner !== undefined && isObject(inner) ? inner : undefined)
      }
    }
  }
  walk(fields, row)
  return { values, lines }
}
