import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { parseMarkers } from "../../markers/index.ts"
import { DEFAULT_STAGE_OPTIONS, Unchanged, makeBlock, type Strategy } from "../../sdk/index.ts"
import { fakeContext } from "../../../test/support/context.ts"
import { expectRedeemsExactly, redeemAll, stageRunner, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { searchCompressor } from "./index.ts"
import { SEARCH_POLICIES } from "./policy.ts"

const store = withStore()
afterAll(store.cleanup)

// Outputs of grep, rg and rg --json over a small TypeScript project written for these tests
// (three source files and a minified bundle of one very long line).
const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/search", name), "utf8")
const GREP = fixture("grep.txt") // grep -rn logger src dist
const GREP_CONTEXT = fixture("grep-context.txt") // grep -rn -C2 logger.warn src
const RG_HEADING = fixture("rg-heading.txt") // rg -n --heading logger src
const VIMGREP = fixture("vimgrep.txt") // rg --vimgrep logger .
const RG_JSON = fixture("rg.json") // rg --json -C1 logger src dist
const SINGLE = fixture("single.txt") // grep -n logger src/api/routes.ts

const compress = stageRunner(store, searchCompressor, "search")

/** Match lines per path in `path:line:…` output (context lines and markers are not matches). */
const matchesPerPath = (text: string) => {
  const counts = new Map<string, number>()
  for (const line of text.split("\n")) {
    const m = /^([^\s:]+):\d+:/.exec(line)
    if (m !== null) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1)
  }
  return counts
}

const expectMarkersRedeem = (output: string, original: string) => expectRedeemsExactly(store, output, original)

/** Every file stays listed, and kept plus omitted matches add up to the file's count. */
const expectEveryFileCounted = (output: string, original: string) => {
  const before = matchesPerPath(original)
  const after = matchesPerPath(output)
  const omitted = new Map<string, number>()
  for (const m of parseMarkers(output)) {
    const o = /^(\d+) of (\d+) matches in (\S+) omitted/.exec(m.summary)
    if (o !== null) {
      omitted.set(o[3]!, Number(o[1]))
      expect(Number(o[2])).toBe(before.get(o[3]!)!)
    }
  }
  for (const [path, count] of before) {
    expect(output).toContain(path)
    expect((after.get(path) ?? 0) + (omitted.get(path) ?? 0)).toBe(count)
  }
}

