import { Context, Layer } from "effect"
import { BpeCounter, type RankTable } from "./bpe.ts"

export const ENCODINGS = ["o200k_base", "cl100k_base"] as const
export type EncodingName = (typeof ENCODINGS)[number]

/** A token count, and whether it is exact or extrapolated from samples. */
export interface TokenCount {
  readonly tokens: number
  readonly exact: boolean
}

export interface TokenizerShape {
  readonly encoding: EncodingName
  /**
   * True when counts stand in for a tokenizer that is not public (Anthropic models): every
   * count is then reported as an estimate, even when computed exactly in `encoding`.
   */
  readonly approximate: boolean
  /** Exact count in `encoding`. ~20 MB/s; loads the rank table on first use (~80 ms). */
  readonly count: (text: string) => number
  /**
   * Cheap count: exact for short texts, otherwise extrapolated from evenly spaced samples
   * (deterministic). Use it where an exact count of a huge input would dominate the run time.
   */
  readonly estimate: (text: string) => TokenCount
}

export class Tokenizer extends Context.Service<Tokenizer, TokenizerShape>()("headroom/Tokenizer") {}

/** Texts up to this many characters are always counted exactly by `estimate`. */
export const EXACT_ESTIMATE_LIMIT = 16 * 1024
const SAMPLE_COUNT = 16
const SAMPLE_CHARS = 1024

// Loaded synchronously on first count so that `--version` and `help` never pay for the tables.
const loadTable = (encoding: EncodingName): RankTable => {
  const module: { default?: RankTable } & RankTable =
    encoding === "o200k_base" ? require("js-tiktoken/ranks/o200k_base") : require("js-tiktoken/ranks/cl100k_base")
  // The CommonJS build exports the table itself, the ESM build as `default`.
  return module.default ?? module
}

const counters = new Map<EncodingName, BpeCounter>()
const counterFor = (encoding: EncodingName): BpeCounter => {
  let counter = counters.get(encoding)
  if (counter === undefined) {
    counter = new BpeCounter(loadTable(encoding))
    counters.set(encoding, counter)
  }
  return counter
}

export const makeTokenizer = (encoding: EncodingName, approximate = false): TokenizerShape => {
  const count = (text: string): number => (text.length === 0 ? 0 : counterFor(encoding).count(text))
  const estimate = (text: string): TokenCount => {
    if (text.length <= EXACT_ESTIMATE_LIMIT) return { tokens: count(text), exact: !approximate }
    let sampledChars = 0
    let sampledTokens = 0
    const span = text.length - SAMPLE_CHARS
    for (let k = 0; k < SAMPLE_COUNT; k++) {
      let start = Math.floor((k * span) / (SAMPLE_COUNT - 1))
      // Start at a line boundary when one is near, so samples tokenize as they would in place.
      const nl = text.indexOf("\n", start)
      if (nl !== -1 && nl - start < SAMPLE_CHARS / 2) start = nl + 1
      const sample = text.slice(start, start + SAMPLE_CHARS)
      sampledChars += sample.length
      sampledTokens += count(sample)
    }
    return { tokens: Math.round((sampledTokens / Math.max(1, sampledChars)) * text.length), exact: false }
  }
  return { encoding, approximate, count, estimate }
}

/**
 * Picks the encoding for a model name: OpenAI's tokenizers are public; Claude's is not, so Claude
 * models are counted with o200k_base and every count is labelled an estimate.
 */
export const encodingForModel = (model: string): { encoding: EncodingName; approximate: boolean } => {
  const m = model.toLowerCase()
  if (m.startsWith("claude") || m.includes("anthropic")) return { encoding: "o200k_base", approximate: true }
  if (/^(gpt-4(?!o|\.1|\.5)|gpt-3\.5|text-embedding-(ada|3))/.test(m)) return { encoding: "cl100k_base", approximate: false }
  return { encoding: "o200k_base", approximate: false }
}

export const TokenizerLayer = (encoding: EncodingName, approximate = false) =>
  Layer.sync(Tokenizer, () => makeTokenizer(encoding, approximate))
