/**
 * The JSON stage's work on one document: parse, plan what to keep, render, and fit a budget.
 */
import type { LineRange } from "../../markers/index.ts"
import type { Strategy } from "../../sdk/stage.ts"
import { fingerprint, sameValue } from "./fingerprint.ts"
import { parseJson } from "./parse.ts"
import { JSON_POLICIES, LOSSLESS_POLICY, scalePolicy, type JsonPolicy } from "./policy.ts"
import { renderJson, type RenderPlan, type SchemaCache } from "./render.ts"
import { describeItems, foldRepeats, selectItems, type Selection } from "./select.ts"
import { serializeJson } from "./serialize.ts"
import { analyze, type Analysis } from "./stats.ts"
import { isScalar, keyName, type JsonArray, type JsonNode, type JsonObject } from "./tree.ts"

/**
 * Deeper documents are only minified: every other pass walks the tree recursively. Real
 * documents stay far below; "[[[[…" input does not.
 */
const MAX_TREE_DEPTH = 256

export interface JsonRequest {
  readonly strategy: Strategy
  readonly lossless: boolean
  readonly keepPatterns: ReadonlyArray<RegExp>
  readonly maxTokens: number | undefined
  readonly countTokens: (text: string) => number
  /** A marker for something left out; `range` is a line range of the original. */
  readonly marker: (summary: string, range: LineRange | undefined) => string
}

/** The compressed document, or undefined when `text` is not JSON (or nothing would change). */
export const compressJson = (text: string, request: JsonRequest): string | undefined => {
  const parsed = parseJson(text, { lines: true })
  if (!parsed.ok) return undefined
  const values = parsed.values
  if (parsed.depth > MAX_TREE_DEPTH) return serializeJson(values)
  const policy = request.lossless ? LOSSLESS_POLICY : JSON_POLICIES[request.strategy]
  const document = new ParsedDocument(values, parsed.lines > 1, request)
  let output = document.render(policy)
  if (policy !== LOSSLESS_POLICY) {
    // Keeping every item (in tables) can cost less than selecting some in plain JSON; it must
    // win by the margin the extended syntax has to earn anyway.
    const whole = document.render(LOSSLESS_POLICY)
    const count = (text: string) => estimateTokens(text, request.countTokens)
    if (count(whole) <= count(output) * (1 - policy.tables.documentGain)) output = whole
  }
  const budget = request.maxTokens
  if (budget !== undefined && !request.lossless && request.countTokens(output) > budget) {
    // Largest level whose output fits; the smallest output if none does.
    const lossy = policy.lossy ? policy : JSON_POLICIES.balanced
    let low = 0
    let high = 1
    let best = document.render(scalePolicy(lossy, 0))
    if (request.countTokens(best) <= budget) {
      for (let step = 0; step < 8; step++) {
        const level = (low + high) / 2
        const candidate = document.render(scalePolicy(lossy, level))
        if (request.countTokens(candidate) <= budget) {
          best = candidate
          low = level
        } else {
          high = level
        }
      }
    }
    output = best
  }
  return output
}

/** One parsed document and what every rendering of it shares. */
class ParsedDocument {
  private analysis: Analysis | undefined
  private readonly schemas: SchemaCache = new Map()
  private arrays: Array<JsonArray> | undefined

  constructor(
    private readonly values: ReadonlyArray<JsonNode>,
    private readonly multiline: boolean,
    private readonly request: JsonRequest,
  ) {}

  render(policy: JsonPolicy): string {
    const kept = this.select(policy)
    const plan: RenderPlan = {
      kept,
      same: policy.sameAsChars === undefined ? new Map() : planReferences(this.values, kept, policy.sameAsChars),
      describe: policy.lossy ? (array, items) => describeItems(items, this.analysis?.populations.get(array)) : () => "each the same as the one before",
    }
    const settings = {
      raw: false,
      tables: undefined,
      strings: policy.lossy ? policy.strings : undefined,
      multiline: this.multiline,
      countTokens: this.request.countTokens,
      marker: this.request.marker,
    }
    const extended = renderJson(this.values, plan, { ...settings, raw: true, tables: policy.tables }, this.schemas)
    if (policy.tables.documentGain === 0 || !extended.extended) return extended.text
    const plain = renderJson(this.values, plan, settings, this.schemas)
    if (plain.extended) return extended.text
    // Plain JSON is read by anything: the extended syntax has to earn its place.
    const count = (text: string) => estimateTokens(text, this.request.countTokens)
    return count(extended.text) <= count(plain.text) * (1 - policy.tables.documentGain) ? extended.text : plain.text
  }