describe("search compressor", () => {
  for (const strategy of ["conservative", "balanced", "aggressive"] as const) {
    test(`${strategy}: grep -rn lists every file with its count, at most the strategy's cap of matches each`, async () => {
      const { text, summary } = await compress(GREP, { strategy })
      expect(summary.transforms).toEqual(["search"])
      expectEveryFileCounted(text, GREP)
      for (const [, kept] of matchesPerPath(text)) expect(kept).toBeLessThanOrEqual(SEARCH_POLICIES[strategy].matchesPerFile)
      // Kept lines are the original lines, except long ones cut around the match.
      const original = new Set(GREP.split("\n"))
      for (const line of text.split("\n")) if (!line.startsWith("[… ") && !line.includes("…")) expect(original.has(line)).toBe(true)
      await expectMarkersRedeem(text, GREP)
    })
  }

  test("keeps the first matches, then the most distinct ones, and folds identical texts", async () => {
    const { text } = await compress(GREP)
    const cron = text.split("\n").filter((l) => l.startsWith("src/jobs/cron.ts:"))
    expect(cron[0]).toBe('src/jobs/cron.ts:1:import { logger } from "../util/logger"')
    // "logger.debug("tick")" is in every job: it is kept once and the repeats are counted.
    expect(cron.filter((l) => l.endsWith('logger.debug("tick")'))).toHaveLength(1)
    expect(text).toMatch(/5 of 13 matches in src\/jobs\/cron.ts omitted, 5× "logger.debug\('tick'\)"/)
    const routes = text.split("\n").filter((l) => l.startsWith("src/api/routes.ts:"))
    expect(routes.slice(0, 4).map((l) => l.split(":")[1])).toEqual(["1", "5", "8", "15"])
    // Beyond the first four, picks spread over the file.
    expect(Number(routes.at(-1)!.split(":")[1])).toBeGreaterThan(100)
  })

  test("a minified line is cut around the match, with a marker", async () => {
    for (const input of [GREP, VIMGREP, RG_JSON]) {
      const { text } = await compress(input)
      const bundle = text.split("\n").find((l) => l.includes("dist/bundle.min.js:1:"))!
      expect(bundle).toContain("var logger={info:function(m){console.log(m)}}")
      expect(bundle.length).toBeLessThan(260)
      expect(bundle).toMatch(/:…function f2\d\d.*…$/)
      expect(text).toMatch(/\[… 1 long line in \S*dist\/bundle.min.js cut to 200 characters/)
    }
  })

  test("grep -C keeps context next to kept matches, by strategy, with separators only between kept lines", async () => {
    const context = async (strategy: Strategy) => {
      const { text } = await compress(GREP_CONTEXT, { strategy })
      const lines = text.split("\n").filter((l) => l !== "")
      expect(lines[0]).not.toBe("--")
      for (let i = 1; i < lines.length; i++) expect(lines[i] === "--" && lines[i - 1] === "--").toBe(false)
      expect(lines.at(-2)).not.toBe("--")
      await expectMarkersRedeem(text, GREP_CONTEXT)
      return lines.filter((l) => /^\S+-\d+-/.test(l)).length / lines.filter((l) => /^\S+:\d+:/.test(l)).length
    }
    expect(await context("conservative")).toBe(4)
    expect(await context("balanced")).toBe(2)
    expect(await context("aggressive")).toBe(0)
  })

  test("rg --heading keeps each heading and the blank line between files", async () => {
    const { text } = await compress(RG_HEADING, { strategy: "aggressive" })
    for (const heading of ["src/api/routes.ts", "src/jobs/cron.ts", "src/util/logger.ts"]) expect(text).toContain(`${heading}\n`)
    expect(text).toMatch(/^src\/api\/routes.ts\n1:import \{ logger \}/)
    expect(text).toMatch(/\d+ of 29 matches in src\/api\/routes.ts omitted.*\]\n\nsrc\/jobs\/cron.ts\n/)
    await expectMarkersRedeem(text, RG_HEADING)
  })

  test("grep -n on one file: numbers only", async () => {
    const { text } = await compress(SINGLE, { strategy: "aggressive" })
    expect(text.split("\n").filter((l) => /^\d+:/.test(l))).toHaveLength(3)
    expect(text).toContain("26 of 29 matches in this file omitted")
    await expectMarkersRedeem(text, SINGLE)
  })

  test("rg --json becomes path:line:text; markers redeem the JSON messages", async () => {
    const { text } = await compress(RG_JSON)
    expect(text).not.toContain('{"type"')
    expect(text).toContain('src/api/routes.ts:1:import { logger } from "../util/logger"')
    expect(text).toContain('src/api/routes.ts-2-import { db } from "../db"')
    expect(text).toContain("src/util/logger.ts:1:export const logger = {")
    expect(text).toMatch(/\[… 125 ripgrep JSON messages shown as path:line:text · retrieve [0-9a-f]{12}\]\n$/)
    const markers = await expectMarkersRedeem(text, RG_JSON)
    const routes = markers.find((m) => m.summary.includes("src/api/routes.ts"))!
    expect(routes.summary).toMatch(/^21 of 29 matches in src\/api\/routes.ts omitted/)
  })

  test("rg --json lines given as base64 bytes decode like text", async () => {
    const bytes = (s: string) => Buffer.from(s, "latin1").toString("base64")
    const rg = [
      '{"type":"begin","data":{"path":{"text":"legacy/latin1.txt"}}}',
      ...Array.from({ length: 30 }, (_, i) =>
        JSON.stringify({ type: "match", data: { path: { text: "legacy/latin1.txt" }, lines: { bytes: bytes(`caf\xe9 order ${i} ready\n`) }, line_number: i + 1, absolute_offset: i * 20, submatches: [] } }),
      ),
      '{"type":"end","data":{"path":{"text":"legacy/latin1.txt"},"binary_offset":null,"stats":{"matches":30}}}',
      "",
    ].join("\n")
    const { text } = await compress(rg)
    expect(text).toContain("legacy/latin1.txt:1:caf\udce9 order 0 ready")
    expect(text).toContain("22 of 30 matches in legacy/latin1.txt omitted")
  })

  test("--keep lines always stay", async () => {
    const { text } = await compress(GREP, { strategy: "aggressive", keep: [/handler11 start/] })
    expect(text).toContain('src/api/routes.ts:115:  logger.info("handler11 start", { path: req.url })')
    expectEveryFileCounted(text, GREP)
  })

  test("CRLF output keeps its CR on kept lines and markers", async () => {
    const crlf = GREP.replaceAll("\n", "\r\n")
    const { text } = await compress(crlf)
    expect(text).toContain('src/api/routes.ts:1:import { logger } from "../util/logger"\r\n')
    expect(text.split("\n").slice(0, -1).every((l) => l.endsWith("\r"))).toBe(true)
  })

  test("binary-file notes and other lines stay as they are", async () => {
    const input = `grep: src/cache: Permission denied\n${GREP}Binary file dist/logo.png matches\n`
    const { text } = await compress(input)
    expect(text).toStartWith("grep: src/cache: Permission denied\n")
    expect(text).toEndWith("Binary file dist/logo.png matches\n")
  })

  test("a token budget: one match per file first, then files by a marker alone, then whole directories", async () => {
    const full = await compress(GREP, { strategy: "conservative" })
    const lean = await compress(GREP, { strategy: "conservative", maxTokens: Math.floor(full.summary.after!.tokens * 0.6) })
    expect(lean.summary.after!.tokens).toBeLessThanOrEqual(Math.floor(full.summary.after!.tokens * 0.6))
    expectEveryFileCounted(lean.text, GREP)
    const tight = await compress(GREP, { maxTokens: 120 })
    expect(tokenizer.count(tight.text)).toBeLessThanOrEqual(120)
    for (const path of ["src/util/logger.ts", "src/jobs/cron.ts", "src/api/routes.ts", "dist/bundle.min.js"]) expect(tight.text).toContain(path)
    await expectMarkersRedeem(tight.text, GREP)
    const tiny = await compress(GREP, { maxTokens: 40 })
    expect(tokenizer.count(tiny.text)).toBeLessThanOrEqual(40)
    expect(tiny.text).toMatch(/^\[… 45 matches in 4 files omitted · retrieve [0-9a-f]{12}:1-45\]\n$/)
  })

  test("deterministic, and --lossless leaves the output alone", async () => {
    expect((await compress(RG_JSON)).text).toBe((await compress(RG_JSON)).text)
    const { ctx } = fakeContext({ options: { ...DEFAULT_STAGE_OPTIONS, lossless: true } })
    expect(await Effect.runPromise(searchCompressor.run(makeBlock(GREP, { kind: "search" }), ctx))).toBe(Unchanged)
  })

  test("malformed input never throws", async () => {
    const junk = [
      '{"type":"match","data":{"path":{"text":"a.ts"},"lines":{"text":"x\\n"},"line_number":"seven"}}',
      '{"type":"match","data":null}',
      '{"type":"begin"',
      "::::",
      "a.ts:1",
      "a.ts-",
      "-1-",
      "--",
      ":12:",
      "12:",
      "\udcff\udcfe:3:bytes",
      "x".repeat(5000),
    ]
    for (let n = 1; n <= junk.length; n++) {
      const text = junk.slice(0, n).join("\n")
      for (const strategy of ["conservative", "aggressive"] as const) {
        const { ctx } = fakeContext({ strategy, maxTokens: 20 })
        const result = await Effect.runPromise(searchCompressor.run(makeBlock(text, { kind: "search" }), ctx))
        expect(result === Unchanged || typeof result.text === "string").toBe(true)
      }
    }
  })

  test("a long output cut into segments: files go on across the cuts, marked as continued", async () => {
    const lines = Array.from({ length: 3000 }, (_, i) => `src/service/handlers_${Math.floor(i / 700)}.ts:${i + 1}:  metrics.increment("requests.${i % 37}")`)
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await compress(input, { segmentBytes: 16 * 1024 })
    expect(summary.segments).toBeGreaterThan(5)
    expect(summary.errors).toEqual([])
    expect(text).toContain("(continued) omitted")
    for (let f = 0; f < 5; f++) expect(text).toContain(`src/service/handlers_${f}.ts`)
    let omitted = 0
    for (const m of parseMarkers(text)) omitted += Number(/^(\d+) of/.exec(m.summary)?.[1] ?? 0)
    expect(omitted + matchesPerPath(text).values().reduce((a, b) => a + b, 0)).toBe(3000)
  })

  test("a budget over several segments is met once more on the joined output", async () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `src/${["api", "jobs", "db"][i % 3]}/file_${Math.floor(i / 40)}.ts:${i + 1}:  await cache.get("key-${i}")`)
    const { text, summary } = await compress(`${lines.join("\n")}\n`, { segmentBytes: 16 * 1024, maxTokens: 1500 })
    expect(summary.segments).toBeGreaterThan(5)
    expect(tokenizer.count(text)).toBeLessThanOrEqual(1500)
    await redeemAll(store, text)
  })

  test("200k lines of grep compress in bounded time", async () => {
    const lines: Array<string> = []
    for (let i = 0; i < 200_000; i++) {
      // grep walks one file at a time: runs of 1 to 1,000 matches per file.
      const file = `packages/pkg-${Math.floor(i / 2000)}/src/module_${Math.floor(Math.sqrt(i % 2000) * 0.7)}.ts`
      lines.push(`${file}:${(i % 997) + 1}:    const value_${i % 53} = await client.request("GET", "/v1/items/${i}") // retry ${i % 3}`)
    }
    const input = `${lines.join("\n")}\n`
    const started = performance.now()
    const { text, summary } = await compress(input)
    const seconds = (performance.now() - started) / 1000
    expect(summary.errors).toEqual([])
    expect(text.length).toBeLessThan(input.length * 0.2)
    expect(seconds).toBeLessThan(30)
    for (let p = 0; p < 100; p += 9) expect(text).toContain(`packages/pkg-${p}/src/module_0.ts`)
  }, 120_000)
})
