import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { parseMarkers } from "../../markers/index.ts"
import { makeBlock, Unchanged } from "../../sdk/index.ts"
import { fakeContext } from "../../../test/support/context.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"
import { testReportCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/test-report", name), "utf8")

describe("JUnit XML", () => {
  test("keeps the totals, each suite's own counts and the failure with its message", async () => {
    const input = fixture("pulsar-excerpt.xml")
    const { text, summary } = await store.compress(input)
    expect(summary.kind).toBe("text")
    expect(summary.transforms[0]).toBe("test-report")
    const lines = text.split("\n")
    expect(lines[0]).toBe("JUnit: 16 tests: 10 passed, 1 failed, 0 errors, 5 skipped · 3 suites · time 2126.5310000000004s")
    expect(lines).toContain('suite org.apache.pulsar.PulsarBrokerStarterTest: tests="9" errors="0" failures="0" skipped="0" time="0.5910000000000001"')
    expect(text).toContain(
      [
        "failed org.apache.pulsar.AddMissingPatchVersionTest.testVersionStrings (0.017s)",
        "      java.lang.AssertionError: expected [1.2.1] but found [1.2.0]",
        "at org.testng.Assert.fail(Assert.java:99)",
      ].join("\n"),
    )
    expect(text).toContain("at org.apache.pulsar.AddMissingPatchVersionTest.testVersionStrings(AddMissingPatchVersionTest.java:29)")
    // A test skipped on each retry is named once.
    expect(text).toContain("skipped org.apache.pulsar.tests.TestRetrySupportBeforeMethodRetryTest.shouldNotDoAnythingWhenThereIsBeforeAndAfterMethod (4 times)")
    expect(text).not.toContain("testMainRunBookieNoConfig")
  })

  test("folded frames redeem exactly the original lines they stand for", async () => {
    const input = fixture("pulsar-excerpt.xml")
    const { text } = await store.compress(input)
    const markers = parseMarkers(text)
    const redeemed = await redeemAll(store, text)
    expect(redeemed.at(-1)).toBe(input)
    const original = input.split("\n")
    const ranged = markers.flatMap((m, i) => (m.range === undefined ? [] : [[m.range, redeemed[i]!] as const]))
    expect(ranged.length).toBe(2)
    for (const [range, lines] of ranged) {
      expect(lines).toBe(original.slice(range.from - 1, range.to).map((l) => `${l}\n`).join(""))
      expect(lines).toMatch(/^at (?:org\.testng|sun\.reflect|java\.)/)
    }
  })

  test("reads pytest's report, written on a few long lines", async () => {
    const { text, summary } = await store.compress(fixture("pytest-junit.xml"), { strategy: "conservative" })
    expect(summary.transforms[0]).toBe("test-report")
    expect(text.split("\n")[0]).toBe("JUnit: 5 tests: 2 passed, 1 failed, 1 error, 1 skipped · 1 suite · time 0.214s")
    expect(text).toContain("skipped tests.test_calc.test_slow: needs network")
    expect(text).toContain(">       return a / b\nE       ZeroDivisionError: division by zero")
    expect(text).toContain("errored tests.test_db.test_query (0.010s)")
    expect(text).toContain('failed on setup with "ConnectionRefusedError: [Errno 111] Connection refused"')
    expect(text).toContain("system-out:\nconnecting to localhost:5432")
    expect(text).not.toContain("test_parse[1.5]")
  })

  test("shows entities decoded, folds framework frames and keeps a failing suite's output", async () => {
    const { text } = await store.compress(fixture("gradle-junit.xml"))
    expect(text).toContain("org.opentest4j.AssertionFailedError: expected: <90> but was: <100>")
    expect(text).toContain("\tat app//com.shop.cart.CartServiceTest.appliesDiscount(CartServiceTest.java:42)")
    expect(text).not.toContain("GradleWorkerMain")
    expect(text).toContain("output of suite com.shop.cart.CartServiceTest\nsystem-out:")
    expect(text).toContain("INFO com.shop.cart.CartService - discount rule SUMMER10 applied")
    const conservative = await store.compress(fixture("gradle-junit.xml"), { strategy: "conservative" })
    expect(conservative.text).toContain("GradleWorkerMain")
  })

  test("a report cut off mid-failure is read as far as it goes", async () => {
    const input = fixture("pulsar-excerpt.xml")
    const cut = input.slice(0, input.indexOf("at org.testng.Assert.assertEquals(Assert.java:629)"))
    const { text, summary } = await store.compress(cut)
    expect(summary.transforms[0]).toBe("test-report")
    expect(text.split("\n")[0]).toBe("JUnit: 2 tests: 0 passed, 1 failed, 0 errors, 1 skipped · 1 suite · time 2126.5310000000004s · the report is cut off at line 12")
    expect(text).toContain("cut off in org.apache.pulsar.AddMissingPatchVersionTest.testVersionStrings (0.017s)")
    expect(text).toContain("java.lang.AssertionError: expected [1.2.1] but found [1.2.0]")
    await redeemAll(store, text)
  })

  test("deep nesting and many testcases take bounded time", async () => {
    const deep = `<?xml version="1.0"?>\n<testsuite name="s">\n${"<group>".repeat(20_000)}<testcase name="t"><failure message="boom"/></testcase>${"</group>".repeat(20_000)}\n</testsuite>\n`
    const many = `<?xml version="1.0"?>\n<testsuite name="big">\n${Array.from({ length: 20_000 }, (_, k) => `  <testcase name="case${k}" classname="big.Suite" time="0.001"/>`).join("\n")}\n</testsuite>\n`
    const started = performance.now()
    const nested = await store.compress(deep, { stages: [testReportCompressor] })
    const wide = await store.compress(many, { stages: [testReportCompressor] })
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(nested.summary.errors).toEqual([])
    expect(nested.text).toContain("failed t\nboom")
    expect(wide.text.split("\n")[0]).toBe("JUnit: 20000 tests: 20000 passed, 0 failed, 0 errors, 0 skipped · 1 suite")
  })

  test("XML whose tags do not nest, or that is no test report, is left alone", async () => {
    const input = fixture("gradle-junit.xml").replace("</testcase>", "</testsuite>")
    const run = (text: string) => Effect.runPromise(testReportCompressor.run(makeBlock(text, { kind: "text", language: "xml" }), fakeContext().ctx))
    expect(await run(input)).toBe(Unchanged)
    const pom = '<?xml version="1.0"?>\n<project>\n  <modelVersion>4.0.0</modelVersion>\n  <artifactId>shop</artifactId>\n</project>\n'
    expect(testReportCompressor.match(makeBlock(pom, { kind: "text" }))).toBe(false)
  })
})
