/**
 * Writes a parsed document back out: minified JSON, with tables where they pay (FORMAT.md), and
 * in lossy mode the selection's gaps, shortened strings and repeated values as markers.
 *
 * Rendering is a pure function of the document, the plan and the settings (each container is
 * rendered once and memoized), so the table decision can render sample rows both ways.
 * Recursive: only for trees of bounded depth.
 */
import type { LineRange } from "../../markers/index.ts"
import { serializeValue } from "./serialize.ts"
import { cellsOf, inferSchema } from "./schema.ts"
import type { Selection } from "./select.ts"
import { rawEligible, rawLiteral, shorten, type StringLimits } from "./strings.ts"
import { columnCount, type Field } from "./table.ts"
import { canonicalString, isObject, isScalar, stringLiteral, stringValue, type JsonArray, type JsonNode, type JsonObject } from "./tree.ts"

export interface TableLimits {
  /** Arrays with fewer items stay JSON. */
  readonly minRows: number
  /** A table must save at least this share of the array's tokens. */
  readonly minGain: number
  /**
   * The extended syntax (tables, raw strings) must save at least this share of the whole
   * document's tokens over plain JSON, which every reader knows, to be used at all.
   */
  readonly documentGain: number
}

export interface RenderSettings {
  /** Raw strings allowed (the output uses the extended syntax anyway). */
  readonly raw: boolean
  readonly tables: TableLimits | undefined
  readonly strings: StringLimits | undefined
  /** Line numbers are meaningful (the document spans lines), so markers can carry ranges. */
  readonly multiline: boolean
  readonly countTokens: (text: string) => number
  readonly marker: (summary: string, range: LineRange | undefined) => string
}

export interface RenderPlan {
  readonly kept: Selection
  /** Values replaced by a reference to their first occurrence (a JSON pointer). */
  readonly same: Map<JsonObject | JsonArray, string>
  /** What a run of omitted items held, for its marker. */
  readonly describe: (array: JsonArray, items: ReadonlyArray<JsonNode>) => string
}

/** Schemas are the same for every rendering of a document: computed once, shared. */
export type SchemaCache = Map<JsonArray, Array<Field> | null>

/** Omitted items of a JSON array that keep their places (see `list`). */
const MAX_PLACEHOLDERS = 24
const PLACEHOLDER = stringLiteral("…")

/** Rows rendered both ways to decide between a table and JSON. */
const SAMPLE_ROWS = 24
/** Characters of a sample that are counted exactly; the rest is extrapolated. */
const SAMPLE_CHARS = 64 * 1024

export const renderJson = (values: ReadonlyArray<JsonNode>, plan: RenderPlan, settings: RenderSettings, schemas: SchemaCache) => {
  const renderer = new Renderer(plan, settings, schemas)
  const text = values.map((value) => renderer.node(value, 1)).join("\n")
  return { text, extended: renderer.extended }
}

class Renderer {
  /** Set once a table, a gap or a raw string is written: the output is no longer plain JSON. */
  extended = false
  private readonly memo = new Map<JsonObject | JsonArray, string>()

  constructor(
    private readonly plan: RenderPlan,
    private readonly settings: RenderSettings,
    private readonly schemas: SchemaCache,
  ) {}

  node(node: JsonNode, line: number | undefined): string {
    if (isScalar(node)) return node.charCodeAt(0) === 0x22 ? this.string(node, line) : node
    let text = this.memo.get(node)
    if (text !== undefined) return text
    const pointer = this.plan.same.get(node)
    if (pointer !== undefined) {
      const size = node.kind === "object" ? `${node.keys.length} keys` : `${node.items.length} items`
      text = stringLiteral(this.settings.marker(`${size}, same as ${pointer}`, this.range(node.line, node.endLine)))
    } else if (node.kind === "object") {
      const parts: Array<string> = []
      for (let i = 0; i < node.keys.length; i++) {
        parts.push(`${canonicalString(node.keys[i]!)}:${this.node(node.values[i]!, node.lines[i])}`)
      }
      text = `{${parts.join(",")}}`
    } else {
      text = this.table(node) ?? this.list(node)
    }
    this.memo.set(node, text)
    return text
  }

  private string(literal: string, line: number | undefined): string {
    const limits = this.settings.strings
    let value: string | undefined
    if (limits !== undefined && literal.length > limits.max) {
      value = stringValue(literal)
      const cut = shorten(value, limits)
      if (cut !== undefined) {
        const marker = this.settings.marker(`${cut.omitted} chars omitted`, this.range(line, line))
        const joint = cut.head.endsWith("\n") && cut.tail !== "" ? "\n" : ""
        value = `${cut.head}${marker}${joint}${cut.tail}`
        return this.settings.raw && rawEligible(value) ? this.raw(value) : stringLiteral(value)
      }
    }
    if (this.settings.raw && literal.includes("\\")) {
      value ??= stringValue(literal)
      if (rawEligible(value)) return this.raw(value)
    }
    return canonicalString(literal)
  }

  private raw(value: string): string {
    this.extended = true
    return rawLiteral(value)
  }

  /**
   * Kept items and, for each run of omitted ones, a marker. A few omitted items keep their
   * places (the marker string, then "…" for each other one), so the array stays JSON with its
   * true length; past that, `[#N ` gives the length and a bare marker stands for each run.
   */
  private list(array: JsonArray): string {
    const kept = this.plan.kept.get(array)
    const items = array.items
    if (kept === undefined) return `[${items.map((item, i) => this.node(item, array.lines[i])).join(",")}]`
    const parts: Array<string> = []
    const keep = (i: number) => parts.push(this.node(items[i]!, array.lines[i]))
    if (items.length - kept.length <= MAX_PLACEHOLDERS) {
      this.walkKept(array, kept, keep, (marker, omitted) => parts.push(stringLiteral(marker), ...Array<string>(omitted - 1).fill(PLACEHOLDER)), "items")
      return `[${parts.join(",")}]`
    }
    this.extended = true
    this.walkKept(array, kept, keep, (marker) => parts.push(marker), "items")
    return `[#${items.length} ${parts.join(",")}]`
  }

