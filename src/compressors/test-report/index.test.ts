import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import type { Strategy } from "../../sdk/index.ts"
import { redeemAll, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { testReportCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/test-report", name), "utf8")

// Each fixture and the counts line its report opens with.
const FIXTURES = [
  ["go-test-json.out", "go test: "],
  ["go-test-json-parallel-fails.out", "go test: "],
  ["mocha-excerpt.json", "mocha: "],
  ["mocha-failures.json", "mocha: "],
  ["jest.json", "jest: "],
  ["pulsar-excerpt.xml", "JUnit: "],
  ["pytest-junit.xml", "JUnit: "],
  ["gradle-junit.xml", "JUnit: "],
] as const

describe("test-report stage", () => {
  test.each(FIXTURES)("detection routes %s to it through the real pipeline", async (name, opening) => {
    const input = fixture(name)
    const { text, summary } = await store.compress(input)
    expect(summary.transforms[0]).toBe("test-report")
    expect(text.startsWith(opening)).toBe(true)
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens)
    const redeemed = await redeemAll(store, text)
    expect(redeemed).toContain(input)
  })

  test.each(FIXTURES)("%s gives the same output every time", async (name) => {
    const input = fixture(name)
    const first = await store.compress(input)
    const second = await store.compress(input)
    expect(second.text).toBe(first.text)
  })

  test("each strategy keeps less than the one before it", async () => {
    for (const [name] of FIXTURES) {
      const input = fixture(name)
      const tokens: Array<number> = []
      for (const strategy of ["conservative", "balanced", "aggressive"] satisfies Array<Strategy>) {
        const { text } = await store.compress(input, { strategy, stages: [testReportCompressor] })
        tokens.push(tokenizer.count(text))
      }
      expect(tokens[1]!).toBeLessThanOrEqual(tokens[0]!)
      expect(tokens[2]!).toBeLessThanOrEqual(tokens[1]!)
    }
  })

  test("aggressive names the quiet packages on one line and keeps every failure's message", async () => {
    const { text } = await store.compress(fixture("go-test-json.out"), { strategy: "aggressive" })
    expect(text).toContain("without failures or skips: gotest.tools/gotestsum/testjson/internal/empty")
    expect(text).not.toContain("=== RUN")
    for (const message of ["fails_test.go:34: this failed", "fails_test.go:43: also failed", "fails_test.go:65: failed"]) expect(text).toContain(message)
  })

  test("under a budget, passing details go first, then failure output; the counts line always stays", async () => {
    const input = fixture("pulsar-excerpt.xml")
    const full = await store.compress(input, { stages: [testReportCompressor] })
    const totals = full.text.split("\n")[0]!
    const budget = tokenizer.count(full.text) - 30
    const fitted = await store.compress(input, { stages: [testReportCompressor], maxTokens: budget })
    expect(tokenizer.count(fitted.text)).toBeLessThanOrEqual(budget)
    expect(fitted.text.startsWith(totals)).toBe(true)
    expect(fitted.text).not.toContain("suite org.apache.pulsar.PulsarBrokerStarterTest:")
    expect(fitted.text).toContain("java.lang.AssertionError: expected [1.2.1] but found [1.2.0]")

    const tiny = await store.compress(fixture("go-test-json.out"), { stages: [testReportCompressor], maxTokens: 10 })
    expect(tiny.text.startsWith("go test: 3 packages (1 ok, 2 failed) · 29 tests: 22 passed, 4 failed, 3 skipped")).toBe(true)
    await redeemAll(store, tiny.text)
  })

  test("--lossless leaves reports as they are", async () => {
    const { summary } = await store.compress(fixture("jest.json"), { options: { lossless: true, keepSymbols: [], keepPatterns: [] } })
    expect(summary.transforms).not.toContain("test-report")
  })
})
