#!/usr/bin/env bun
/**
 * Compression benchmark over ../shared/corpus: per file and per category, tokens before/after,
 * savings, time, throughput, peak RSS and fidelity (needles kept, `must` and `should`, scored by
 * ../shared/tools/check_needles.py; for CI logs, whether every line of the labelled failure chunk
 * survived). Prints tables and writes the same as JSON.
 *
 *   bun scripts/bench-compress.ts [--strategy balanced|all] [--lossless] [--only REGEX] [--out dist/bench]
 *   bun scripts/bench-compress.ts --big [--big-mb 1024]   # adds the large-log run on dist/headroom
 *   bun scripts/bench-compress.ts --big-only               # the large-log run alone
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"
import { Effect, Layer } from "effect"
import { expandJson } from "../src/compressors/json/expand.ts"
import { compressText } from "../src/pipeline/stream.ts"
import { compressRequestFor } from "../src/cli/request.ts"
import { loadConfig } from "../src/config/index.ts"
import { STRATEGIES, type Strategy } from "../src/sdk/stage.ts"
import { SqliteStoreLayer } from "../src/store/sqlite.ts"
import { TokenizerLayer, makeTokenizer } from "../src/tokens/index.ts"

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : (args[i + 1] ?? fallback)
}
const ROOT = resolve(import.meta.dir, "..")
const CORPUS = resolve(ROOT, option("corpus", "../shared/corpus"))
const CHECKER = resolve(ROOT, "../shared/tools/check_needles.py")
const OUT = resolve(ROOT, option("out", "dist/bench"))
const strategyOption = option("strategy", "balanced")
const lossless = args.includes("--lossless")
const only = new RegExp(option("only", "."))
const RUNS = Number(option("runs", "3"))

if (!existsSync(CORPUS)) {
  console.error(`corpus not found at ${CORPUS} (pass --corpus DIR)`)
  process.exit(2)
}

interface FileRow {
  file: string
  category: string
  bytes: number
  tokensBefore: number
  tokensAfter: number
  savedPct: number
  ms: number
  mbPerS: number
  msPer100KB: number
  must: [number, number]
  should: [number, number]
  failedMust: Array<string>
  chunkKept: boolean | null
  /** Lossless JSON runs: does the output expand back to the input? */
  roundTrip: boolean | null
  deterministic: boolean
  kind: string
}

const home = mkdtempSync(join(tmpdir(), "headroom-bench-"))
const layer = Layer.merge(
  TokenizerLayer("o200k_base"),
  SqliteStoreLayer({ path: join(home, "headroom.db"), ttlMs: 3_600_000, maxBytes: 2 ** 40 }),
)
const tokenizer = makeTokenizer("o200k_base")
// As the CLI runs with no config file: defaults plus the built-in rule packs.
const run = (text: string, path: string, strategy: Strategy, lossless: boolean) =>
  Effect.runPromise(
    loadConfig({ cwd: home, env: { HOME: home }, flags: { strategy, lossless } }).pipe(
      Effect.flatMap((config) => compressText(text, compressRequestFor(config, { path }))),
      Effect.provide(layer),
    ),
  )

const manifest = readFileSync(join(CORPUS, "MANIFEST.tsv"), "utf8")
  .split("\n")
  .slice(1)
  .filter((l) => l.trim() !== "")
  .map((l) => l.split("\t"))
  .filter((f) => f[2] === "input")
// `--big-only` skips the per-file tables and runs the large log alone.
const corpusFiles = args.includes("--big-only") ? [] : manifest.filter((f) => only.test(f[0]!))

let peakRss = 0
const strategies: Array<Strategy> = strategyOption === "all" ? [...STRATEGIES] : [strategyOption as Strategy]
const reports: Array<{ strategy: Strategy; lossless: boolean; categories: ReturnType<typeof summarize> }> = []
// Warm the tokenizer and the JIT so the first file's time is not the tables' load time.
if (corpusFiles.length > 0) await run(readFileSync(join(CORPUS, corpusFiles[0]![0]!), "utf8"), corpusFiles[0]![0]!, strategies[0]!, lossless)
for (const strategy of strategies) reports.push(await benchCorpus(strategy))