  /** The array as a table, when every item is an object and the table saves enough tokens. */
  private table(array: JsonArray): string | undefined {
    const limits = this.settings.tables
    if (limits === undefined || array.items.length < limits.minRows) return undefined
    const fields = this.schema(array)
    if (fields === undefined || !this.rowsHaveCells(fields, array)) return undefined
    const kept = this.plan.kept.get(array)
    const indices = kept ?? Int32Array.from(array.items.keys())
    const header = this.header(fields)
    const step = Math.max(1, indices.length / SAMPLE_ROWS)
    const sample: Array<number> = []
    for (let k = 0; k < indices.length; k += step) sample.push(indices[Math.floor(k)]!)
    const asJson = sample.map((i) => this.node(array.items[i]!, array.lines[i])).join(",")
    const asRows = sample.map((i) => this.row(fields, array.items[i] as JsonObject)).join("\n")
    const scale = indices.length / sample.length
    const jsonTokens = this.estimate(asJson) * scale
    const tableTokens = this.estimate(header) + this.estimate(asRows) * scale
    if (tableTokens > jsonTokens * (1 - limits.minGain)) return undefined
    this.extended = true
    const lines: Array<string> = []
    this.walkKept(array, indices, (i) => lines.push(this.row(fields, array.items[i] as JsonObject)), (marker) => lines.push(marker), "rows")
    return `[#${array.items.length}${header}\n${lines.join("\n")}\n]`
  }

  private schema(array: JsonArray): Array<Field> | undefined {
    let fields = this.schemas.get(array)
    if (fields === undefined) {
      fields = array.items.every(isObject) ? (inferSchema(array.items as Array<JsonObject>) ?? null) : null
      this.schemas.set(array, fields)
    }
    return fields ?? undefined
  }

  /**
   * No row may be an empty line: blank lines are squeezed by later stages (and read as nothing).
   * A row is empty when the table has no column, or one that the item lacks.
   */
  private rowsHaveCells(fields: ReadonlyArray<Field>, array: JsonArray): boolean {
    const columns = columnCount(fields)
    if (columns !== 1) return columns > 0
    return array.items.every((item) => cellsOf(fields, item as JsonObject).values[0] !== undefined)
  }

  private row(fields: ReadonlyArray<Field>, item: JsonObject): string {
    const cells = cellsOf(fields, item)
    return cells.values.map((value, i) => (value === undefined ? "" : this.node(value, cells.lines[i]))).join(",")
  }

  private header(fields: ReadonlyArray<Field>): string {
    const parts = fields.map((field) => {
      const name = headerName(field.key)
      switch (field.kind) {
        case "column":
          return name
        case "constant":
          return `${name}=${serializeValue(field.value, { canonical: true })}`
        case "object":
          return `${name}:${this.header(field.fields)}`
        case "single":
          return `${name}:[${this.header(field.fields)}]`
      }
    })
    return `{${parts.join(",")}}`
  }

  /** Calls `keep` for each kept index and `gap` with a marker for each run of omitted ones. */
  private walkKept(array: JsonArray, kept: Int32Array, keep: (i: number) => void, gap: (marker: string, omitted: number) => void, unit: string) {
    let next = 0
    const flush = (until: number) => {
      if (until <= next) return
      const omitted = array.items.slice(next, until)
      const details = this.plan.describe(array, omitted)
      const summary = `${omitted.length} ${omitted.length === 1 ? unit.slice(0, -1) : unit} omitted${details === "" ? "" : `: ${details}`}`
      gap(this.settings.marker(summary, this.itemsRange(array, next, until - 1)), omitted.length)
    }
    for (const i of kept) {
      flush(i)
      keep(i)
      next = i + 1
    }
    flush(array.items.length)
  }

  /** Lines `from`..`to` of the original hold exactly these items (pretty-printed input), or undefined. */
  private itemsRange(array: JsonArray, from: number, to: number): LineRange | undefined {
    if (!this.settings.multiline || array.lines.length !== array.items.length) return undefined
    const end = (i: number) => {
      const item = array.items[i]!
      return isScalar(item) ? array.lines[i]! : item.endLine
    }
    const start = array.lines[from]!
    const last = end(to)
    const before = from === 0 ? array.line : end(from - 1)
    const after = to + 1 < array.items.length ? array.lines[to + 1]! : array.endLine
    return before < start && last < after ? { from: start, to: last } : undefined
  }

  private range(from: number | undefined, to: number | undefined): LineRange | undefined {
    return this.settings.multiline && from !== undefined && to !== undefined && from > 0 ? { from, to } : undefined
  }

  private estimate(text: string): number {
    if (text.length <= SAMPLE_CHARS) return this.settings.countTokens(text)
    return (this.settings.countTokens(text.slice(0, SAMPLE_CHARS)) * text.length) / SAMPLE_CHARS
  }
}

const BARE_KEY = /^"[A-Za-z_$][A-Za-z0-9_$-]*"$/

/** A header key: bare when it is a plain identifier, else a JSON string. */
const headerName = (key: string): string => (BARE_KEY.test(key) ? key.slice(1, -1) : key)
