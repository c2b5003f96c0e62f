import { describe, expect, test } from "bun:test"
import { Tiktoken } from "js-tiktoken/lite"
import cl100k from "js-tiktoken/ranks/cl100k_base"
import o200k from "js-tiktoken/ranks/o200k_base"
import { BpeCounter } from "./bpe.ts"
import { EXACT_ESTIMATE_LIMIT, encodingForModel, makeTokenizer } from "./index.ts"
import { prng } from "../../test/support/random.ts"


const randomHex = (length: number, seed: number): string => {
  const random = prng(seed)
  let s = ""
  for (let i = 0; i < length; i++) s += "0123456789abcdef"[Math.floor(random() * 16)]
  return s
}

const base64Blob = (length: number, seed: number): string => {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
  const random = prng(seed)
  let s = ""
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(random() * 64)]
  return `${s}==`
}

// Long single pieces are kept near 1,000 characters: js-tiktoken merges in O(n²), and it is the
// reference here, not the thing under test.
const LONG_TEXTS: ReadonlyArray<[string, string]> = [
  ["run of spaces", `a${" ".repeat(1001)}b`],
  ["run of =", "=".repeat(1001)],
  ["5,000-char base64 blob (no whitespace)", base64Blob(4998, 3)],
  ["600-char single-piece word", "abcdefghijklmnopqrstuvwxyz".repeat(24).slice(0, 600)],
]

const TEXTS: ReadonlyArray<[string, string]> = [
  ["empty", ""],
  ["English prose", "The quick brown fox jumps over the lazy dog. It's 3:45 p.m., and we've got 1,234 reasons to stay!\n"],
  [
    "code",
    [
      "export const squeeze = (text: string, kind: ContentKind): string => {",
      "  const lines = text.split(\"\\n\")",
      "  for (let i = 0; i < lines.length; i++) {",
      "    if (lines[i]?.trimEnd() !== lines[i]) console.log(`line ${i + 1}`)",
      "  }",
      "  return lines.join(\"\\n\") // done",
      "}",
      "def main(argv):\n\tprint(f\"{argv!r}\")\n",
    ].join("\n"),
  ],
  [
    "log lines",
    [
      "2024-01-23T08:30:15.123Z INFO  [http-nio-8080-exec-4] c.e.OrderService - Fetching order 98231 (12 ms)",
      "2024-01-23T08:30:15.456Z WARN  [pool-2-thread-1] c.e.Retry - attempt 3/5 failed: java.net.SocketTimeoutException: Read timed out",
      "Mar  3 09:14:07 web-01 sshd[20433]: Accepted publickey for deploy from 10.0.4.12 port 51422 ssh2",
      "\tat com.example.Foo.bar(Foo.java:42)",
    ].join("\n"),
  ],
  ["JSON", JSON.stringify({ id: 12, name: "ünïcødé", tags: ["a", "b"], nested: { ok: true, n: null, f: -1.5e-7 } }, null, 2)],
  ["CJK", "日本語のテキストを数えます。中文文本也一样。한국어 텍스트도 있습니다。"],
  ["emoji", "Deploy 🚀 done ✅ — team 👩‍💻👨‍👩‍👧‍👦 flags 🇯🇵🇫🇷 skin 👍🏽 ok"],
  ["newlines and tabs", `${"\n".repeat(100)}${"\t".repeat(100)}x\r\n\r\n  \n`],
  ["random hex", randomHex(2000, 7)],
  ["lone surrogates", "bytes \uDCFF\uDC80 here \uD800 and \uDFFF there \uDCC3\uDCA9"],
  ["digits", "3141592653589793238462643383279502884197169399375105820974944592307816406286"],
  ["mixed scripts", "Привет, мир! Γειά σου Κόσμε! مرحبا بالعالم שלום עולם नमस्ते दुनिया"],
]

const JOINED = TEXTS.map(([, t]) => t).join("\n")

const REFERENCES = { o200k_base: new Tiktoken(o200k), cl100k_base: new Tiktoken(cl100k) }

describe("BpeCounter counts exactly like js-tiktoken", () => {
  for (const [encoding, ranks] of [
    ["o200k_base", o200k],
    ["cl100k_base", cl100k],
  ] as const) {
    const reference = REFERENCES[encoding]
    const counter = new BpeCounter(ranks)
    for (const [name, text] of [...TEXTS, ...LONG_TEXTS]) {
      test(`${encoding}: ${name}`, () => {
        expect(counter.count(text)).toBe(reference.encode(text).length)
      })
    }
    test(`${encoding}: 300 random short strings over a mixed alphabet`, () => {
      const alphabet = [..."aaeeiioo tTsS  \n\t0123456789.,;:'\"!?-_=/()[]{}<>éßøЖж日本語한🚀👍\u200d"]
      alphabet.push("\uDCFF", "\uD800", "\r\n", "    ", "'s", "'re", "ing", "the ")
      const random = prng(2024)
      for (let n = 0; n < 300; n++) {
        let text = ""
        const length = 1 + Math.floor(random() * 40)
        for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)]
        const expected = reference.encode(text).length
        if (counter.count(text) !== expected) expect(`${counter.count(text)} for ${JSON.stringify(text)}`).toBe(`${expected}`)
      }
    })
    test(`${encoding}: repeated counting gives the same answer (piece cache)`, () => {
      const first = counter.count(JOINED)
      expect(counter.count(JOINED)).toBe(first)
      expect(first).toBe(reference.encode(JOINED).length)
    })
  }
})

