/**
 * The parsed form of a JSON document, as the JSON stage and `headroom expand` share it.
 *
 * Scalars are kept as their source text (`"a\u00e9"`, `1.0`, `1e5`, `12345678901234567890`,
 * `true`), so nothing about a number is lost and a string is decoded only when needed. Objects
 * keep their keys in order, duplicates included.
 */

/** A scalar's JSON text: a quoted string, a number, `true`, `false` or `null`. */
export type JsonScalar = string

export interface JsonObject {
  readonly kind: "object"
  /**
   * Keys as JSON string literals, quotes included, in source order. Objects with the same keys
   * may share one array: never mutate it once parsed.
   */
  keys: Array<string>
  readonly values: Array<JsonNode>
  /** 1-based line of the opening brace and of the closing one. */
  readonly line: number
  endLine: number
  /** Line each value starts on; empty (and shared) when lines are not tracked. */
  readonly lines: Array<number>
  /** Content fingerprint, computed on demand (fingerprint.ts). */
  print: Print | undefined
}

export interface JsonArray {
  readonly kind: "array"
  readonly items: Array<JsonNode>
  readonly line: number
  endLine: number
  /** Line each item starts on; empty (and shared) when lines are not tracked. */
  readonly lines: Array<number>
  print: Print | undefined
}

export interface Print {
  readonly hash: number
  /** Length of the value as minified JSON. */
  readonly size: number
}

export type JsonNode = JsonScalar | JsonObject | JsonArray

export const isScalar = (node: JsonNode): node is JsonScalar => typeof node === "string"
export const isObject = (node: JsonNode): node is JsonObject => typeof node !== "string" && node.kind === "object"
export const isArray = (node: JsonNode): node is JsonArray => typeof node !== "string" && node.kind === "array"

/** The `lines` of every container of a document whose lines are not tracked: frozen, shared. */
export const NO_LINES: Array<number> = Object.freeze([]) as unknown as Array<number>

export const newObject = (line = 0, lines = NO_LINES): JsonObject => ({ kind: "object", keys: [], values: [], line, endLine: line, lines, print: undefined })
export const newArray = (line = 0, lines = NO_LINES): JsonArray => ({ kind: "array", items: [], line, endLine: line, lines, print: undefined })

export type ScalarType = "string" | "number" | "boolean" | "null"

export const scalarType = (scalar: JsonScalar): ScalarType => {
  const c = scalar.charCodeAt(0)
  if (c === 0x22) return "string"
  if (c === 0x74 || c === 0x66) return "boolean"
  if (c === 0x6e) return "null"
  return "number"
}

/** The decoded value of a JSON string literal. */
export const stringValue = (literal: string): string =>
  literal.includes("\\") ? (JSON.parse(literal) as string) : literal.slice(1, -1)

/** A key's name, decoded. */
export const keyName = stringValue

/** The JSON literal for a string, in the shortest form JSON allows (no needless escapes). */
export const stringLiteral = (value: string): string => JSON.stringify(value)

/**
 * A string literal in canonical form: escapes that JSON does not need are written out. A literal
 * holding bytes that were not UTF-8 (lone surrogates, see src/io/utf8.ts) stays as it is, so
 * those bytes go out as they came in.
 */
export const canonicalString = (literal: string): string =>
  literal.includes("\\") && literal.isWellFormed() ? stringLiteral(stringValue(literal)) : literal
