import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseMarkers } from "../../markers/index.ts"
import type { Strategy } from "../../sdk/index.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"
import { convertHtml } from "./convert.ts"
import { htmlCompressor } from "./index.ts"
import { HTML_POLICIES } from "./policy.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/html", name), "utf8")
const page = fixture("article-page.html")

const compress = (text: string, strategy: Strategy = "balanced") =>
  store.compress(text, { strategy, kind: "html", stages: [htmlCompressor] })

describe("html compressor", () => {
  test("a page keeps its article as markdown; scripts, styles, navigation and banners go", async () => {
    const { text, summary } = await compress(page)
    expect(summary.transforms).toEqual(["html"])
    for (const kept of [
      "# Tuning the connection pool & timeouts",
      "Most “database is slow” incidents we see are pool exhaustion, not slow queries.",
      "## Pool size",
      "Start with `max_connections = cores × 2` and measure. The rules of thumb:",
      "1. Keep the pool smaller than the database's own limit.",
      "3. Watch the wait time, not the pool size.",
      "   - p99 wait > 50 ms means the pool is too small.",
      "See the [pool reference](/reference/pool#timeouts) and the [PostgreSQL docs](https://www.postgresql.org/docs/current/runtime-config-client.html).",
      "| Setting | Default | Recommended |",
      "| `statement_timeout` | none | 30 s \\| per query |",
      "![Wait time p99 before and after the change]",
      "> Measure first. Then change one thing at a time.",
      "Last updated 2024-03-01 by the platform team",
    ]) {
      expect(text).toContain(kept)
    }
    // Code blocks are fenced and verbatim, entities decoded.
    expect(text).toContain('```python\npool = create_pool(\n    dsn,\n    max_size=16,   # cores × 2\n    timeout=5.0,\n)\n\nif pool.size < 4:\n    raise ValueError("pool too small")\n```')
    for (const dropped of ["dataLayer", "font-family", "We use cookies", "Careers", "API reference", "On this page", "Related", "x icon", "related posts widget", "Copy link", "Guides"]) {
      expect(text).not.toContain(dropped)
    }
    expect(text).not.toMatch(/<\/?[a-z]+[ >]/)
    expect(summary.after!.tokens).toBeLessThan(summary.before!.tokens * 0.5)
    // One marker, at the end, redeeming the page as it was.
    const markers = parseMarkers(text)
    expect(markers.length).toBe(1)
    expect(markers[0]!.summary).toMatch(/^\d+(?:\.\d)? (?:B|KB|MB) of HTML dropped: .*navigation \d+/)
    expect(text.trimEnd().split("\n").at(-1)).toStartWith("[… ")
    expect(await redeemAll(store, text)).toEqual([page])
  })

  test("the result is markdown for the stages after it", async () => {
    const { summary } = await store.compress(page, { strategy: "balanced", path: "guide.html" })
    expect(summary.kind).toBe("html")
    expect(summary.transforms[0]).toBe("html")
  })

  test("conservative keeps menus and footer links; aggressive drops site-link URLs and image alts", async () => {
    const conservative = (await compress(page, "conservative")).text
    expect(conservative).toContain("- [Careers](/careers)")
    expect(conservative).toContain("- [API reference](/reference/)")
    expect(conservative).not.toContain("dataLayer")
    const aggressive = (await compress(page, "aggressive")).text
    expect(aggressive).toContain("See the pool reference and the [PostgreSQL docs](https://www.postgresql.org/docs/current/runtime-config-client.html).")
    expect(aggressive).not.toContain("![")
    const balanced = (await compress(page, "balanced")).text
    expect(aggressive.length).toBeLessThan(balanced.length)
    expect(balanced.length).toBeLessThan(conservative.length)
  })

  test("a fragment without doctype converts too", async () => {
    const { text } = await compress(fixture("fragment.html"))
    expect(text).toStartWith(
      [
        "## Release 4.2 – pools",
        "",
        "This release adds [connection pools](/docs/pools) and fixes two leaks. Upgrading is safe: nothing is removed.",
        "",
        "### Changes",
        "",
        "- Pools are shared per process.",
        "- Timeouts default to `30s`.",
        "- Fixed: a leak when `close()` raced a query ([#812](https://github.com/acme/db/issues/812)).",
        "",
        "Thanks to [@ana](https://github.com/ana) & [@li](https://github.com/li).",
      ].join("\n"),
    )
  })

  test("malformed HTML never throws and keeps its text", async () => {
    const { text, summary } = await compress(fixture("malformed.html"))
    expect(summary.errors).toEqual([])
    for (const kept of [
      "First paragraph with an unclosed bold",
      "Second paragraph: 3 < 5 and 7 > 2, a stray < here & a lone ampersand.",
      "- one\n- two\n- three",
      "| a | b |\n| c | d |",
      "![unquoted-alt]",
    ]) {
      expect(text).toContain(kept)
    }
    for (const odd of ["<", "<p", "<div><span", "<a href='x", "<!--", "<table><td>", "&#xZZ; &#99999999; &bogus;", "<script>never closed"]) {
      expect(() => convertHtml(odd, HTML_POLICIES.balanced)).not.toThrow()
    }
    expect(convertHtml("&#xZZ; &#99999999; &bogus; &amp", HTML_POLICIES.balanced).text).toBe("&#xZZ; &#99999999; &bogus; &")
  })

  test("10,000-deep nesting, closed or not, converts without recursion", () => {
    const depth = 10_000
    const closed = `${"<div><span>".repeat(depth)}deep text${"</span></div>".repeat(depth)}<p>after</p>`
    expect(convertHtml(closed, HTML_POLICIES.balanced).text).toBe("deep text\n\nafter")
    const lists = `${"<ul><li>item".repeat(depth)}`
    const text = convertHtml(lists, HTML_POLICIES.balanced).text
    expect(text.split("\n").length).toBe(depth)
    expect(Math.max(...text.split("\n").map((l) => l.length))).toBeLessThan(40)
    const quotes = `${"<blockquote>".repeat(depth)}quoted`
    expect(convertHtml(quotes, HTML_POLICIES.balanced).text.length).toBeLessThan(40)
  })

  test("bounded: 20 MB of HTML converts in a few seconds", () => {
    const chunk = page.slice(page.indexOf("<body>"), page.indexOf("</body>"))
    const big = `<!DOCTYPE html><html><body>${chunk.repeat(Math.ceil((20 * 1024 * 1024) / chunk.length))}</body></html>`
    const started = performance.now()
    const { text } = convertHtml(big, HTML_POLICIES.balanced)
    expect(performance.now() - started).toBeLessThan(8_000)
    expect(text).toContain("## Pool size")
    // Stray end tags and unclosed starts are cheap too.
    const hostile = `${"<div>".repeat(10_000)}${"</span>".repeat(500_000)}${"<p><i>x".repeat(200_000)}`
    const hostileStart = performance.now()
    convertHtml(hostile, HTML_POLICIES.balanced)
    expect(performance.now() - hostileStart).toBeLessThan(5_000)
  })

  test("a page whose content wrapper looks like furniture keeps its text", () => {
    const text = "This paragraph is the whole content of the page and must not vanish. ".repeat(20)
    const html = `<body><div class="page-nav-offset"><p>${text}</p></div></body>`
    expect(convertHtml(html, HTML_POLICIES.balanced).text).toBe(text.trim())
  })

  test("deterministic, and lossless mode leaves the page alone", async () => {
    expect((await compress(page)).text).toBe((await compress(page)).text)
    const { text } = await store.compress(page, {
      strategy: "balanced",
      kind: "html",
      stages: [htmlCompressor],
      options: { lossless: true, keepSymbols: [], keepPatterns: [] },
    })
    expect(text).toBe(page)
  })
})