let big: Awaited<ReturnType<typeof bigRun>> | undefined
if (args.includes("--big") || args.includes("--big-only")) {
  big = await bigRun(Number(option("big-mb", "1024")))
  mkdirSync(OUT, { recursive: true })
  writeFileSync(join(OUT, "compress-big.json"), `${JSON.stringify({ date: new Date().toISOString(), machine: machine(), big }, null, 1)}\n`)
}
if (reports.length > 1) {
  console.log("\nall strategies")
  printTable(
    ["strategy", "category", "files", "median saved", "must", "should", "ms/100KB"],
    reports.flatMap((r) =>
      r.categories.map((c) => [r.strategy, c.category, String(c.files), `${c.medianSavedPct}%`, `${(c.mustRecall * 100).toFixed(1)}%`, `${(c.shouldRecall * 100).toFixed(1)}%`, c.msPer100KB.toFixed(2)]),
    ),
  )
}
rmSync(home, { recursive: true, force: true })

/** Compresses every selected corpus file with one strategy; prints and writes its tables. */
async function benchCorpus(strategy: Strategy) {
  const label = lossless ? `${strategy}-lossless` : strategy
  const compressedDir = join(OUT, "compressed", label)
  rmSync(compressedDir, { recursive: true, force: true })
  const rows: Array<FileRow> = []
  for (const fields of corpusFiles) {
    const rel = fields[0]!
    const category = fields[1]!
    const text = readFileSync(join(CORPUS, rel), "utf8")
    const times: Array<number> = []
    let output = ""
    let kind = ""
    let deterministic = true
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now()
      const { text: out, summary } = await run(text, rel, strategy, lossless)
      times.push(performance.now() - started)
      if (r > 0 && out !== output) deterministic = false
      output = out
      kind = summary.language === undefined ? summary.kind : `${summary.kind}/${summary.language}`
    }
    peakRss = Math.max(peakRss, process.memoryUsage().rss)
    const target = join(compressedDir, rel)
    mkdirSync(dirname(target), { recursive: true })
    writeFileSync(target, output)
    const ms = median(times)
    const bytes = Buffer.byteLength(text)
    const tokensBefore = tokenizer.count(text)
    const tokensAfter = tokenizer.count(output)
    rows.push({
      file: rel,
      category,
      bytes,
      tokensBefore,
      tokensAfter,
      savedPct: pct(1 - tokensAfter / tokensBefore),
      ms,
      mbPerS: bytes / 1e6 / (ms / 1000),
      msPer100KB: (ms * 100_000) / bytes,
      must: [0, 0],
      should: [0, 0],
      failedMust: [],
      chunkKept: chunkKept(rel, output),
      roundTrip: lossless && category === "json" ? roundTrips(text, output) : null,
      deterministic,
      kind,
    })
  }
  if (rows.length > 0) scoreNeedles(rows, compressedDir, label)
  printFiles(rows, label)
  const categories = summarize(rows)
  printCategories(categories)
  const report = { strategy, lossless, date: new Date().toISOString(), machine: machine(), peakRssMB: Math.round(peakRss / 1e6), categories, files: rows }
  mkdirSync(OUT, { recursive: true })
  const reportPath = join(OUT, `compress-${label}.json`)
  if (rows.length > 0) {
    writeFileSync(reportPath, `${JSON.stringify(report, null, 1)}\n`)
    console.log(`\npeak RSS ${Math.round(peakRss / 1e6)} MB · JSON: ${reportPath}`)
  }
  return { strategy, lossless, categories }
}

/** Fidelity: the shared needle checker scores every compressed file. */
function scoreNeedles(rows: Array<FileRow>, compressedDir: string, label: string) {
  const needlesJson = join(OUT, `needles-${label}.json`)
  const checker = Bun.spawnSync(["python3", CHECKER, "--compressed-dir", compressedDir, "--json-out", needlesJson], { stdout: "pipe", stderr: "pipe" })
  if (checker.exitCode !== 0) {
    console.error(`needle checker failed: ${checker.stderr.toString()}`)
    return
  }
  const scored = JSON.parse(readFileSync(needlesJson, "utf8")) as Array<{
    file: string
    must: [number, number]
    should: [number, number]
    failed_must_sample: Array<string>
  }>
  for (const s of scored) {
    const row = rows.find((r) => r.file === s.file)
    if (row === undefined) continue
    row.must = s.must
    row.should = s.should
    row.failedMust = s.failed_must_sample
  }
}

function machine() {
  return { cpus: navigator.hardwareConcurrency, bun: Bun.version }
}

