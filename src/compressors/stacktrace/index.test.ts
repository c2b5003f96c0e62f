import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseMarkers } from "../../markers/index.ts"
import type { Strategy } from "../../sdk/index.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"
import { stackTraceCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/stacktrace", name), "utf8")

const compress = (text: string, strategy: Strategy = "balanced", kind: "stacktrace" | "text" | "markdown" = "stacktrace", keep: Array<RegExp> = []) =>
  store.compress(text, {
    strategy,
    kind,
    stages: [stackTraceCompressor],
    options: { lossless: false, keepSymbols: [], keepPatterns: keep },
  })

/** A Spring/JUnit test failure: 60 framework frames around three application frames, then a cause. */
const springTrace = (): Array<string> => {
  const spring = [
    "org.springframework.test.context.junit.jupiter.SpringExtension.resolveParameter(SpringExtension.java:208)",
    "org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:186)",
    "org.springframework.transaction.interceptor.TransactionInterceptor.invoke(TransactionInterceptor.java:119)",
    "org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)",
    "org.junit.platform.engine.support.hierarchical.NodeTestTask.executeRecursively(NodeTestTask.java:147)",
    "java.base/java.util.ArrayList.forEach(ArrayList.java:1596)",
  ]
  const frames = (n: number, from: number) => Array.from({ length: n }, (_, k) => `\tat ${spring[(from + k) % spring.length]!.replace(/:(\d+)\)/, (_, d) => `:${Number(d) + k})`)}`)
  return [
    "[ERROR] Tests run: 4, Failures: 0, Errors: 1, Skipped: 0, Time elapsed: 2.1 s <<< FAILURE! - in com.acme.billing.InvoiceServiceTest",
    "org.springframework.dao.DataIntegrityViolationException: could not execute statement; constraint [uk_invoice_number]",
    "\tat org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:276)",
    ...frames(30, 0),
    "\tat com.acme.billing.InvoiceRepository.save(InvoiceRepository.java:41)",
    "\tat com.acme.billing.InvoiceService.issue(InvoiceService.java:88)",
    ...frames(29, 3),
    "\tat com.acme.billing.InvoiceServiceTest.issuesOnce(InvoiceServiceTest.java:57)",
    "Caused by: java.sql.SQLIntegrityConstraintViolationException: Duplicate entry 'INV-2024-0042' for key 'uk_invoice_number'",
    "\tat com.mysql.cj.jdbc.exceptions.SQLError.createSQLException(SQLError.java:117)",
    "\tat com.mysql.cj.jdbc.ClientPreparedStatement.executeUpdate(ClientPreparedStatement.java:1061)",
    "\t... 58 more",
  ]
}

const keptLines = (output: string) => output.split("\n").filter((l) => parseMarkers(l).length === 0)

/** Every line of the output that is not a marker is a line of the input, in order. */
const expectOnlyInputLines = (input: string, output: string) => {
  const source = input.split("\n")
  let at = 0
  for (const line of keptLines(output)) {
    while (at < source.length && source[at] !== line) at++
    expect(at).toBeLessThan(source.length)
    at++
  }
}