/** ~1 MB of varied log lines, deterministic. */
const bigLog = (): string => {
  const random = prng(99)
  const levels = ["INFO", "WARN", "DEBUG", "ERROR"]
  const words = ["order", "payment", "user", "session", "cache", "retry", "timeout", "commit", "fetch", "flush"]
  const out: Array<string> = []
  let length = 0
  for (let i = 0; length < 1024 * 1024; i++) {
    const w1 = words[Math.floor(random() * words.length)]!
    const w2 = words[Math.floor(random() * words.length)]!
    const line = `2024-01-23T08:${String(i % 60).padStart(2, "0")}:15.${i % 1000}Z ${levels[i % 4]} [worker-${i % 13}] ${w1} ${w2} id=${Math.floor(random() * 1e6)} took ${Math.floor(random() * 900)} ms`
    out.push(line)
    length += line.length + 1
  }
  return out.join("\n")
}

describe("makeTokenizer", () => {
  const o200kTokenizer = makeTokenizer("o200k_base")

  test("reports its encoding; not approximate by default", () => {
    expect(o200kTokenizer.encoding).toBe("o200k_base")
    expect(o200kTokenizer.approximate).toBe(false)
  })

  test("empty text is zero tokens", () => {
    expect(o200kTokenizer.count("")).toBe(0)
    expect(o200kTokenizer.estimate("")).toEqual({ tokens: 0, exact: true })
  })

  test("count matches js-tiktoken for both encodings", () => {
    expect(o200kTokenizer.count(JOINED)).toBe(REFERENCES.o200k_base.encode(JOINED).length)
    expect(makeTokenizer("cl100k_base").count(JOINED)).toBe(REFERENCES.cl100k_base.encode(JOINED).length)
  })

  test("estimate is exact for short texts", () => {
    for (const [, text] of TEXTS) expect(o200kTokenizer.estimate(text)).toEqual({ tokens: o200kTokenizer.count(text), exact: true })
    const atLimit = "word ".repeat(EXACT_ESTIMATE_LIMIT).slice(0, EXACT_ESTIMATE_LIMIT)
    expect(atLimit.length).toBe(EXACT_ESTIMATE_LIMIT)
    expect(o200kTokenizer.estimate(atLimit)).toEqual({ tokens: o200kTokenizer.count(atLimit), exact: true })
  })

  test("estimate of a ~1 MB text is within 10% of the exact count, flagged inexact, and deterministic", () => {
    const text = bigLog()
    expect(text.length).toBeGreaterThan(1_000_000)
    const exact = o200kTokenizer.count(text)
    const estimate = o200kTokenizer.estimate(text)
    expect(estimate.exact).toBe(false)
    expect(Math.abs(estimate.tokens - exact) / exact).toBeLessThan(0.1)
    expect(o200kTokenizer.estimate(text)).toEqual(estimate)
    expect(makeTokenizer("o200k_base").estimate(text)).toEqual(estimate)
  })

  test("an approximate tokenizer never claims exactness", () => {
    const approx = makeTokenizer("o200k_base", true)
    expect(approx.approximate).toBe(true)
    const text = "The quick brown fox."
    expect(approx.estimate(text)).toEqual({ tokens: o200kTokenizer.count(text), exact: false })
    expect(approx.count(text)).toBe(o200kTokenizer.count(text))
  })
})

describe("encodingForModel", () => {
  test("Claude models: o200k_base, approximate", () => {
    for (const model of ["claude-3-5-sonnet-20241022", "claude-opus-4", "Claude-Sonnet-4.5", "anthropic/claude-3-haiku"]) {
      expect(encodingForModel(model)).toEqual({ encoding: "o200k_base", approximate: true })
    }
  })

  test("GPT-4 and GPT-3.5: cl100k_base", () => {
    for (const model of ["gpt-4", "gpt-4-turbo", "gpt-4-0613", "gpt-3.5-turbo", "text-embedding-3-small", "text-embedding-ada-002"]) {
      expect(encodingForModel(model)).toEqual({ encoding: "cl100k_base", approximate: false })
    }
  })

  test("newer OpenAI models: o200k_base", () => {
    for (const model of ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.5-preview", "o1", "o3", "o4-mini", "gpt-5", "GPT-4o"]) {
      expect(encodingForModel(model)).toEqual({ encoding: "o200k_base", approximate: false })
    }
  })
})
