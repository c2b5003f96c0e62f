/**
 * Lossless round trip: `compress --lossless` then `expand` gives back JSON equal to the input
 * (same values, key order, duplicate keys and number spellings), over many generated documents
 * and real API responses.
 */
import { describe, expect, test } from "bun:test"
import { readFileSync, readdirSync } from "node:fs"
import { join } from "node:path"
import { prng } from "../../../test/support/random.ts"
import { tokenizer } from "../../../test/support/pipeline.ts"
import { STRATEGIES, type Strategy } from "../../sdk/stage.ts"
import { compressJson } from "./compress.ts"
import { expandJson } from "./expand.ts"
import { parseJson } from "./parse.ts"
import { serializeJson } from "./serialize.ts"
import { isScalar, type JsonNode } from "./tree.ts"

const FIXTURES = join(import.meta.dir, "../../../test/fixtures/json")

/** The document as canonical JSON: equal values give equal text. */
const canonical = (text: string): string => {
  const parsed = parseJson(text)
  if (!parsed.ok) throw new Error(`not JSON: ${parsed.message}`)
  return serializeJson(parsed.values, { canonical: true })
}

const compressLossless = (text: string, strategy: Strategy = "balanced") =>
  compressJson(text, {
    strategy,
    lossless: true,
    keepPatterns: [],
    maxTokens: undefined,
    countTokens: tokenizer.count,
    marker: () => {
      throw new Error("lossless output must not omit anything")
    },
  })

const expand = (text: string): string => {
  const expansion = expandJson(text)
  if (!expansion.ok) throw new Error(expansion.message)
  return expansion.json
}

/** Random JSON documents, written as text so number spellings and escapes are ours to choose. */
const documents = (seed: number) => {
  const random = prng(seed)
  const int = (n: number) => Math.floor(random() * n)
  const pick = <T>(xs: ReadonlyArray<T>): T => xs[int(xs.length)]!
  const NUMBERS = ["0", "-0", "7", "-12", "1.0", "1.50", "0.1", "1e5", "1E-7", "-2.5e+10", "12345678901234567890", "9007199254740993", "3.141592653589793238"]
  const STRINGS = [
    "",
    "ok",
    "failed",
    "12",
    "true",
    "null",
    "é",
    "😀",
    "a,b",
    "{}",
    "[#2 x]",
    "[… 3 items omitted]",
    "line one\nline two",
    'say "hi"',
    "C:\\temp\\new",
    "tab\tstop",
    "back`tick",
    "``fenced`",
    "`",
    "trailing \nspace",
    "gap\n\n\nthree",
    "\u0001control",
    "\u2028separator",
  ]
  const KEYS = ["id", "name", "status", "kind", "x-request-id", "a.b", "aws/score", "0", "", "ключ", "meta", "tags", "spec"]
  const string = (): string => {
    const r = random()
    if (r < 0.08) return pick(['"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"a\\/b"', '"\\b\\f\\r"'])
    return JSON.stringify(r < 0.9 ? pick(STRINGS) : `word-${int(50)}`)
  }
  const scalar = (): string => {
    const r = random()
    return r < 0.35 ? string() : r < 0.7 ? pick(NUMBERS) : pick(["true", "false", "null"])
  }
  const value = (depth: number): string => {
    const r = random()
    if (depth > 4 || r < 0.4) return scalar()
    if (r < 0.55) return object(depth + 1, pick(KEYS.slice(0, 3 + int(6))) === "id" ? [] : shuffled(KEYS).slice(0, int(5)))
    if (r < 0.7) return `[${Array.from({ length: int(5) }, () => value(depth + 1)).join(",")}]`
    return records(depth + 1)
  }
  const shuffled = <T>(xs: ReadonlyArray<T>): Array<T> => {
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = int(i + 1)
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }
  const object = (depth: number, keys: ReadonlyArray<string>): string => {
    const members = keys.map((k) => `${JSON.stringify(k)}:${value(depth)}`)
    if (random() < 0.05 && keys.length > 0) members.push(`${JSON.stringify(keys[0])}:${scalar()}`)
    return `{${members.join(",")}}`
  }
  /** An array of objects sharing keys (a table candidate): keys dropped, constants, nested objects, one-element arrays. */
  const records = (depth: number): string => {
    const keys = shuffled(KEYS).slice(0, 2 + int(6))
    const constant = keys.map(() => (random() < 0.3 ? value(depth + 1) : undefined))
    const nested = keys.map(() => random() < 0.2)
    const rows = Array.from({ length: 1 + int(8) }, () => {
      const members: Array<string> = []
      for (const [i, key] of keys.entries()) {
        if (random() < 0.15) continue
        let v = constant[i] ?? value(depth + 1)
        if (nested[i]) v = random() < 0.5 ? `{"phase":${scalar()},"reason":${scalar()}}` : `[{"v":${scalar()}}]`
        if (random() < 0.03) v = "{}"
        members.push(`${JSON.stringify(key)}:${v}`)
      }
      return `{${members.join(",")}}`
    })
    return `[${rows.join(",")}]`
  }
  const pretty = (text: string): string => {
    const parsed = parseJson(text)
    if (!parsed.ok) throw new Error(parsed.message)
    const write = (node: JsonNode, indent: string): string => {
      if (isScalar(node)) return node
      const inner = `${indent}  `
      if (node.kind === "array") return node.items.length === 0 ? "[]" : `[\n${node.items.map((item) => inner + write(item, inner)).join(",\n")}\n${indent}]`
      if (node.keys.length === 0) return "{}"
      return `{\n${node.keys.map((k, i) => `${inner}${k}: ${write(node.values[i]!, inner)}`).join(",\n")}\n${indent}}`
    }
    return parsed.values.map((v) => write(v, "")).join("\n")
  }
  return (): string => {
    const count = random() < 0.1 ? 2 : 1
    const parts = Array.from({ length: count }, () => (random() < 0.5 ? records(0) : object(0, shuffled(KEYS).slice(0, 2 + int(8)))))
    const text = parts.join("\n")
    return random() < 0.3 ? pretty(text) : text
  }
}

