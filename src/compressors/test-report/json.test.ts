import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { makeBlock, Unchanged } from "../../sdk/index.ts"
import { fakeContext } from "../../../test/support/context.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"
import { testReportCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/test-report", name), "utf8")

const runAlone = (text: string, kind: "json" | "text" = "json") =>
  Effect.runPromise(testReportCompressor.run(makeBlock(text, { kind }), fakeContext().ctx))

describe("mocha JSON", () => {
  test("keeps mocha's own counts and the pending tests, drops the passing ones", async () => {
    const input = fixture("mocha-excerpt.json")
    const { text, summary } = await store.compress(input)
    expect(summary.kind).toBe("json")
    expect(summary.transforms[0]).toBe("test-report")
    expect(text.split("\n")[0]).toBe("mocha: 839 tests: 833 passes, 0 failures, 6 pending · 590 suites · 5965ms")
    expect(text).toContain("skipped Mocha instance method run() should initialize the stats collector")
    expect(text).toContain("skipped stackTraceFilter() on node on POSIX OS should replace absolute with relative paths")
    expect(text).not.toContain("Context nested should work")
    const redeemed = await redeemAll(store, text)
    expect(redeemed).toEqual([input])
  })

  test("keeps each failure's message, expected and actual, and the frames in test code", async () => {
    const { text } = await store.compress(fixture("mocha-failures.json"))
    expect(text).toContain("mocha: 5 tests: 2 passes, 2 failures, 1 pending · 3 suites · 42ms")
    expect(text).toContain(
      [
        "failed Parser parses numbers (/work/app/test/parser.spec.js, 3ms)",
        "AssertionError: expected 41 to equal 42",
        "expected: 42",
        "actual: 41",
        "    at Context.<anonymous> (test/parser.spec.js:12:28)",
      ].join("\n"),
    )
    // A failing hook is a failure too.
    expect(text).toContain('failed Config "before each" hook for "reads config" (/work/app/test/config.spec.js)')
    expect(text).toContain("Error: ENOENT: no such file or directory, open 'config/test.json'")
    expect(text).toContain("    at Context.<anonymous> (test/config.spec.js:6:19)")
    // Mocha's own frames fold into a marker.
    expect(text).not.toContain("node_modules/mocha/lib/runner.js")
    expect(text).toMatch(/\[… 4 framework frames omitted · retrieve [0-9a-f]{12}\]/)
    expect(text).not.toContain("Parser parses integers")
  })
})

describe("jest --json", () => {
  test("keeps the totals, a line per test file and each failure's message", async () => {
    const { text, summary } = await store.compress(fixture("jest.json"))
    expect(summary.transforms[0]).toBe("test-report")
    const lines = text.split("\n")
    expect(lines[0]).toBe("jest: 9 tests: 5 passed, 2 failed, 1 pending, 1 todo · 3 suites: 1 passed, 2 failed (1 could not run) · failure · 1250ms")
    expect(lines).toContain("failed /home/ci/app/src/cart.test.ts: 2 passed, 2 failed, 2 pending (850ms)")
    expect(lines).toContain("passed /home/ci/app/src/price.test.ts: 3 passed (310ms)")
    expect(text).toContain(
      [
        "failed Cart totals applies the member discount (cart.test.ts:12, 6ms)",
        "Error: expect(received).toBe(expected) // Object.is equality",
        "",
        "Expected: 30",
        "Received: 27",
        "    at Object.<anonymous> (/home/ci/app/src/cart.test.ts:14:29)",
      ].join("\n"),
    )
    expect(text).toContain('-   "currency": "EUR",\n+   "currency": "USD",')
    expect(text).toContain("failed /home/ci/app/src/checkout.test.ts: the test file did not run")
    expect(text).toContain("    Cannot find module './tax' from 'src/checkout.test.ts'")
    expect(text).toContain("skipped Cart merges carts after login")
    expect(text).not.toContain("price formats cents")
    expect(text).not.toContain("jest-circus/build/run.js")
  })

  test("failures sharing a message are shown in full a few times, then by name", async () => {
    const report = JSON.parse(fixture("jest.json"))
    const failing = report.testResults[0].assertionResults[1]
    report.testResults[0].assertionResults = Array.from({ length: 8 }, (_, k) => ({ ...failing, fullName: `Cart totals case ${k}`, title: `case ${k}` }))
    const { text } = await store.compress(JSON.stringify(report, null, 2), { stages: [testReportCompressor] })
    expect(text.match(/^Expected: 30$/gm)!.length).toBe(3)
    expect(text).toContain("failed Cart totals case 7 (cart.test.ts:12, 6ms) · same message as an earlier failure")
  })
})

describe("malformed JSON reports", () => {
  test("a cut-off report is left unchanged", async () => {
    const input = fixture("mocha-failures.json")
    expect(await runAlone(input.slice(0, input.length / 2))).toBe(Unchanged)
    const { summary } = await store.compress(input.slice(0, input.length / 2))
    expect(summary.transforms).not.toContain("test-report")
  })

  test("JSON that only opens like a report is left unchanged", async () => {
    expect(await runAlone('{"stats": {"tests": 3, "passes": 3}, "results": [{"suites": []}]}')).toBe(Unchanged)
    expect(await runAlone('{"numTotalTests": 3, "testResults": "none"}')).toBe(Unchanged)
  })
})
