import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { fakeContext } from "../../../test/support/context.ts"
import { redeemAll, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { parseMarkers } from "../../markers/index.ts"
import { makeBlock } from "../../sdk/block.ts"
import { Unchanged, type Strategy } from "../../sdk/stage.ts"
import { textCompressor } from "../text/index.ts"
import { expandJson } from "./expand.ts"
import { jsonCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

interface Options {
  readonly strategy?: Strategy
  readonly lossless?: boolean
  readonly keep?: ReadonlyArray<RegExp>
  readonly maxTokens?: number
  /** Run every built-in stage, not only this one. */
  readonly pipeline?: boolean
}

const compress = (text: string, options: Options = {}) =>
  store.compress(text, {
    kind: "json",
    strategy: options.strategy ?? "balanced",
    options: { lossless: options.lossless ?? false, keepSymbols: [], keepPatterns: options.keep ?? [] },
    ...(options.pipeline === true ? {} : { stages: [jsonCompressor, textCompressor] }),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
  })

/** 300 request events: routine ones, one CRITICAL, one failure, a slowest and a fastest. */
const events = () =>
  Array.from({ length: 300 }, (_, id) => ({
    id,
    level: id === 137 ? "CRITICAL" : "INFO",
    status: id === 200 ? "failed" : "ok",
    ...(id === 200 ? { error: "upstream refused connection to db-3:5432" } : {}),
    latency_ms: id === 77 ? 5400 : id === 250 ? 1 : 10 + ((id * 37) % 80),
    region: ["eu-west-1", "us-east-1", "ap-south-1"][id % 3],
    path: `/api/items/${id * 7}`,
  }))

const ids = (text: string): Array<number> => [...text.matchAll(/(?:^|[[,{]|"id":)(\d+),"(?:INFO|CRITICAL)"/gm)].map((m) => Number(m[1]))

describe("json stage, balanced", () => {
  test("keeps first and last, rare, extreme and failed items; sums up the rest", async () => {
    const input = JSON.stringify({ events: events() }, null, 2)
    const { text, summary } = await compress(input)
    expect(summary.transforms).toContain("json")
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.2)
    // The array says how long it really is.
    expect(text).toContain('"events":[#300')
    const kept = ids(text)
    for (const id of [0, 299, 137, 200, 77, 250]) expect(kept).toContain(id)
    expect(text).toContain("upstream refused connection to db-3:5432")
    // What was left out is summed up: value counts and ranges.
    expect(text).toMatch(/\[… \d+ rows omitted: [^\]]*status ok×\d+/)
    expect(text).toMatch(/latency_ms \d+–\d+/)
  })

  test("every marker redeems, and an item range holds exactly the items it replaced", async () => {
    const all = events()
    const input = JSON.stringify({ events: all }, null, 2)
    const { text } = await compress(input)
    const markers = parseMarkers(text)
    const redeemed = await redeemAll(store, text)
    let checked = 0
    for (const [i, marker] of markers.entries()) {
      const omitted = /^(\d+) rows? omitted/.exec(marker.summary)
      if (omitted === null || marker.range === undefined) continue
      const items = JSON.parse(`[${redeemed[i]!.trim().replace(/,$/, "")}]`) as Array<{ id: number }>
      expect(items.length).toBe(Number(omitted[1]))
      const first = items[0]!.id
      expect(items).toEqual(all.slice(first, first + items.length))
      checked++
    }
    expect(checked).toBeGreaterThan(2)
  })

  test("--keep keeps the items that match", async () => {
    const input = JSON.stringify({ events: events() })
    const { text } = await compress(input, { keep: [/"path":"\/api\/items\/1001"/] })
    expect(text).toContain('"/api/items/1001"')
    const { text: without } = await compress(input)
    expect(without).not.toContain('"/api/items/1001"')
  })

  test("a long string keeps its head and tail around a marker that redeems it", async () => {
    const log = Array.from({ length: 400 }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} INFO step ${i} done`).join("\n")
    const input = JSON.stringify({ job: "build", log: `${log}\nERROR: exit code 2` }, null, 2)
    const { text } = await compress(input)
    expect(text).toContain("step 0 done")
    expect(text).toContain("ERROR: exit code 2")
    expect(text).not.toContain("step 200 done")
    const [marker] = parseMarkers(text)
    expect(marker!.summary).toMatch(/^\d+ chars omitted$/)
    const [redeemed] = await redeemAll(store, text)
    expect(redeemed).toContain("step 200 done")
  })

  test("a numeric series keeps its first and last points, its extremes and its jumps", async () => {
    const values = Array.from({ length: 500 }, (_, i) => [1757332688 + 15 * i, i === 321 ? "97.5" : i >= 400 ? "40" : String((i % 7) / 10)])
    const input = JSON.stringify({ status: "success", data: { result: [{ metric: { pod: "api-1" }, values }] } })
    const { text } = await compress(input)
    expect(text).toContain("[#500 ")
    for (const i of [0, 321, 400, 499]) expect(text).toContain(`[${1757332688 + 15 * i},`)
    expect(text).toContain('"97.5"')
    expect(tokenizer.count(text)).toBeLessThan(tokenizer.count(input) / 10)
  })

  test("an array that loses a few items keeps its length and stays JSON", async () => {
    const body = (i: number) => Array.from({ length: 40 }, (_, k) => `word${(i * 31 + k * 7) % 97}`).join(" ")
    const input = JSON.stringify(Array.from({ length: 16 }, (_, i) => ({ call: `GET /v1/things/${i}`, status: i === 9 ? 500 : 200, body })).map((item, i) => ({ ...item, body: body(i) })))
    const { text } = await compress(input)
    const output = JSON.parse(text) as Array<unknown>
    expect(output.length).toBe(16)
    expect(output[9]).toMatchObject({ status: 500 })
    expect(output.filter((item) => item === "…").length).toBeGreaterThan(0)
    expect(output.find((item) => typeof item === "string" && item.startsWith("[… "))).toMatch(/items omitted/)
  })

  test("a conversation keeps every message, long contents shortened", async () => {
    const messages = Array.from({ length: 40 }, (_, i) => ({
      role: i % 2 === 0 ? "user" : "assistant",
      content: `message ${i}: ${"lorem ipsum ".repeat(i % 5 === 0 ? 300 : 5)}`,
    }))
    const { text } = await compress(JSON.stringify(messages))
    const output = JSON.parse(text) as typeof messages
    expect(output.length).toBe(40)
    output.forEach((message, i) => expect(message.content.startsWith(`message ${i}:`)).toBe(true))
    expect(output[0]!.content).toMatch(/chars omitted/)
  })

  test("a value repeated item after item is shown once and referred to", async () => {
    const owner = {
      login: "octocat",
      id: 1,
      url: "https://api.github.com/users/octocat",
      html_url: "https://github.com/octocat",
      followers_url: "https://api.github.com/users/octocat/followers",
      repos_url: "https://api.github.com/users/octocat/repos",
      type: "User",
    }
    // Keys in two orders: no table, where the owner would be a constant of the header.
    const repos = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? { name: `repo-${i}`, owner } : { owner, name: `repo-${i}` }))
    const { text } = await compress(JSON.stringify(repos, null, 2))
    expect(text.match(/"octocat"/g)!.length).toBe(1)
    expect(text).toContain("7 keys, same as /0/owner")
    expect((JSON.parse(text) as Array<unknown>).length).toBe(8)
    await redeemAll(store, text)
  })

  test("is deterministic", async () => {
    const input = JSON.stringify({ events: events() })
    const first = await compress(input)
    const second = await compress(input)
    expect(second.text).toBe(first.text)
  })

  test("fits --max-tokens by keeping fewer items", async () => {
    const input = JSON.stringify({ events: events() })
    for (const budget of [2000, 600, 250]) {
      const { text } = await compress(input, { maxTokens: budget })
      expect(tokenizer.count(text)).toBeLessThanOrEqual(budget)
      expect(text).toContain("[#300")
    }
  })
})

describe("json stage, other strategies", () => {
  test("aggressive keeps less than balanced, conservative drops only repeats", async () => {
    const input = JSON.stringify({ events: events() })
    const sizes = await Promise.all((["conservative", "balanced", "aggressive"] as const).map(async (strategy) => tokenizer.count((await compress(input, { strategy })).text)))
    expect(sizes[0]!).toBeGreaterThan(sizes[1]!)
    expect(sizes[1]!).toBeGreaterThan(sizes[2]!)

    const line = "worker 3 retrying connection to db-3:5432 (attempt limit reached)"
    const repeated = JSON.stringify({ lines: ["start", ...Array<string>(10).fill(line), "end"] })
    const { text } = await compress(repeated, { strategy: "conservative" })
    expect(JSON.parse(text).lines).toEqual(["start", line, expect.stringMatching(/^\[… 9 items omitted: each the same as the one before · retrieve/), ...Array<string>(8).fill("…"), "end"])
    const conservative = (await compress(input, { strategy: "conservative" })).text
    expect(parseMarkers(conservative)).toEqual([])
  })

  test("--lossless output expands back to the input, through every later stage", async () => {
    const input = readFileSync(join(import.meta.dir, "../../../test/fixtures/json/trivy-helm.json"), "utf8")
    const records = JSON.stringify(Array.from({ length: 6 }, (_, i) => ({ name: `job-${i}`, log: `line 1\n  "quoted" line 2\n\nline ${i}`, ok: i !== 3 })))
    // Rows that would be blank lines, which the text stage squeezes: no table for those.
    const sparse = JSON.stringify([{ a: 1 }, {}, {}, {}, { a: 2 }, { a: 3 }])
    const same = JSON.stringify(Array.from({ length: 8 }, () => ({ kind: "pod", ready: true })))
    for (const text of [input, records, sparse, same]) {
      const { text: output } = await compress(text, { lossless: true, pipeline: true })
      const expansion = expandJson(output)
      if (!expansion.ok) throw new Error(expansion.message)
      expect(JSON.parse(expansion.json)).toEqual(JSON.parse(text))
    }
    expect((await compress(records, { lossless: true, pipeline: true })).text).toContain("[#6{")
  })
})

describe("json stage, hostile input", () => {
  const run = (text: string) => {
    const { ctx } = fakeContext()
    return Effect.runPromise(jsonCompressor.run(makeBlock(text, { kind: "json" }), ctx))
  }

  test("malformed JSON is left to the text stage, never throws", async () => {
    for (const bad of ['{"a": 1,', '{"a": [1, 2,]}', "{'a': 1}", '{"a": NaN}', "// settings\n{\"a\": 1}", '{"a": 1} trailing', ""]) {
      expect(await run(bad)).toBe(Unchanged)
    }
    const { text, summary } = await compress('{\n  "truncated": [1, 2,\n')
    expect(summary.errors).toEqual([])
    expect(text).toBe('{\n  "truncated": [1, 2,\n')
  })

  test("10k levels of nesting are minified, in bounded time", async () => {
    const depth = 10_000
    const input = `${"[ ".repeat(depth)}1${" ]".repeat(depth)}`
    const started = performance.now()
    const result = await run(input)
    expect(performance.now() - started).toBeLessThan(2000)
    expect(result !== Unchanged && result.text).toBe(`${"[".repeat(depth)}1${"]".repeat(depth)}`)
  })

  test("200k-item arrays in bounded time", async () => {
    const input = JSON.stringify(Array.from({ length: 200_000 }, (_, i) => ({ id: i, name: `item-${i}`, ok: i !== 123_456 })))
    const started = performance.now()
    const result = await run(input)
    expect(performance.now() - started).toBeLessThan(10_000)
    if (result === Unchanged) throw new Error("unchanged")
    expect(result.text).toContain("[#200000")
    expect(result.text).toContain('123456,"item-123456",false')
    expect(result.text.length).toBeLessThan(5000)
  })
})
