import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseMarkers } from "../../markers/index.ts"
import { redeemAll, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { testReportCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/test-report", name), "utf8")

const PKG = "example.com/shop/cart"

/** go test -json events, one per line, as test2json writes them. */
const events = (list: ReadonlyArray<Record<string, unknown>>): string =>
  list.map((e, i) => JSON.stringify({ Time: `2024-03-01T10:00:${String(Math.floor(i / 1000) % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}Z`, ...e })).join("\n") + "\n"

const passingTest = (name: string, pkg = PKG, logs = 2) => [
  { Action: "run", Package: pkg, Test: name },
  { Action: "output", Package: pkg, Test: name, Output: `=== RUN   ${name}\n` },
  ...Array.from({ length: logs }, (_, k) => ({ Action: "output", Package: pkg, Test: name, Output: `    cart_test.go:${20 + k}: step ${k} done\n` })),
  { Action: "output", Package: pkg, Test: name, Output: `--- PASS: ${name} (0.00s)\n` },
  { Action: "pass", Package: pkg, Test: name, Elapsed: 0 },
]

const failingTest = (name: string, output: ReadonlyArray<string>, pkg = PKG) => [
  { Action: "run", Package: pkg, Test: name },
  { Action: "output", Package: pkg, Test: name, Output: `=== RUN   ${name}\n` },
  ...output.map((line) => ({ Action: "output", Package: pkg, Test: name, Output: `${line}\n` })),
  { Action: "output", Package: pkg, Test: name, Output: `--- FAIL: ${name} (0.01s)\n` },
  { Action: "fail", Package: pkg, Test: name, Elapsed: 0.01 },
]

const packageEnd = (result: "pass" | "fail", pkg = PKG) => [
  { Action: "output", Package: pkg, Output: result === "pass" ? "PASS\n" : "FAIL\n" },
  { Action: "output", Package: pkg, Output: `${result === "pass" ? "ok  " : "FAIL"}\t${pkg}\t0.020s\n` },
  { Action: result, Package: pkg, Elapsed: 0.02 },
]

describe("go test -json", () => {
  test("keeps each failure with its output under its package, and the counts", async () => {
    const input = fixture("go-test-json-parallel-fails.out")
    const { text, summary } = await store.compress(input)
    expect(summary.kind).toBe("log")
    expect(summary.transforms[0]).toBe("test-report")
    const lines = text.split("\n")
    expect(lines[0]).toBe("go test: 1 package (1 failed) · 12 tests: 4 passed, 8 failed · 0.025s")
    expect(lines[1]).toBe("failed gotest.tools/gotestsum/testjson/internal/parallelfails 0.026s: 4 passed, 8 failed")
    for (const sub of ["a", "b", "c", "d"]) {
      expect(text).toContain(`failed TestNestedParallelFailures/${sub} (0s)`)
      expect(text).toContain(`    TestNestedParallelFailures/${sub}: fails_test.go:50: failed sub ${sub}`)
    }
    expect(text).toContain("    TestParallelTheSecond: fails_test.go:35: failed the second")
    // Passing tests and their output are gone.
    expect(text).not.toContain("TestPassedWithLog")
    expect(text).not.toContain("this is a Print")
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.15)
  })

  test("one marker redeems the exact original; cut output redeems its own lines", async () => {
    const noise = Array.from({ length: 200 }, (_, k) => `retrying request ${k} to the warehouse`)
    const list = [
      ...passingTest("TestAddItem"),
      ...failingTest("TestCheckout", [...noise, "    cart_test.go:88: expected total 30, got 27"]),
      ...packageEnd("fail"),
    ]
    const input = events(list)
    const { text } = await store.compress(input)
    expect(text).toContain("    cart_test.go:88: expected total 30, got 27")
    expect(text).toContain(noise[0]!)
    expect(text).not.toContain(noise[100]!)
    const markers = parseMarkers(text)
    const redeemed = await redeemAll(store, text)
    expect(redeemed.at(-1)).toBe(input)
    const gap = markers.findIndex((m) => m.range !== undefined)
    expect(gap).toBeGreaterThanOrEqual(0)
    // The range covers exactly the JSON lines of the output that was cut.
    const lines = input.split("\n")
    const { from, to } = markers[gap]!.range!
    expect(redeemed[gap]).toBe(lines.slice(from - 1, to).map((l) => `${l}\n`).join(""))
    expect(redeemed[gap]).toContain(noise[100]!)
  })

  test("a budget cuts long failure output before it drops failures", async () => {
    const noise = Array.from({ length: 300 }, (_, k) => `retrying request ${k} to the warehouse`)
    const input = events([
      ...failingTest("TestCheckout", [...noise, "    cart_test.go:88: expected total 30, got 27"]),
      ...failingTest("TestRefund", ["    cart_test.go:120: refund of 0 not allowed"]),
      ...failingTest("TestTax", ["    cart_test.go:140: tax 0.19 not applied"]),
      ...packageEnd("fail"),
    ])
    const full = await store.compress(input, { stages: [testReportCompressor] })
    const budget = Math.floor(tokenizer.count(full.text) / 2)
    const { text } = await store.compress(input, { stages: [testReportCompressor], maxTokens: budget })
    expect(tokenizer.count(text)).toBeLessThanOrEqual(budget)
    expect(text).not.toContain(noise[150]!)
    for (const line of ["failed TestCheckout (0.01s)", "    cart_test.go:88: expected total 30, got 27", "    cart_test.go:120: refund of 0 not allowed", "    cart_test.go:140: tax 0.19 not applied"]) {
      expect(text).toContain(line)
    }
    await redeemAll(store, text)
  })

  test("counts and failures come out whole when the stream arrives in segments", async () => {
    const input = fixture("go-test-json.out")
    const whole = await store.compress(input)
    const segmented = await store.compress(input, { segmentBytes: 4096 })
    expect(segmented.summary.segments).toBeGreaterThan(4)
    const totals = whole.text.split("\n")[0]!
    expect(totals).toBe("go test: 3 packages (1 ok, 2 failed) · 29 tests: 22 passed, 4 failed, 3 skipped · 0.157s")
    expect(segmented.text.split("\n").filter((l) => l.startsWith("go test: "))).toEqual([totals])
    for (const line of whole.text.split("\n").filter((l) => /^(?:failed|ok|skipped) /.test(l))) expect(segmented.text).toContain(line)
    await redeemAll(store, segmented.text)
  })

  test("a long stream in small segments adds up to the right totals", async () => {
    const list = []
    for (const pkg of ["example.com/a", "example.com/b", "example.com/c"]) {
      for (let t = 0; t < 300; t++) {
        list.push(...(t % 100 === 7 ? failingTest(`TestCase${t}`, [`    case_test.go:9: case ${t} broke`], pkg) : passingTest(`TestCase${t}`, pkg)))
      }
      list.push(...packageEnd("fail", pkg))
    }
    const input = events(list)
    const { text, summary } = await store.compress(input, { segmentBytes: 4096 })
    expect(summary.segments).toBeGreaterThan(50)
    expect(text).toContain("go test: 3 packages (3 failed) · 900 tests: 891 passed, 9 failed")
    expect(text).toContain("failed example.com/b 0.02s: 297 passed, 3 failed")
    expect(text.match(/^failed TestCase\d+ /gm)!.length).toBe(9)
    expect(text).toContain("    case_test.go:9: case 207 broke")
    expect(tokenizer.count(text)).toBeLessThan(tokenizer.count(input) * 0.1)
  })

  test("a test's output is held within bounds, whatever its length", async () => {
    const output = Array.from({ length: 50_000 }, (_, k) => `chunk ${k} of the upload`)
    const input = events([...failingTest("TestUpload", [...output, "    upload_test.go:40: upload never finished"]), ...packageEnd("fail")])
    const started = performance.now()
    const { text } = await store.compress(input, { segmentBytes: 256 * 1024 })
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(text).toContain("    upload_test.go:40: upload never finished")
    expect(text).toContain("chunk 0 of the upload")
    expect(text.split("\n").length).toBeLessThan(200)
    expect(text).toMatch(/lines omitted/)
  })

  test("tests without a result and cut-off lines are shown", async () => {
    const list = [...passingTest("TestAddItem"), { Action: "run", Package: PKG, Test: "TestCheckout" }, { Action: "output", Package: PKG, Test: "TestCheckout", Output: "    cart_test.go:70: waiting for the payment service\n" }]
    const input = `${events(list)}{"Time":"2024-03-01T10:00:09Z","Action":"output","Package":"${PKG}","Test":"TestCheckout","Outp`
    const { text } = await store.compress(input)
    expect(text).toContain("unfinished TestCheckout: no result before the report ends")
    expect(text).toContain("    cart_test.go:70: waiting for the payment service")
    expect(text).toContain("1 line that is not go test events:")
    expect(text).toContain(`"Test":"TestCheckout","Outp`)
    expect(text).toContain(`unfinished ${PKG}: 1 passed`)
  })

  test("a panic keeps its message and the frames in the package's code; runtime frames fold", async () => {
    const trace = [
      "panic: runtime error: index out of range [5] with length 3 [recovered]",
      "\tpanic: runtime error: index out of range [5] with length 3",
      "",
      "goroutine 7 [running]:",
      "testing.tRunner.func1.2({0x5f8a40, 0xc00001c1e0})",
      "\t/usr/local/go/src/testing/testing.go:1545 +0x238",
      "testing.tRunner.func1()",
      "\t/usr/local/go/src/testing/testing.go:1548 +0x397",
      "panic({0x5f8a40?, 0xc00001c1e0?})",
      "\t/usr/local/go/src/runtime/panic.go:914 +0x21f",
      "example.com/shop/cart.Total(...)",
      "\t/home/ci/shop/cart/cart.go:42",
      "example.com/shop/cart.TestTotal(0x0?)",
      "\t/home/ci/shop/cart/cart_test.go:12 +0x1d",
      "testing.tRunner(0xc000083040, 0x6356f8)",
      "\t/usr/local/go/src/testing/testing.go:1595 +0xff",
      "created by testing.(*T).Run in goroutine 1",
      "\t/usr/local/go/src/testing/testing.go:1648 +0x3ad",
    ]
    const { text } = await store.compress(events([...failingTest("TestTotal", trace), ...packageEnd("fail")]))
    for (const line of [...trace.slice(0, 5), ...trace.slice(10, 14)]) expect(text).toContain(line)
    expect(text).not.toContain("testing.go:1595")
    expect(text).toMatch(/\[… 5 framework frames omitted · retrieve [0-9a-f]{12}:\d+-\d+\]/)
  })

  test("build failures show the compiler's output", async () => {
    const path = `${PKG} [${PKG}.test]`
    const list = [
      { ImportPath: path, Action: "build-output", Output: `# ${path}\n` },
      { ImportPath: path, Action: "build-output", Output: "cart/cart.go:12:2: undefined: applyDiscount\n" },
      { ImportPath: path, Action: "build-fail" },
      { Action: "start", Package: PKG },
      { Action: "output", Package: PKG, Output: `FAIL\t${PKG} [build failed]\n` },
      { Action: "fail", Package: PKG, Elapsed: 0, FailedBuild: path },
    ]
    const { text } = await store.compress(events(list))
    expect(text).toContain(`build failed ${path}`)
    expect(text).toContain("cart/cart.go:12:2: undefined: applyDiscount")
    expect(text).toContain(`failed ${PKG} 0s: 0 passed · build failed: ${path}`)
  })

  test("--keep keeps a passing test's output", async () => {
    const input = events([...passingTest("TestAddItem"), ...passingTest("TestRemoveItem"), ...packageEnd("pass")])
    const { text } = await store.compress(input, { options: { lossless: false, keepSymbols: [], keepPatterns: [/TestRemoveItem/] } })
    expect(text).toContain("passed TestRemoveItem (0s)")
    expect(text).toContain("    cart_test.go:21: step 1 done")
    expect(text).not.toContain("TestAddItem")
  })

  test("text with a few go events in it is left to the other stages", async () => {
    const prose = Array.from({ length: 20 }, (_, k) => `deploy step ${k}: copying artefacts to the bucket`)
    const input = `${events(passingTest("TestAddItem"))}${prose.join("\n")}\n`
    const { summary } = await store.compress(input, { kind: "log" })
    expect(summary.transforms).not.toContain("test-report")
  })
})
