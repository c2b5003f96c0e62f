import { afterAll, describe, expect, test } from "bun:test"
import { parseMarkers } from "../../markers/index.ts"
import { redeemAll, tokenizer, withStore } from "../../../test/support/pipeline.ts"

const store = withStore()
afterAll(store.cleanup)

const compress = (text: string, strategy: "conservative" | "balanced" | "aggressive" = "balanced", maxTokens?: number) =>
  store.compress(text, { strategy, kind: "log", ...(maxTokens === undefined ? {} : { maxTokens }) })

/** A service log: `n` routine lines cycling through a few templates, with numbers varying. */
const routine = (n: number, start = 0): Array<string> =>
  Array.from({ length: n }, (_, k) => {
    const i = start + k
    const t = `2024-03-01 10:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String((i * 37) % 1000).padStart(3, "0")}`
    switch (i % 4) {
      case 0:
        return `${t} INFO  http GET /api/items/${i * 7} 200 ${(i * 13) % 90 + 3} ms`
      case 1:
        return `${t} INFO  cache hit key=user:${i * 11} ttl=${(i * 3) % 60}s`
      case 2:
        return `${t} DEBUG pool acquired connection ${i % 8} of 8 in ${(i * 7) % 40} ms`
      default:
        return `${t} INFO  worker-${i % 4} processed batch ${i} (${(i * 17) % 500} records)`
    }
  })