/** Lossless JSON: `headroom expand` gives back JSON equal to the input (parsed and compared). */
function roundTrips(input: string, output: string): boolean {
  const expanded = expandJson(output)
  if (!expanded.ok) return false
  try {
    return Bun.deepEquals(JSON.parse(expanded.json), JSON.parse(input), true)
  } catch {
    return false
  }
}

function median(values: Array<number>): number {
  const s = [...values].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function pct(x: number): number {
  return Math.round(x * 1000) / 10
}

/** CI logs with a labelled failure chunk: is every (normalised) line of it still present? */
function chunkKept(rel: string, output: string): boolean | null {
  const base = rel.split("/").pop()!
  const gt = join(CORPUS, "ci/groundtruth")
  let lines: Array<string> = []
  const chunk = join(gt, `${base}.chunk.json`)
  const ranges = join(gt, base.replace(/\.log$/, ".groundtruth"))
  if (existsSync(chunk)) {
    lines = (JSON.parse(readFileSync(chunk, "utf8")) as { chunk: string }).chunk.split("\n")
  } else if (base.endsWith(".log") && existsSync(ranges)) {
    // Line numbers count "\r" as a line break, as Python's universal newlines do.
    const source = readFileSync(join(CORPUS, rel), "utf8").split(/\r\n|\r|\n/)
    for (const l of readFileSync(ranges, "utf8").split("\n").slice(1)) {
      const m = /^E (\d+)(?:-(\d+))?/.exec(l.trim())
      if (m === null) continue
      for (let n = Number(m[1]); n <= Number(m[2] ?? m[1]); n++) lines.push(source[n - 1] ?? "")
    }
  } else {
    return null
  }
  const haystack = normalize(output)
  return lines.map(normalize).every((l) => l.length < 3 || haystack.includes(l))
}

function normalize(s: string): string {
  return s
    .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "")
    .replace(/\r/g, "")
    .replace(/^\s*\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z\s?/gm, "")
    .replace(/\s+/g, " ")
    .trim()
}

function printFiles(rows: Array<FileRow>, label: string) {
  if (rows.length === 0) return
  console.log(`\nheadroom compress --strategy ${label} over ${CORPUS}\n`)
  const header = ["file", "kind", "tokens", "→ after", "saved", "ms", "MB/s", "ms/100KB", "must", "should", "chunk", ...(lossless ? ["round trip"] : [])]
  const table = rows.map((r) => [
    r.file,
    r.kind,
    String(r.tokensBefore),
    String(r.tokensAfter),
    `${r.savedPct}%`,
    r.ms.toFixed(1),
    r.mbPerS.toFixed(1),
    r.msPer100KB.toFixed(2),
    `${r.must[0]}/${r.must[1]}`,
    `${r.should[0]}/${r.should[1]}`,
    r.chunkKept === null ? "" : r.chunkKept ? "kept" : "LOST",
    ...(lossless ? [r.roundTrip === null ? "" : r.roundTrip ? "exact" : "BROKEN"] : []),
  ])
  printTable(header, table)
  const lost = rows.filter((r) => r.must[0] < r.must[1])
  for (const r of lost) console.log(`  must needles lost in ${r.file}: ${r.failedMust.join(", ")}`)
  const unstable = rows.filter((r) => !r.deterministic)
  if (unstable.length > 0) console.log(`  NOT deterministic: ${unstable.map((r) => r.file).join(", ")}`)
}

function summarize(rows: Array<FileRow>) {
  const groups = new Map<string, Array<FileRow>>()
  for (const r of rows) {
    // CI build logs are judged apart from the structured test reports that share the folder.
    const key = r.category === "ci" ? (r.file.endsWith(".log") ? "ci (build logs)" : "ci (reports)") : r.category
    groups.set(key, [...(groups.get(key) ?? []), r])
    if (r.category === "logs" && r.file.endsWith("_2k.log")) groups.set("logs (Loghub)", [...(groups.get("logs (Loghub)") ?? []), r])
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([category, rs]) => {
      const must = rs.reduce<[number, number]>((a, r) => [a[0] + r.must[0], a[1] + r.must[1]], [0, 0])
      const should = rs.reduce<[number, number]>((a, r) => [a[0] + r.should[0], a[1] + r.should[1]], [0, 0])
      const bytes = rs.reduce((a, r) => a + r.bytes, 0)
      const ms = rs.reduce((a, r) => a + r.ms, 0)
      const chunks = rs.filter((r) => r.chunkKept !== null)
      const trips = rs.filter((r) => r.roundTrip !== null)
      return {
        category,
        files: rs.length,
        tokensBefore: rs.reduce((a, r) => a + r.tokensBefore, 0),
        tokensAfter: rs.reduce((a, r) => a + r.tokensAfter, 0),
        medianSavedPct: median(rs.map((r) => r.savedPct)),
        mustRecall: must[1] === 0 ? 1 : must[0] / must[1],
        shouldRecall: should[1] === 0 ? 1 : should[0] / should[1],
        chunksKept: chunks.length === 0 ? null : `${chunks.filter((r) => r.chunkKept).length}/${chunks.length}`,
        roundTrips: trips.length === 0 ? null : `${trips.filter((r) => r.roundTrip).length}/${trips.length}`,
        mbPerS: bytes / 1e6 / (ms / 1000),
        msPer100KB: (ms * 100_000) / bytes,
      }
    })
}

