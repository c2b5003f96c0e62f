/**
 * Tables: an array of objects written as a header (its schema) and one row of cells per item.
 * The schema says where each cell goes; see FORMAT.md for the syntax.
 */
import { newArray, newObject, type JsonNode, type JsonObject } from "./tree.ts"

/** One key of the objects a table stands for. Keys are JSON string literals. */
export type Field =
  /** A cell per row; an empty cell means the key is absent from that item. */
  | { readonly kind: "column"; readonly key: string }
  /** Present in every item with this same value: written once, in the header. */
  | { readonly kind: "constant"; readonly key: string; readonly value: JsonNode }
  /** An object flattened into its own fields; absent when none of them is present. */
  | { readonly kind: "object"; readonly key: string; readonly fields: ReadonlyArray<Field> }
  /** A one-element array whose element is an object, flattened the same way. */
  | { readonly kind: "single"; readonly key: string; readonly fields: ReadonlyArray<Field> }

export type Fields = ReadonlyArray<Field>

/** How many cells a row of this schema has. */
export const columnCount = (fields: Fields): number => {
  let n = 0
  for (const field of fields) {
    if (field.kind === "column") n++
    else if (field.kind === "object" || field.kind === "single") n += columnCount(field.fields)
  }
  return n
}

/** A row's cells; `undefined` stands for an empty cell (key absent). */
export type Cells = ReadonlyArray<JsonNode | undefined>

/**
 * The item a row stands for. Fields are visited in header order, so keys come back in the
 * order they had; a flattened object exists when at least one of its keys does.
 */
export const buildRow = (fields: Fields, cells: Cells): JsonObject => {
  let next = 0
  const build = (fs: Fields): JsonObject => {
    const object = newObject()
    for (const field of fs) {
      let value: JsonNode | undefined
      switch (field.kind) {
        case "column":
          value = cells[next++]
          break
        case "constant":
          value = field.value
          break
        case "object": {
          const inner = build(field.fields)
          value = inner.keys.length > 0 ? inner : undefined
          break
        }
        case "single": {
          const inner = build(field.fields)
          if (inner.keys.length > 0) {
            const array = newArray()
            array.items.push(inner)
            value = array
          }
          break
        }
      }
      if (value !== undefined) {
        object.keys.push(field.key)
        object.values.push(value)
      }
    }
    return object
  }
  return build(fields)
}
