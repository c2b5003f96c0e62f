#!/usr/bin/env bun
/**
 * compress-batch benchmark on the built binary: the whole corpus (../shared/corpus) with
 * --jobs 1 and --jobs 2, then a batch of large generated logs (default 8 × 100 MB) to show that
 * memory stays bounded whatever the file sizes. Wall time, throughput, peak RSS (polled from
 * /proc for the process and its children) and tokens saved; a table, and the same as JSON in
 * dist/bench/batch.json.
 *
 *   bun scripts/bench-batch.ts [--binary dist/headroom] [--jobs 1,2] [--big-files 8] [--big-mb 100] [--no-big]
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : (args[i + 1] ?? fallback)
}
const ROOT = resolve(import.meta.dir, "..")
const BINARY = resolve(ROOT, option("binary", "dist/headroom"))
const CORPUS = resolve(ROOT, option("corpus", "../shared/corpus"))
const OUT = resolve(ROOT, option("out", "dist/bench"))
const JOBS = option("jobs", "1,2").split(",").map(Number)
const BIG_FILES = Number(option("big-files", "8"))
const BIG_MB = Number(option("big-mb", "100"))

if (!existsSync(BINARY)) {
  console.error(`${BINARY} not found: run \`bun run build\` (or pass --binary PATH)`)
  process.exit(2)
}
if (!existsSync(CORPUS)) {
  console.error(`corpus not found at ${CORPUS} (pass --corpus DIR)`)
  process.exit(2)
}

interface Row {
  label: string
  jobs: number
  files: number
  inputMB: number
  outputMB: number
  seconds: number
  mbPerS: number
  peakRssMB: number
  tokensBefore: number
  tokensAfter: number
  savedPct: number
  exitCode: number
}

const work = mkdtempSync(join(tmpdir(), "headroom-bench-batch-"))
const rows: Array<Row> = []
for (const jobs of JOBS) rows.push(await batch(`corpus (${CORPUS})`, CORPUS, jobs, []))
if (!args.includes("--no-big")) {
  const big = generateBigLogs(join(work, "big"), BIG_FILES, BIG_MB)
  for (const jobs of JOBS) rows.push(await batch(`${BIG_FILES} × ${BIG_MB} MB logs, --no-store`, big, jobs, ["--no-store"]))
  rows.push(await batch(`${BIG_FILES} × ${BIG_MB} MB logs, originals stored`, big, Math.max(...JOBS), []))
}
rmSync(work, { recursive: true, force: true })

printTable(
  ["batch", "jobs", "files", "MB in", "MB out", "seconds", "MB/s", "peak RSS MB", "tokens", "→ after", "saved", "exit"],
  rows.map((r) => [
    r.label,
    String(r.jobs),
    String(r.files),
    r.inputMB.toFixed(1),
    r.outputMB.toFixed(1),
    r.seconds.toFixed(2),
    r.mbPerS.toFixed(1),
    String(r.peakRssMB),
    String(r.tokensBefore),
    String(r.tokensAfter),
    `${r.savedPct}%`,
    String(r.exitCode),
  ]),
)
mkdirSync(OUT, { recursive: true })
const json = join(OUT, "batch.json")
writeFileSync(json, `${JSON.stringify({ date: new Date().toISOString(), machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version }, rows }, null, 1)}\n`)
console.log(`\nJSON: ${json}`)

/** One `compress-batch` run into a fresh output directory with its own store. */
async function batch(label: string, input: string, jobs: number, extra: Array<string>): Promise<Row> {
  const output = join(work, "out")
  const home = join(work, "home")
  const report = join(work, "report.json")
  rmSync(output, { recursive: true, force: true })
  rmSync(home, { recursive: true, force: true })
  const started = performance.now()
  const child = Bun.spawn([BINARY, "compress-batch", input, "--output", output, "--jobs", String(jobs), "--report", report, "--quiet", ...extra], {
    env: { ...process.env, HEADROOM_HOME: home, HEADROOM_STORE_MAX_MB: "8192" },
    stdout: "inherit",
    stderr: "inherit",
  })
  let peak = 0
  const poll = setInterval(() => {
    peak = Math.max(peak, treeRss(child.pid))
  }, 20)
  const exitCode = await child.exited
  clearInterval(poll)
  const seconds = (performance.now() - started) / 1000
  const totals = (JSON.parse(readFileSync(report, "utf8")) as { totals: Record<string, number> }).totals
  const bytesIn = totals.bytes_in!
  return {
    label,
    jobs,
    files: totals.files!,
    inputMB: bytesIn / 1e6,
    outputMB: totals.bytes_out! / 1e6,
    seconds,
    mbPerS: bytesIn / 1e6 / seconds,
    peakRssMB: Math.round(Math.max(peak, Number(child.resourceUsage()?.maxRSS ?? 0)) / 1e6),
    tokensBefore: totals.tokens_before!,
    tokensAfter: totals.tokens_after!,
    savedPct: totals.saved_pct!,
    exitCode,
  }
}

/** Resident memory of a process and its descendants (worker threads count within the process). */
function treeRss(pid: number): number {
  let total = 0
  const pending = [pid]
  while (pending.length > 0) {
    const p = pending.pop()!
    try {
      const status = readFileSync(`/proc/${p}/status`, "utf8")
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024
      for (const task of readdirSync(`/proc/${p}/task`)) {
        const children = readFileSync(`/proc/${p}/task/${task}/children`, "utf8").trim()
        if (children !== "") pending.push(...children.split(/\s+/).map(Number))
      }
    } catch {
      // the process has just exited
    }
  }
  return total
}

/**
 * `count` logs of `mb` megabytes each, cut from the corpus logs, each starting at another log so
 * no two files are alike (the store keeps one copy of identical originals).
 */
function generateBigLogs(dir: string, count: number, mb: number): string {
  mkdirSync(dir, { recursive: true })
  const manifest = readFileSync(join(CORPUS, "MANIFEST.tsv"), "utf8")
    .split("\n")
    .slice(1)
    .map((l) => l.split("\t"))
    .filter((f) => (f[1] === "logs" || (f[1] === "ci" && f[0]!.endsWith(".log"))) && f[2] === "input")
  const sources = manifest.map((f) => readFileSync(join(CORPUS, f[0]!)))
  for (let i = 0; i < count; i++) {
    const parts: Array<Uint8Array> = []
    let written = 0
    for (let k = i; written < mb * 1e6; k++) {
      const s = sources[k % sources.length]!
      parts.push(s)
      written += s.length
    }
    writeFileSync(join(dir, `big-${i}.log`), Buffer.concat(parts))
  }
  console.log(`generated ${count} logs of ~${mb} MB from ${sources.length} corpus logs`)
  return dir
}

function printTable(header: Array<string>, table: Array<Array<string>>) {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)))
  const line = (cells: Array<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const r of table) console.log(line(r))
}