function printCategories(cats: ReturnType<typeof summarize>) {
  if (cats.length === 0) return
  console.log("\nper category")
  printTable(
    ["category", "files", "tokens", "→ after", "median saved", "must", "should", "chunks", "MB/s", "ms/100KB", ...(lossless ? ["round trips"] : [])],
    cats.map((c) => [
      c.category,
      String(c.files),
      String(c.tokensBefore),
      String(c.tokensAfter),
      `${c.medianSavedPct}%`,
      `${(c.mustRecall * 100).toFixed(1)}%`,
      `${(c.shouldRecall * 100).toFixed(1)}%`,
      c.chunksKept ?? "",
      c.mbPerS.toFixed(1),
      c.msPer100KB.toFixed(2),
      ...(lossless ? [c.roundTrips ?? ""] : []),
    ]),
  )
}

function printTable(header: Array<string>, rows: Array<Array<string>>) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: Array<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const r of rows) console.log(line(r))
}

/**
 * The large-input run: a log of `mb` megabytes generated from the corpus logs (in a temp dir,
 * never committed) compressed by the built binary; wall time, throughput and peak RSS.
 */
async function bigRun(mb: number) {
  const binary = join(ROOT, "dist/headroom")
  if (!existsSync(binary)) throw new Error("dist/headroom not found: run `bun run build` first")
  const dir = mkdtempSync(join(tmpdir(), "headroom-big-"))
  const path = join(dir, "big.log")
  const sources = manifest
    .filter((f) => (f[1] === "logs" || (f[1] === "ci" && f[0]!.endsWith(".log"))) && f[2] === "input")
    .map((f) => readFileSync(join(CORPUS, f[0]!)))
  const writer = Bun.file(path).writer()
  let written = 0
  for (let round = 0; written < mb * 1024 * 1024; round++) {
    for (const s of sources) {
      writer.write(s)
      written += s.length
      if (written >= mb * 1024 * 1024) break
    }
  }
  await writer.end()
  console.log(`\nlarge log: ${(written / 1e6).toFixed(0)} MB generated from ${sources.length} corpus logs`)
  const runs = [
    { label: "compress --no-store", args: ["compress", "--no-store", path] },
    { label: "compress (originals stored)", args: ["compress", path] },
  ].map(({ label, args }) => {
    const started = performance.now()
    // Output to a file, as `headroom compress big.log > out.txt` would: the run is measured, not a pipe.
    const out = join(dir, "out.txt")
    const child = Bun.spawnSync([binary, ...args], {
      stdout: Bun.file(out),
      stderr: "inherit",
      env: { ...process.env, HEADROOM_HOME: dir, HEADROOM_STORE_MAX_MB: "4096" },
    })
    const seconds = (performance.now() - started) / 1000
    const outBytes = Bun.file(out).size
    rmSync(out, { force: true })
    return {
      label,
      exitCode: child.exitCode,
      inputMB: Math.round(written / 1e6),
      outputMB: Math.round((outBytes / 1e6) * 10) / 10,
      seconds: Math.round(seconds * 10) / 10,
      mbPerS: Math.round((written / 1e6 / seconds) * 10) / 10,
      peakRssMB: Math.round(Number(child.resourceUsage?.maxRSS ?? 0) / 1e6),
    }
  })
  rmSync(dir, { recursive: true, force: true })
  printTable(
    ["large log", "MB in", "MB out", "seconds", "MB/s", "peak RSS MB", "exit"],
    runs.map((r) => [r.label, String(r.inputMB), String(r.outputMB), String(r.seconds), String(r.mbPerS), String(r.peakRssMB), String(r.exitCode)]),
  )
  return runs
}
