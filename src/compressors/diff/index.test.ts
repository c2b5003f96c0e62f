import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import { parseMarkers } from "../../markers/index.ts"
import { DEFAULT_STAGE_OPTIONS, Unchanged, makeBlock, type Strategy } from "../../sdk/index.ts"
import { fakeContext } from "../../../test/support/context.ts"
import { expectRedeemsExactly, redeemAll, stageRunner, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { diffCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(join(import.meta.dir, "../../../test/fixtures/diff", name), "utf8")
/** `git diff --cached` of a feature branch: binary, minified, lock file, CRLF, mode change, new, deleted, renamed files. */
const FEATURE = fixture("feature.diff")
/** The same change with `--binary`: the PNG comes as a GIT binary patch. */
const FEATURE_BINARY = fixture("feature-binary.diff")

const compress = stageRunner(store, diffCompressor, "diff")

/** The diff cut into its `diff --git` sections, each with its lines (a CR stays on its line). */
const sections = (text: string) =>
  text
    .split(/^(?=diff --git )/m)
    .filter((s) => s.startsWith("diff --git "))
    .map((s) => ({ header: s.slice(0, s.indexOf("\n")), lines: s.replace(/\n$/, "").split("\n") }))

/** Lines that are not unchanged context: file and hunk headers, changes, "\ No newline". */
const nonContext = (lines: ReadonlyArray<string>) => lines.filter((l) => !l.startsWith(" ") && l !== "")

/** `needles` appear in `text` as whole lines, in this order. */
const expectLinesInOrder = (text: string, needles: ReadonlyArray<string>) => {
  const lines = text.split("\n")
  let at = 0
  for (const needle of needles) {
    const found = lines.indexOf(needle, at)
    if (found === -1) throw new Error(`line missing or out of order: ${JSON.stringify(needle)}`)
    at = found + 1
  }
}

const expectMarkersRedeem = (output: string, original: string) => expectRedeemsExactly(store, output, original)

const SUMMARISED = ["assets/logo.png", "dist/app.min.js", "package-lock.json", "src/util/strings.py"]

describe("diff compressor", () => {
  test("the fixture is what it says: CRLF lines, no newline at end, lock file, binary, mode change", () => {
    expect(FEATURE).toContain("+set ENV=production\r\n")
    expect(FEATURE).toContain("\\ No newline at end of file")
    expect(FEATURE).toContain("Binary files a/assets/logo.png and b/assets/logo.png differ")
    expect(FEATURE).toContain("old mode 100644\nnew mode 100755")
    expect(FEATURE_BINARY).toContain("GIT binary patch")
  })

  for (const strategy of ["conservative", "balanced", "aggressive"] as const) {
    test(`${strategy}: keeps every header, hunk header and changed line byte for byte, in order`, async () => {
      const { text, summary } = await compress(FEATURE, { strategy })
      expect(summary.transforms).toEqual(["diff"])
      for (const s of sections(FEATURE)) {
        if (SUMMARISED.some((p) => s.header.includes(p))) continue
        expectLinesInOrder(text, nonContext(s.lines))
      }
      await expectMarkersRedeem(text, FEATURE)
    })
  }

  test("lock, minified and binary files, and a pure rename, become one line each with their counts", async () => {
    const { text } = await compress(FEATURE)
    const markerLines = text.split("\n").filter((l) => l.startsWith("[… "))
    expect(markerLines).toContainEqual(expect.stringContaining("package-lock.json (lock file, +20 -20)"))
    expect(markerLines).toContainEqual(expect.stringContaining("dist/app.min.js (long lines, +1 -1)"))
    expect(markerLines).toContainEqual(expect.stringContaining("binary assets/logo.png changed"))
    expect(markerLines).toContainEqual(expect.stringContaining("src/util/{strings.py => text.py} renamed, content unchanged"))
    expect(text).not.toContain("pkg-0")
    expect(text).not.toContain("var a0=function")
    expect(text).not.toContain("similarity index 100%")
    // The mode change and the new and deleted files stay as they were.
    expect(text).toContain("diff --git a/scripts/release.sh b/scripts/release.sh\nold mode 100644\nnew mode 100755\n")
    expect(text).toContain("+def parse(s):")
    expect(text).toContain("-def old_5():")
  })

  test("a git binary patch is one line too", async () => {
    const { text } = await compress(FEATURE_BINARY)
    expect(text).not.toContain("GIT binary patch")
    expect(text).not.toContain("literal 1024")
    expect(text).toContain("binary assets/logo.png changed")
    await expectMarkersRedeem(text, FEATURE_BINARY)
  })

  test("context around changes shrinks with the strategy: 2, 1, then 0 lines", async () => {
    const header = "@@ -18,7 +19,7 @@ def rule_2(item: LineItem) -> Decimal:"
    const hunkOf = (text: string) => {
      const lines = text.split("\n")
      const body: Array<string> = []
      for (let i = lines.indexOf(header) + 1; i < lines.length && !/^(?:@@|\[… )/.test(lines[i]!); i++) body.push(lines[i]!)
      return body
    }
    const original = hunkOf(FEATURE)
    expect(original.filter((l) => l.startsWith(" "))).toHaveLength(6)
    const context = async (strategy: Strategy) => hunkOf((await compress(FEATURE, { strategy })).text).filter((l) => l.startsWith(" "))
    expect(await context("conservative")).toEqual([original[1]!, original[2]!, original[5]!, original[6]!])
    expect(await context("balanced")).toEqual([original[2]!, original[5]!])
    expect(await context("aggressive")).toEqual([])
  })

  test("trimmed context is one marker per file, after the file, redeeming the whole file section", async () => {
    const { text } = await compress(FEATURE, { strategy: "aggressive" })
    const markers = await expectMarkersRedeem(text, FEATURE)
    const invoice = markers.filter((m) => m.summary.includes("src/billing/invoice.py"))
    expect(invoice).toHaveLength(1)
    expect(invoice[0]!.summary).toMatch(/^\d+ unchanged context lines omitted in src\/billing\/invoice.py$/)
    const [redeemed] = await redeemAll(store, text.split("\n").find((l) => l.includes("invoice.py ·"))!)
    expect(redeemed).toStartWith("diff --git a/src/billing/invoice.py b/src/billing/invoice.py\n")
    expect(redeemed).toContain(' RULES = [rule_1, rule_2')
  })

  test("hunk headers keep their original numbers", async () => {
    const { text } = await compress(FEATURE, { strategy: "aggressive" })
    for (const s of sections(FEATURE)) {
      if (SUMMARISED.some((p) => s.header.includes(p))) continue
      for (const header of s.lines.filter((l) => l.startsWith("@@ "))) expect(text).toContain(`\n${header}\n`)
    }
  })

  test("CRLF lines keep their CR, and a small file keeps its context rather than pay for a marker", async () => {
    const { text } = await compress(FEATURE)
    const bat = sections(FEATURE).find((s) => s.header.includes("deploy.bat"))!
    expect(text).toContain(bat.lines.join("\n"))
    expect(text).toContain("-echo Build failed\r\n+echo Build failed, not deploying\r\n")
  })

  test('"\\ No newline at end of file" stays under the line it is about', async () => {
    const diff = [
      "diff --git a/config/app.ini b/config/app.ini",
      "index 3b18e51..a9c2f4d 100644",
      "--- a/config/app.ini",
      "+++ b/config/app.ini",
      "@@ -1,9 +1,9 @@",
      " [server]",
      " listen_address = 0.0.0.0 ; every interface, the proxy in front filters",
      "-port = 8080",
      "+port = 9090",
      " worker_processes = 4 ; one per core on the production hosts",
      " request_timeout_seconds = 30",
      " keepalive_timeout_seconds = 5",
      " [logging]",
      " level = info ; debug is far too chatty for production",
      " file = /var/log/app.log",
      "\\ No newline at end of file",
      "",
    ].join("\n")
    const { text } = await compress(diff, { strategy: "aggressive" })
    expect(text).toContain(" file = /var/log/app.log\n\\ No newline at end of file\n")
    expect(text).not.toContain("keepalive_timeout_seconds")
    await expectMarkersRedeem(text, diff)
  })

  test("small lock-file changes stay at conservative and balanced; aggressive summarises them", async () => {
    const diff = [
      "diff --git a/go.sum b/go.sum",
      "index 1c2d3e4..5f6a7b8 100644",
      "--- a/go.sum",
      "+++ b/go.sum",
      "@@ -10,2 +10,2 @@",
      "-golang.org/x/net v0.17.0 h1:pVaXccu2ozPjCXewfr1S7xoGObtbTfxfgZrqRX2I8bE=",
      "+golang.org/x/net v0.23.0 h1:7EYJ93RZ9vYSZAIb2x3lnuvqO5zneoD6IvWjuhfxjTs=",
      "",
    ].join("\n")
    for (const strategy of ["conservative", "balanced"] as const) expect((await compress(diff, { strategy })).text).toBe(diff)
    const { text } = await compress(diff, { strategy: "aggressive" })
    expect(text).toContain("go.sum (lock file, +1 -1)")
  })

  test("--keep keeps matching files whole, and matching context lines", async () => {
    const { text } = await compress(FEATURE, { keep: [/package-lock/] })
    const lock = sections(FEATURE).find((s) => s.header.includes("package-lock.json"))!
    expect(text).toContain(lock.lines.join("\n"))
    const kept = await compress(FEATURE, { strategy: "aggressive", keep: [/RULES = \[/] })
    expect(kept.text).toContain(" RULES = [rule_1, rule_2")
  })

  test("a plain unified diff (diff -u) of several files, and git log -p with its messages", async () => {
    const body = (name: string) => [
      `--- a/${name}\t2024-05-01 10:00:00.000000000 +0200`,
      `+++ b/${name}\t2024-05-02 11:30:00.000000000 +0200`,
      "@@ -1,8 +1,8 @@",
      " The alpha release freezes the public interface of the parser.",
      " The beta release adds the streaming reader and its tests.",
      " The gamma release drops the Python 3.8 support we kept so far.",
      `-The delta release (${name}) renames every option to snake case.`,
      `+The delta release (${name}) renames every option to kebab case.`,
      " The epsilon release is reserved for the plugin interface.",
      " The zeta release has no date and no scope yet, only a name.",
      " The eta release is where we expect to call it 1.0.",
      " The theta release is a placeholder for whatever comes next.",
    ]
    const plain = [...body("one.txt"), ...body("two.txt"), ""].join("\n")
    const { text } = await compress(plain, { strategy: "aggressive" })
    expectLinesInOrder(text, nonContext(plain.split("\n")))
    expect(text).not.toContain("gamma")
    expect(parseMarkers(text).map((m) => m.summary)).toEqual([
      "7 unchanged context lines omitted in one.txt",
      "7 unchanged context lines omitted in two.txt",
    ])
    const log = [
      "commit 4f2a9c1e7b3d5a8f0c6e2b4d7a9f1c3e5b7d9a2c",
      "Author: Dev <dev@example.com>",
      "Date:   Mon May 6 10:00:00 2024 +0200",
      "",
      "    Rename delta to DELTA",
      "",
      "    The upper-case name is what the parser expects.",
      "",
      "diff --git a/one.txt b/one.txt",
      "index 1111111..2222222 100644",
      ...body("one.txt"),
      "",
    ].join("\n")
    const out = await compress(log, { strategy: "aggressive" })
    expect(out.text).toStartWith(log.slice(0, log.indexOf("diff --git")))
  })

  test("a combined diff (git diff --cc) keeps its changed lines", async () => {
    const cc = [
      "diff --cc src/main.c",
      "index 3e2a1b0,9c8d7e6..0000000",
      "--- a/src/main.c",
      "+++ b/src/main.c",
      "@@@ -1,9 -1,9 +1,13 @@@",
      "  #include <stdio.h>",
      "  #include <stdlib.h>",
      "  #include <string.h>",
      "  #include <errno.h>",
      "  ",
      "  int main(void) {",
      "++<<<<<<< HEAD",
      " +    puts(\"hello\");",
      "++=======",
      "+     puts(\"hi\");",
      "++>>>>>>> feature",
      "      return 0;",
      "  }",
      "",
    ].join("\n")
    const { text } = await compress(cc, { strategy: "aggressive" })
    expectLinesInOrder(text, cc.split("\n").filter((l) => /^(?:[^ ]|.[^ ])/.test(l) && l !== ""))
    expect(text).not.toContain("#include <stdio.h>")
  })

  test("malformed diffs never throw: stray text, wrong counts, truncated hunks stay as they are", async () => {
    const mangled = [
      "diff --git a/a.py b/a.py",
      "index 0123456..789abcd 100644",
      "--- a/a.py",
      "+++ b/a.py",
      "@@ -1,3 +1,3 @@ counts too small",
      " one",
      "-two",
      "+TWO",
      " three",
      " four (past the count: not context any more)",
      "random text in the middle",
      "@@ -40,30 +40,30 @@ counts too large",
      " x",
      "-y",
      "+Y",
      "diff --git a/b.py",
      "@@ garbage @@",
      "+orphan added line",
      "\\ stray backslash",
      "",
    ].join("\n")
    for (const strategy of ["conservative", "balanced", "aggressive"] as const) {
      const { text, summary } = await compress(mangled, { strategy, maxTokens: 30 })
      expect(summary.errors).toEqual([])
      for (const line of ["-two", "+TWO", " four (past the count: not context any more)", "random text in the middle", "-y", "+Y", "@@ garbage @@", "+orphan added line"]) {
        expect(text).toContain(line)
      }
    }
    const junk = Array.from({ length: 500 }, (_, i) => ["@@", "+", "-", " ", "\\", "diff --git", "--- ", "+++ ", "@@ -1 +1 @@", "\r"][i % 10]!.repeat(1 + (i % 3))).join("\n")
    const { ctx } = fakeContext()
    const result = await Effect.runPromise(diffCompressor.run(makeBlock(junk, { kind: "diff" }), ctx))
    expect(result === Unchanged || typeof result.text === "string").toBe(true)
  })

  test("a token budget drops context first, then summarises the largest files, listing every file", async () => {
    const full = await compress(FEATURE, { strategy: "conservative" })
    const budget = Math.floor(full.summary.after!.tokens * 0.9)
    const tight = await compress(FEATURE, { strategy: "conservative", maxTokens: budget })
    expect(tokenizer.count(tight.text)).toBeLessThanOrEqual(budget)
    for (const s of sections(FEATURE)) if (!SUMMARISED.some((p) => s.header.includes(p))) expectLinesInOrder(tight.text, nonContext(s.lines))

    const tiny = await compress(FEATURE, { maxTokens: 420 })
    expect(tokenizer.count(tiny.text)).toBeLessThanOrEqual(420)
    for (const path of ["logo.png", "app.min.js", "package-lock.json", "deploy.bat", "release.sh", "csv_io.py", "invoice.py", "legacy.py", "text.py", "version.txt"]) {
      expect(tiny.text).toContain(path)
    }
    expect(tiny.text).toContain("src/billing/legacy.py (+0 -23, 1 hunk)")
    await expectMarkersRedeem(tiny.text, FEATURE)

    // Out of reach: every file is still listed, each on one line.
    const unreachable = await compress(FEATURE, { maxTokens: 50 })
    expect(unreachable.text.split("\n").filter((l) => l !== "")).toHaveLength(10)
  })

  test("deterministic, and --lossless leaves the diff alone", async () => {
    const a = await compress(FEATURE, { strategy: "aggressive" })
    const b = await compress(FEATURE, { strategy: "aggressive" })
    expect(a.text).toBe(b.text)
    const { ctx } = fakeContext({ options: { ...DEFAULT_STAGE_OPTIONS, lossless: true } })
    expect(await Effect.runPromise(diffCompressor.run(makeBlock(FEATURE, { kind: "diff" }), ctx))).toBe(Unchanged)
  })

  test("a long diff cut into segments mid-file and mid-hunk keeps every change and trims context across the cuts", async () => {
    const invoice = sections(FEATURE).find((s) => s.header.includes("invoice.py"))!.lines.join("\n")
    const files = Array.from({ length: 60 }, (_, i) => invoice.replaceAll("src/billing/invoice.py", `src/billing/invoice_${i}.py`))
    const diff = `${files.join("\n")}\n`
    const whole = await compress(diff, { strategy: "aggressive" })
    const cut = await compress(diff, { strategy: "aggressive", segmentBytes: 3000 })
    expect(cut.summary.segments).toBeGreaterThan(20)
    expect(cut.summary.errors).toEqual([])
    expectLinesInOrder(cut.text, nonContext(diff.split("\n")))
    // Lines after a cut are read with the hunk they belong to: context there is trimmed too.
    const context = (text: string) => text.split("\n").filter((l) => l.startsWith(" ")).length
    expect(context(cut.text)).toBeLessThan(context(diff) * 0.05)
    expect(cut.summary.after!.tokens).toBeLessThan(whole.summary.after!.tokens * 1.5)
    expect(cut.text).toContain("(continued)")
  })

  test("a budget over several segments is met once more on the joined output, every file still listed", async () => {
    const invoice = sections(FEATURE).find((s) => s.header.includes("invoice.py"))!.lines.join("\n")
    const diff = `${Array.from({ length: 40 }, (_, i) => invoice.replaceAll("src/billing/invoice.py", `src/billing/invoice_${i}.py`)).join("\n")}\n`
    const { text, summary } = await compress(diff, { segmentBytes: 8000, maxTokens: 2500 })
    expect(summary.segments).toBeGreaterThan(3)
    expect(tokenizer.count(text)).toBeLessThanOrEqual(2500)
    for (let i = 0; i < 40; i++) expect(text).toContain(`src/billing/invoice_${i}.py`)
    await redeemAll(store, text)
  })

  test("a 20 MB diff compresses in bounded time", async () => {
    const invoice = sections(FEATURE).find((s) => s.header.includes("invoice.py"))!.lines.join("\n")
    const lock = sections(FEATURE).find((s) => s.header.includes("package-lock.json"))!.lines.join("\n")
    const parts: Array<string> = []
    let size = 0
    for (let i = 0; size < 20 * 1024 * 1024; i++) {
      const part = i % 5 === 4 ? lock.replaceAll("package-lock.json", `pkgs/p${i}/package-lock.json`) : invoice.replaceAll("invoice.py", `invoice_${i}.py`)
      parts.push(part)
      size += part.length + 1
    }
    const diff = `${parts.join("\n")}\n`
    const started = performance.now()
    const { text, summary } = await compress(diff, { strategy: "balanced" })
    const seconds = (performance.now() - started) / 1000
    expect(summary.segments).toBeGreaterThanOrEqual(10)
    expect(summary.errors).toEqual([])
    expect(text.length).toBeLessThan(diff.length * 0.7)
    expect(seconds).toBeLessThan(30)
  }, 120_000)
})