  private select(policy: JsonPolicy): Selection {
    const kept: Selection = new Map()
    if (policy.lossy) {
      this.analysis ??= analyze(this.values, {
        rareMax: policy.rareMax,
        representatives: policy.representatives,
        keepPatterns: this.request.keepPatterns,
      })
      for (const [array, scores] of this.analysis.scores) {
        const indices = selectItems(array, this.analysis.populations.get(array)!.size, scores, policy.selection)
        if (indices !== undefined) kept.set(array, indices)
      }
    } else if (policy.foldRepeats) {
      this.arrays ??= allArrays(this.values)
      for (const array of this.arrays) {
        const indices = foldRepeats(array)
        if (indices !== undefined) kept.set(array, indices)
      }
    }
    return kept
  }
}

/** Past this size a text's tokens are counted on evenly spaced samples. */
const EXACT_COUNT_CHARS = 1 << 20
const SAMPLES = 32
const SAMPLE_CHARS = 8192

/** Token count of `text`, extrapolated from samples when it is long: only comparisons need it. */
const estimateTokens = (text: string, count: (text: string) => number): number => {
  if (text.length <= EXACT_COUNT_CHARS) return count(text)
  const stride = (text.length - SAMPLE_CHARS) / (SAMPLES - 1)
  let tokens = 0
  for (let k = 0; k < SAMPLES; k++) {
    const start = Math.floor(k * stride)
    tokens += count(text.slice(start, start + SAMPLE_CHARS))
  }
  return (tokens * text.length) / (SAMPLES * SAMPLE_CHARS)
}

const allArrays = (values: ReadonlyArray<JsonNode>): Array<JsonArray> => {
  const arrays: Array<JsonArray> = []
  const visit = (node: JsonNode) => {
    if (isScalar(node)) return
    if (node.kind === "array") arrays.push(node)
    for (const child of node.kind === "object" ? node.values : node.items) visit(child)
  }
  values.forEach(visit)
  return arrays
}

/**
 * Object members that repeat the value at the same place in an earlier item (the `owner` of
 * every repository, the same series twice), at least `minChars` long, each mapped to the JSON
 * pointer of that first occurrence. Walks what will be shown, in output order, so every
 * reference points at something the reader has.
 */
const planReferences = (values: ReadonlyArray<JsonNode>, kept: Selection, minChars: number): Map<JsonObject | JsonArray, string> => {
  const same = new Map<JsonObject | JsonArray, string>()
  const first = new Map<string, { node: JsonNode; pointer: string }>()
  const visit = (node: JsonNode, pointer: string, place: string, member: boolean) => {
    if (isScalar(node)) return
    const print = fingerprint(node)
    // Nothing inside a value shorter than `minChars` is long enough either.
    if (print.size < minChars) return
    const key = `${print.hash} ${place}`
    const earlier = first.get(key)
    if (earlier !== undefined && member && sameValue(earlier.node, node)) {
      same.set(node, earlier.pointer)
      return
    }
    if (earlier === undefined) first.set(key, { node, pointer })
    if (node.kind === "object") {
      for (let i = 0; i < node.keys.length; i++) {
        const key = escapePointer(keyName(node.keys[i]!))
        visit(node.values[i]!, `${pointer}/${key}`, `${place}/${key}`, true)
      }
      return
    }
    const indices = kept.get(node)
    if (indices === undefined) for (let i = 0; i < node.items.length; i++) visit(node.items[i]!, `${pointer}/${i}`, `${place}/*`, false)
    else for (const i of indices) visit(node.items[i]!, `${pointer}/${i}`, `${place}/*`, false)
  }
  values.forEach((value, i) => visit(value, values.length > 1 ? `/${i}` : "", "", false))
  return same
}

const escapePointer = (key: string): string => key.replaceAll("~", "~0").replaceAll("/", "~1")