describe("lossless round trip", () => {
  test("generated documents come back equal, and tables are used on the way", () => {
    const next = documents(20240501)
    let tables = 0
    for (let n = 0; n < 300; n++) {
      const input = next()
      const output = compressLossless(input) ?? input
      if (output.includes("[#")) tables++
      expect(canonical(expand(output))).toBe(canonical(input))
    }
    expect(tables).toBeGreaterThan(50)
  })

  test("--lossless drops nothing whatever the strategy", () => {
    const next = documents(7)
    for (let n = 0; n < 40; n++) {
      const input = next()
      for (const strategy of STRATEGIES) {
        const output = compressLossless(input, strategy) ?? input
        expect(canonical(expand(output))).toBe(canonical(input))
      }
    }
  })

  test("real API responses come back equal, in far fewer tokens", () => {
    for (const file of readdirSync(FIXTURES).filter((f) => f.endsWith(".json"))) {
      const input = readFileSync(join(FIXTURES, file), "utf8")
      const output = compressLossless(input)!
      expect(canonical(expand(output))).toBe(canonical(input))
      expect(JSON.parse(expand(output))).toEqual(JSON.parse(input))
      expect(tokenizer.count(output)).toBeLessThan(tokenizer.count(input) * 0.8)
    }
  })

  test("numbers keep their spelling, strings their value", () => {
    const input = '[{"n":1.0,"s":"\\u00e9"},{"n":1e5,"s":"x"},{"n":12345678901234567890,"s":"\\ud800"}]'
    const output = compressLossless(input)!
    expect(output).toContain("[#3{n,s}")
    expect(expand(output)).toBe('[{"n":1.0,"s":"é"},{"n":1e5,"s":"x"},{"n":12345678901234567890,"s":"\\ud800"}]')
    // A byte that was not UTF-8 (read as a lone surrogate) goes back out as the same byte.
    const bytes = '[{"s":"\udcff\\n"},{"s":"ok"},{"s":"fine"}]'
    expect(expand(compressLossless(bytes)!)).toBe(bytes)
  })
})