describe("stack-trace compressor", () => {
  test("a Java trace keeps its exception, failing frame, application frames and cause; framework runs fold", async () => {
    const lines = springTrace()
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await compress(input)
    for (const kept of [0, 1, 2, 33, 34, 64, 65, 66, 67, 68]) expect(text).toContain(lines[kept]!)
    expect(text).not.toContain(lines[10]!)
    expect(text).toContain("\t[… 30 frames in org.springframework, org.junit, java.base · retrieve ")
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.4)
    expectOnlyInputLines(input, text)
    // Each marker redeems exactly the frames it replaced.
    const markers = parseMarkers(text)
    const redeemed = await redeemAll(store, text)
    for (const [i, marker] of markers.entries()) {
      expect(redeemed[i]).toBe(lines.slice(marker.range!.from - 1, marker.range!.to).map((l) => `${l}\n`).join(""))
    }
  })

  test("a chained Python traceback keeps every exception, chain note and failing frame", async () => {
    const input = fixture("python-chained.txt")
    const { text } = await compress(input)
    for (const line of [
      "During handling of the above exception, another exception occurred:",
      "The above exception was the direct cause of the following exception:",
      "ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)",
      "requests.exceptions.SSLError: HTTPSConnectionPool(host='billing.internal', port=443): Max retries exceeded with url: /v1/invoices",
      '  File "/usr/lib/python3.11/ssl.py", line 1379, in do_handshake',
      '  File "/srv/app/billing/client.py", line 42, in fetch_invoices',
      '  File "/srv/app/.venv/lib/python3.11/site-packages/requests/adapters.py", line 517, in send',
    ]) {
      expect(text).toContain(line)
    }
    expect(text).toContain("[… 5 frames in urllib3, ssl · retrieve ")
    expect(text).toContain("[… 3 frames in requests · retrieve ")
    expect(text).not.toContain('ssl.py", line 517')
    expectOnlyInputLines(input, text)
    expect((await redeemAll(store, text)).every((r) => r.includes('File "'))).toBe(true)
  })

  test("a Node trace folds node_modules and Node internals, keeping the application's frames", async () => {
    const { text } = await compress(fixture("node.txt"))
    expect(text).toContain("TypeError: order 8812 has no customer")
    expect(text).toContain("    at buildInvoice (/home/ci/work/webshop/src/server/routes/orders.js:57:13)")
    expect(text).toContain("    at requireAuth (/home/ci/work/webshop/src/server/middleware/auth.js:23:5)")
    expect(text).toContain("    [… 7 frames in express · retrieve ")
    expect(text).toContain("    [… 7 frames in express, body-parser, node · retrieve ")
    expect(text).not.toContain("node_modules")
  })

  test("a Go panic keeps the panic and the failing goroutine's code; runtime and stdlib frames fold", async () => {
    const { text } = await compress(fixture("go-panic.txt"))
    expect(text).toContain("panic: runtime error: invalid memory address or nil pointer dereference")
    expect(text).toContain("goroutine 42 [running]:")
    expect(text).toContain("\t/home/runner/work/ledger/ledger/internal/store/store.go:118 +0x2e")
    expect(text).toContain("\t/home/runner/work/ledger/ledger/internal/api/balance.go:31 +0x9d")
    expect(text).toContain("[… 7 frames in net/http, github.com/go-chi/chi/v5 · retrieve ")
    expect(text).toContain("goroutine 1 [IO wait]:")
    expect(text).toContain("\t/home/runner/work/ledger/ledger/cmd/ledger/main.go:54 +0x2f1")
    expect(text).toContain("exit status 2")
  })

  test("a Rust backtrace keeps the panic and the crate's frames; std and core fold", async () => {
    const { text } = await compress(fixture("rust-panic.txt"))
    expect(text).toContain("thread 'main' panicked at src/config.rs:41:38:")
    expect(text).toContain("   4: indexer::config::load")
    expect(text).toContain("             at ./src/config.rs:41:38")
    expect(text).toContain("   5: indexer::main")
    expect(text).toContain("   [… 3 frames in core · retrieve ")
    expect(text).toContain("   [… 5 frames in std, core · retrieve ")
  })

  test(".NET, Ruby and PHP traces fold their framework frames", async () => {
    const dotnet = (await compress(fixture("dotnet.txt"))).text
    expect(dotnet).toContain("   at Shop.Orders.PriceCalculator.Total(Order order) in /src/Shop.Orders/PriceCalculator.cs:line 27")
    expect(dotnet).toContain("   [… 7 frames in Microsoft.AspNetCore · retrieve ")
    const ruby = (await compress(fixture("ruby.txt"))).text
    expect(ruby).toContain("\tfrom /app/app/controllers/invoices_controller.rb:9:in `create'")
    expect(ruby).toContain("\t[… 5 frames in actionpack, activesupport · retrieve ")
    const php = (await compress(fixture("php.txt"))).text
    expect(php).toContain("#6 /var/www/app/public/index.php(5): require_once('/var/www/app/ve...')")
    expect(php).toContain("[… 5 frames in symfony/http-kernel, symfony/runtime, vendor · retrieve ")
  })

  test("repeated traces fold into the first with a count; aggressive also folds traces that differ only in numbers", async () => {
    const trace = (order: number) => [
      `java.lang.IllegalStateException: inventory row ${order} is locked`,
      "\tat com.shop.inventory.Reserve.lock(Reserve.java:88)",
      "\tat com.shop.orders.Checkout.run(Checkout.java:120)",
      "\tat java.base/java.lang.Thread.run(Thread.java:833)",
    ]
    const same = [...trace(4411), ...trace(4411), ...trace(4411), ...trace(4411)]
    const { text } = await compress(`${same.join("\n")}\n`)
    expect(keptLines(text).filter((l) => l.includes("inventory row 4411")).length).toBe(1)
    expect(text).toContain('[… 12 lines: 3 more copies of the trace "java.lang.IllegalStateException: inventory row 4411 is locked" above (×4) · retrieve ')
    expect((await redeemAll(store, text))[0]).toBe(`${same.slice(4).join("\n")}\n`)

    const varying = [...trace(1), "2024-03-01 10:00:01 WARN retrying", ...trace(2), "2024-03-01 10:00:02 WARN retrying", ...trace(3)]
    const balanced = (await compress(`${varying.join("\n")}\n`)).text
    expect(balanced).toBe(`${varying.join("\n")}\n`)
    const aggressive = (await compress(`${varying.join("\n")}\n`, "aggressive")).text
    expect(aggressive).toContain("inventory row 1 is locked")
    expect(keptLines(aggressive).join("\n")).not.toContain("inventory row 2 is locked")
    expect(aggressive).toContain("2024-03-01 10:00:02 WARN retrying")
    expect(aggressive).toContain('[… 4 lines: 1 more trace like the one above, "java.lang.IllegalStateException: inventory row 3 is locked" (×3) · retrieve ')
  })

  test("strategies: conservative folds only long runs, aggressive trims application frames too", async () => {
    const input = `${fixture("node.txt")}`
    expect((await compress(input, "conservative")).text).toBe(input)
    const lines = springTrace()
    const conservative = (await compress(`${lines.join("\n")}\n`, "conservative")).text
    expect(conservative).toContain("[… 30 frames in ")
    const aggressive = (await compress(fixture("go-panic.txt"), "aggressive")).text
    const balanced = (await compress(fixture("go-panic.txt"), "balanced")).text
    expect(aggressive.length).toBeLessThanOrEqual(balanced.length)
    const deep = [
      "Error: boom",
      ...Array.from({ length: 12 }, (_, k) => `    at step${k} (/srv/app/src/pipeline/step${k}.js:${k + 1}:3)`),
    ]
    const trimmed = (await compress(`${deep.join("\n")}\n`, "aggressive")).text
    for (const k of [0, 1, 2, 3]) expect(trimmed).toContain(`at step${k} `)
    expect(trimmed).not.toContain("at step6 ")
    expect(trimmed).toContain("[… 8 frames in /srv/app/src/pipeline/step4.js")
  })

  test("frames matching --keep never fold", async () => {
    const lines = springTrace()
    const { text } = await compress(`${lines.join("\n")}\n`, "balanced", "stacktrace", [/TransactionInterceptor/])
    for (const line of lines) if (line.includes("TransactionInterceptor")) expect(text).toContain(line)
  })

  test("in text and markdown only recognised traces change; everything else stays byte for byte", async () => {
    const prose = [
      "# Incident 2024-03-01",
      "",
      "The nightly sync failed at 02:14. We looked at the logs and found the trace below:",
      "",
      "```",
      ...fixture("node.txt").trimEnd().split("\n"),
      "```",
      "",
      "at the moment we think the customer record was deleted while the invoice was built.",
      "  12: numbered notes like this one are not frames",
      "",
    ].join("\n")
    const { text } = await compress(prose, "balanced", "markdown")
    expect(text).toStartWith(prose.split("```")[0]!)
    expect(text).toEndWith(prose.split("```")[2]!)
    expect(text).toContain("[… 7 frames in express · retrieve ")
    expectOnlyInputLines(prose, text)

    const plain = "The deploy finished.\nat 10:02 the health check passed\nNothing else happened.\n"
    expect((await compress(plain, "balanced", "text")).text).toBe(plain)
  })

  test("CRLF line endings are kept, markers included", async () => {
    const input = springTrace().join("\r\n") + "\r\n"
    const { text } = await compress(input)
    expect(text).not.toBe(input)
    expect(text.split("\n").slice(0, -1).every((l) => l.endsWith("\r"))).toBe(true)
  })

  test("lossless mode leaves traces alone", async () => {
    const input = `${springTrace().join("\n")}\n`
    const { text } = await store.compress(input, {
      kind: "stacktrace",
      stages: [stackTraceCompressor],
      options: { lossless: true, keepSymbols: [], keepPatterns: [] },
    })
    expect(text).toBe(input)
  })

  test("deterministic", async () => {
    const input = [fixture("python-chained.txt"), fixture("go-panic.txt"), springTrace().join("\n")].join("\n")
    const first = (await compress(input, "aggressive", "text")).text
    expect((await compress(input, "aggressive", "text")).text).toBe(first)
  })

  test("bounded: a 100k-frame trace and 20k repeated traces compress quickly", async () => {
    const frames = Array.from({ length: 100_000 }, (_, k) => `\tat org.junit.runner.Step${k % 50}.run(Step.java:${k % 997})`)
    const huge = ["java.lang.StackOverflowError", ...frames].join("\n")
    let started = performance.now()
    const one = await compress(huge)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(one.text.split("\n").length).toBeLessThan(10)
    const repeated = Array.from({ length: 20_000 }, (_, k) => `ERROR job ${k} failed\n${springTrace().slice(1, 8).join("\n")}`).join("\n")
    started = performance.now()
    const many = await compress(repeated, "balanced", "text")
    expect(performance.now() - started).toBeLessThan(10_000)
    expect(many.text).toContain("ERROR job 19999 failed")
  })
})
