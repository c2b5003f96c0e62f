/**
 * The fields of an array item, as statistics see them: leaf values of an object (nested objects
 * walked, `State.Name`), the positions of a short tuple (`[0]`, `[1]`), or a scalar item itself.
 */
import { fingerprint } from "./fingerprint.ts"
import { serializeValue } from "./serialize.ts"
import { isArray, isObject, isScalar, keyName, stringValue, type JsonArray, type JsonNode, type JsonObject, type JsonScalar } from "./tree.ts"

/** Nested objects below this depth inside an item are not looked into. */
const MAX_FIELD_DEPTH = 4
/** Small arrays (`[]`, `["a","b"]`) and empty objects count as one value. */
const MAX_LEAF_CHARS = 64
/** Arrays of up to this many scalars are tuples (`[timestamp, value]`) whose positions are fields. */
export const MAX_TUPLE = 8

/**
 * Called for each leaf: its dotted path inside the item ("" for a scalar item, `[0]` for a tuple
 * position), the last key lowercased (what error-like names are matched against), the canonical
 * text of the value (what value counts are keyed by) and the scalar, when the leaf is one.
 */
export type LeafVisitor = (field: string, name: string, text: string, scalar: JsonScalar | undefined) => void

export const isTuple = (node: JsonNode): boolean => {
  if (!isArray(node) || node.items.length === 0 || node.items.length > MAX_TUPLE) return false
  for (const item of node.items) if (!isScalar(item)) return false
  return true
}

export const forEachLeaf = (item: JsonNode, visit: LeafVisitor): void => {
  if (isScalar(item)) {
    visit("", "", leafText(item), item)
    return
  }
  if (isTuple(item)) {
    const items = (item as JsonArray).items as Array<JsonScalar>
    for (let i = 0; i < items.length; i++) visit(TUPLE_FIELDS[i]!, "", leafText(items[i]!), items[i]!)
    return
  }
  if (isObject(item)) walkObject(item, "", 0, visit)
}

const TUPLE_FIELDS = Array.from({ length: MAX_TUPLE }, (_, i) => `[${i}]`)

interface KeyPaths {
  readonly fields: Array<string>
  readonly names: Array<string>
}

// Objects with the same keys share one keys array (parse.ts): paths are worked out once per
// keys array and prefix, not once per item.
const keyPaths = new WeakMap<Array<string>, Map<string, KeyPaths>>()

const pathsFor = (keys: Array<string>, prefix: string): KeyPaths => {
  let byPrefix = keyPaths.get(keys)
  if (byPrefix === undefined) keyPaths.set(keys, (byPrefix = new Map()))
  let paths = byPrefix.get(prefix)
  if (paths === undefined) {
    const names = keys.map(keyName)
    paths = { fields: names.map((n) => (prefix === "" ? n : `${prefix}.${n}`)), names: names.map((n) => n.toLowerCase()) }
    byPrefix.set(prefix, paths)
  }
  return paths
}

const walkObject = (object: JsonObject, prefix: string, depth: number, visit: LeafVisitor) => {
  const paths = pathsFor(object.keys, prefix)
  for (let i = 0; i < object.keys.length; i++) {
    const value = object.values[i]!
    if (isScalar(value)) {
      visit(paths.fields[i]!, paths.names[i]!, leafText(value), value)
    } else if (isObject(value) && value.keys.length > 0) {
      if (depth < MAX_FIELD_DEPTH) walkObject(value, paths.fields[i]!, depth + 1, visit)
    } else if (fingerprint(value).size <= MAX_LEAF_CHARS) {
      visit(paths.fields[i]!, paths.names[i]!, serializeValue(value, { canonical: true }), undefined)
    }
  }
}

const leafText = (scalar: JsonScalar): string => (scalar.charCodeAt(0) === 0x22 && scalar.includes("\\") ? JSON.stringify(stringValue(scalar)) : scalar)

const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/

/** A number, or a string holding one ("0.25", "1e+00": Prometheus sends values that way). */
export const numericValue = (scalar: JsonScalar | undefined): number | undefined => {
  if (scalar === undefined) return undefined
  const c = scalar.charCodeAt(0)
  if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return Number(scalar)
  if (c !== 0x22 || scalar.length > 34) return undefined
  const inner = scalar.slice(1, -1)
  if (!NUMERIC.test(inner)) return undefined
  const n = Number(inner)
  return Number.isFinite(n) ? n : undefined
}

/**
 * How a value is shown in a summary: strings bare and short, other values as JSON. Quotes,
 * backslashes and line breaks go, so a summary fits in a JSON string and on one line.
 */
export const displayValue = (text: string, max = 24): string => {
  let shown = text.charCodeAt(0) === 0x22 && text.length > 2 ? (JSON.parse(text) as string) : text
  shown = shown.replace(/[\s"\\·]+/g, " ").trim()
  if (shown === "") return text === '""' ? '""' : "…"
  const points = Array.from(shown)
  return points.length > max ? `${points.slice(0, max - 1).join("")}…` : shown
}