describe("log compressor", () => {
  test("collapses repeated templates into markers that redeem the exact lines", async () => {
    const lines = routine(2000)
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await compress(input)
    expect(summary.transforms).toContain("log")
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.1)
    expect(text.endsWith("\n")).toBe(true)
    const markers = parseMarkers(text)
    expect(markers.length).toBeGreaterThan(0)
    // Each marker's range holds exactly the original lines it replaced.
    for (const [i, redeemed] of (await redeemAll(store, text)).entries()) {
      const range = markers[i]!.range
      if (range === undefined) continue
      expect(redeemed).toBe(lines.slice(range.from - 1, range.to).map((l) => `${l}\n`).join(""))
    }
    // Head and tail survive verbatim.
    expect(text.startsWith(lines[0]!)).toBe(true)
    expect(text).toContain(lines.at(-1)!)
  })

  test("keeps every error line verbatim with its stack trace and context", async () => {
    const lines = routine(600)
    const trace = [
      "2024-03-01 10:10:00.000 ERROR order-service failed to process order 4411",
      "java.lang.IllegalStateException: inventory row 4411 is locked",
      "\tat com.shop.inventory.Reserve.lock(Reserve.java:88)",
      "\tat com.shop.inventory.Reserve.apply(Reserve.java:41)",
      "\tat com.shop.orders.Checkout.run(Checkout.java:120)",
      "Caused by: java.sql.SQLTransactionRollbackException: deadlock detected",
      "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2675)",
      "\t... 12 more",
    ]
    lines.splice(300, 0, ...trace)
    const { text } = await compress(lines.join("\n"))
    for (const line of trace) expect(text).toContain(line)
    // A few lines of context before the error.
    expect(text).toContain(lines[299]!)
    expect(text).toContain(lines[298]!)
  })

  test("keeps failures of every common runtime and build tool", async () => {
    const failures = [
      ["Traceback (most recent call last):", '  File "/app/main.py", line 12, in <module>', "    run()", "ValueError: bad config key 'port'"],
      ["panic: runtime error: index out of range [5] with length 3", "", "goroutine 1 [running]:", "main.main()", "\t/src/app/main.go:14 +0x1d"],
      ["thread 'main' panicked at 'called `Option::unwrap()` on a `None` value', src/main.rs:4:37"],
      ["error[E0308]: mismatched types", "  --> src/lib.rs:42:9", "   |", "42 |         return x;", "   |         ^^^^^^^^^ expected `i32`, found `u64`"],
      ["src/net/socket.c:118:5: error: implicit declaration of function 'sendfile64'"],
      ["TypeError: Cannot read properties of undefined (reading 'id')", "    at render (/app/src/view.js:10:15)", "    at main (/app/src/index.js:3:1)"],
      ["Unhandled exception. System.InvalidOperationException: Sequence contains no elements", "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)", "   at App.Program.Main() in C:\\app\\Program.cs:line 9"],
      ["/app/lib/user.rb:7:in `name': undefined method `upcase' for nil:NilClass (NoMethodError)", "\tfrom /app/bin/run.rb:3:in `<main>'"],
      ["--- FAIL: TestParseConfig (0.00s)", "    config_test.go:21: expected port 8080, got 0"],
      ["FAILED tests/test_api.py::test_create_user - AssertionError: assert 500 == 201"],
    ]
    for (const failure of failures) {
      const lines = routine(400)
      lines.splice(200, 0, ...failure)
      const { text } = await compress(lines.join("\n"))
      for (const line of failure) if (line !== "") expect(text).toContain(line)
    }
  })

  test("strips colour codes, progress frames and CI runner timestamps", async () => {
    const lines = [
      "\x1b[1m\x1b[34m==> Installing dependencies\x1b[0m",
      "Downloading 10%\rDownloading 55%\rDownloading 100%",
      "2024-01-01T10:00:00.1234567Z \x1b[31merror\x1b[0m: could not resolve host github.com",
      ...routine(300),
    ]
    const { text } = await compress(lines.join("\n"))
    expect(text).not.toContain("\x1b")
    expect(text).toContain("==> Installing dependencies")
    expect(text).toContain("Downloading 100%")
    expect(text).not.toContain("Downloading 10%")
    expect(text).toContain("error: could not resolve host github.com")
    expect(text).not.toContain("2024-01-01T10:00:00.1234567Z")
  })

  test("keeps rare event lines of a system log and the final status lines of a build", async () => {
    const lines = routine(1500)
    lines.splice(700, 0, "2024-03-01 10:11:40.000 INFO  raft leader changed from node-2 to node-5 (term 41)")
    lines.push("BUILD FAILURE", "Total time:  01:12 min", "Finished: FAILURE")
    const { text } = await compress(lines.join("\n"))
    expect(text).toContain("raft leader changed from node-2 to node-5 (term 41)")
    expect(text).toContain("BUILD FAILURE")
    expect(text).toContain("Finished: FAILURE")
  })

  test("strategies trade detail for savings, and a budget is never exceeded", async () => {
    const lines = routine(3000)
    lines.splice(1000, 0, "2024-03-01 10:16:40.000 ERROR payment gateway timed out after 30000 ms (order 77)")
    lines.splice(2000, 0, "2024-03-01 10:33:20.000 WARN  disk usage 91% on /var/lib/postgres")
    const input = lines.join("\n")
    const sizes = []
    for (const strategy of ["conservative", "balanced", "aggressive"] as const) {
      const { text } = await compress(input, strategy)
      expect(text).toContain("payment gateway timed out after 30000 ms (order 77)")
      sizes.push(tokenizer.count(text))
    }
    expect(sizes[0]!).toBeGreaterThanOrEqual(sizes[1]!)
    expect(sizes[1]!).toBeGreaterThanOrEqual(sizes[2]!)
    for (const budget of [2000, 600, 150, 60]) {
      const { text } = await compress(input, "balanced", budget)
      expect(tokenizer.count(text)).toBeLessThanOrEqual(budget)
      // The error is the last thing to go.
      if (budget >= 150) expect(text).toContain("payment gateway timed out")
      await redeemAll(store, text)
    }
  })

  test("is deterministic and leaves short logs alone", async () => {
    const input = routine(1200).join("\n")
    const first = await compress(input)
    const second = await compress(input)
    expect(second.text).toBe(first.text)
    const short = "INFO started\nINFO ready on :8080\n"
    expect((await compress(short)).text).toBe(short)
  })

  test("a log streamed in many segments compresses like one, and every marker redeems", async () => {
    const lines = routine(20_000)
    lines.splice(15_000, 0, "2024-03-01 14:10:00.000 FATAL out of memory: killed process 7781 (java)")
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await store.compress(input, { strategy: "balanced", segmentBytes: 64 * 1024 })
    expect(summary.segments).toBeGreaterThan(10)
    expect(text).toContain("FATAL out of memory: killed process 7781 (java)")
    expect(text.startsWith(lines[0]!)).toBe(true)
    expect(text.trimEnd().endsWith(lines.at(-1)!)).toBe(true)
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.1)
    await redeemAll(store, text)
    const budgeted = await store.compress(input, { strategy: "balanced", segmentBytes: 64 * 1024, maxTokens: 1500 })
    expect(tokenizer.count(budgeted.text)).toBeLessThanOrEqual(1500)
    expect(budgeted.text).toContain("FATAL out of memory")
  })

  test("a collapsed run names its template and sums up what varied", async () => {
    const lines = Array.from({ length: 400 }, (_, i) => `2024-03-01 10:00:${String(i % 60).padStart(2, "0")} INFO  fetched /api/items/${i} (${(i * 37) % 900 + 5} ms) via ${i % 2 === 0 ? "GET" : "HEAD"}`)
    const { text } = await compress(lines.join("\n"))
    const marker = parseMarkers(text).find((m) => m.summary.includes(" like "))
    // GET and HEAD are two values of one slot: two groups, each summarised on its own.
    expect(marker?.summary).toMatch(/^\d+ lines omitted, \d+ like "INFO fetched \/api\/items\/<\*> \(<\*> ms\) via (GET|HEAD)"; varying: \/api\/items\/\d+–\d+, \(\d+–\d+$/)
  })

  test("spinner frames are one line redrawn", async () => {
    const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
    const lines = Array.from({ length: 300 }, (_, i) => `${frames[i % frames.length]} Installing dependencies`)
    lines.push("added 1204 packages in 31s")
    const { text } = await compress(lines.join("\n"))
    expect(text.split("\n").filter((l) => l.includes("Installing dependencies")).length).toBeLessThan(20)
    expect(text).toContain("added 1204 packages in 31s")
  })
})

