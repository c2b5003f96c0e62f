#!/usr/bin/env bun
/**
 * Proxy benchmark, as users run it: the built binary `headroom proxy --port 0` as its own process
 * (its own HEADROOM_HOME in a temp dir) in front of a mock upstream in another process
 * (scripts/bench-proxy/mock-upstream.ts), driven from this process by keep-alive clients.
 *
 * 1. Passthrough latency: Claude Code-shaped streamed requests (system prompt and tools ~60 KB,
 *    a few turns, nothing to compress) at 1, 50 and 200 concurrent clients, through the proxy
 *    with optimisation on (the body parsed and searched for tool results) and with --no-optimize,
 *    against the mock called directly; also a chat completions stream. Added latency = the
 *    proxy's percentile minus the direct one, for time to first byte and for the whole stream.
 *    Twice: back to back (each client sends again as soon as its stream ends: the cost per
 *    request and the throughput where the proxy saturates — with no pause, latency at N clients
 *    is N / throughput whatever the proxy), and paced (50 ms between the mock's writes, ~0.5 s
 *    streams, clients starting spread out: long-lived streams overlapping as real sessions do).
 * 2. Compression: the same request plus a 50 KB build log in a Bash result, fresh every request
 *    (never seen) and repeated (memo hit), against the same bodies through --no-optimize.
 * 3. Memory: the proxy's RSS (/proc/PID/status VmRSS) over 10,000 mixed requests.
 *
 * Also the CPU each process used per scenario (the three share this machine's cores).
 * Prints tables and writes the same as JSON to dist/bench/proxy.json.
 *
 *   bun scripts/bench-proxy.ts [--binary dist/headroom] [--quick] [--concurrency 1,50,200]
 *        [--paced-concurrency 1,50,200] [--event-delay-ms 50] [--compress-concurrency 1,8]
 *        [--memory-requests 10000] [--sections back-to-back,paced,compress,memory]
 *        [--source]        # run the proxies from source (bun src/cli/main.ts proxy)
 *        [--profile DIR]   # … under `bun --cpu-prof`, a profile per proxy in DIR
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { quantile, runLoad, type LoadResult, type Shot } from "./bench-proxy/load.ts"
import { ANTHROPIC_HEADERS, OPENAI_HEADERS, benchBodies, buildLog } from "./bench-proxy/requests.ts"

const args = process.argv.slice(2)
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`)
  return i === -1 ? fallback : (args[i + 1] ?? fallback)
}
const ROOT = resolve(import.meta.dir, "..")
const BINARY = resolve(ROOT, option("binary", "dist/headroom"))
const OUT = resolve(ROOT, option("out", "dist/bench"))
const QUICK = args.includes("--quick")
const CONCURRENCY = option("concurrency", "1,50,200").split(",").map(Number)
const COMPRESS_CONCURRENCY = option("compress-concurrency", "1,8").split(",").map(Number)
const MEMORY_REQUESTS = Number(option("memory-requests", QUICK ? "2000" : "10000"))
const PACED_CONCURRENCY = option("paced-concurrency", "1,50,200").split(",").filter((c) => c !== "").map(Number)
/** The pause between the mock's writes in the paced runs: 11 writes make a stream of ~10 × this. */
const EVENT_DELAY_MS = Number(option("event-delay-ms", "50"))
const SECTIONS = new Set(option("sections", "back-to-back,paced,compress,memory").split(","))
const PROFILE = args.includes("--profile") ? resolve(option("profile", "dist/bench/profiles")) : undefined
/** Run the proxies from source (`bun src/cli/main.ts proxy`) rather than the built binary. */
const SOURCE = PROFILE !== undefined || args.includes("--source")
/** Requests per scenario at a given concurrency: enough for a p99 at one client, a few rounds at many. */
const requestsAt = (concurrency: number) => (QUICK ? Math.max(100, concurrency * 4) : Math.max(600, concurrency * 20))
/** Paced requests per scenario: a few streams per client (each lasts ~10 × the delay). */
const pacedRequestsAt = (concurrency: number) => (QUICK ? Math.max(10, concurrency * 2) : Math.max(40, concurrency * 6))
/** Requests sent before each measured run (numbered after it, so a fresh body is never reused). */
const warmupAt = (concurrency: number) => Math.max(concurrency * 2, 50)
/** Requests per compression scenario and client count. */
const compressRequestsAt = (concurrency: number) => (QUICK ? Math.max(60, concurrency * 10) : Math.max(300, concurrency * 40))

if (!SOURCE && !existsSync(BINARY)) {
  console.error(`${BINARY} not found: run \`bun run build\` (or pass --binary PATH)`)
  process.exit(2)
}

const work = mkdtempSync(join(tmpdir(), "headroom-bench-proxy-"))
const bodies = benchBodies()
const children: Array<Child> = []

const mock = await start("mock", [process.execPath, join(import.meta.dir, "bench-proxy/mock-upstream.ts")], {}, "stdout", /listening on (http:\/\/\S+)/)
const proxyArgs = ["--port", "0", "--anthropic-url", mock.url, "--openai-url", `${mock.url}/v1`]
const optimized = await startProxy("optimize", proxyArgs)
const passthrough = await startProxy("no-optimize", [...proxyArgs, "--no-optimize"])
console.log(
  `mock ${mock.url} · proxy ${optimized.url} (optimize on) · proxy ${passthrough.url} (--no-optimize) · ${navigator.hardwareConcurrency} cores · bodies: ${kb(bodies.passthrough)} KB anthropic, ${kb(bodies.chat)} KB chat`,
)

const pacedHeaders = (headers: Record<string, string>, delay: number) => (delay === 0 ? headers : { ...headers, "x-bench-delay-ms": String(delay) })
const anthropicPaced = pacedHeaders(ANTHROPIC_HEADERS, EVENT_DELAY_MS)
const chatPaced = pacedHeaders(OPENAI_HEADERS, EVENT_DELAY_MS)
const anthropic = (base: string, body: Uint8Array, delay = 0): Shot => ({
  url: `${base}/v1/messages?beta=true`,
  headers: delay === 0 ? ANTHROPIC_HEADERS : anthropicPaced,
  body,
})
const chat = (base: string, delay = 0): Shot => ({ url: `${base}/v1/chat/completions`, headers: delay === 0 ? OPENAI_HEADERS : chatPaced, body: bodies.chat })

// 1. Passthrough latency: streams back to back (each client sends its next request as soon as
// its stream ends: the proxy's cost per request and where it saturates), then paced like a model
// writing its tokens (a pause between writes, so the streams overlap as long-lived ones do).
interface LatencyRow extends Measured {
  readonly mode: "back-to-back" | "paced"
  readonly scenario: string
  readonly concurrency: number
  readonly added?: Added
}
const latency: Array<LatencyRow> = []
const modes = (["back-to-back", "paced"] as const).filter((m) => SECTIONS.has(m))
for (const mode of modes) {
  const delay = mode === "paced" ? EVENT_DELAY_MS : 0
  for (const concurrency of mode === "paced" ? PACED_CONCURRENCY : CONCURRENCY) {
    const total = mode === "paced" ? pacedRequestsAt(concurrency) : requestsAt(concurrency)
    const warmup = mode === "paced" ? concurrency : warmupAt(concurrency)
    // Paced streams last ~10 delays: clients start spread over one stream, as independent users do.
    const spreadMs = mode === "paced" ? delay * 10 : undefined
    const run = (label: string, shot: () => Shot, proxy?: Child) => measure(`${label} (${mode})`, concurrency, total, shot, proxy, warmup, spreadMs)
    const direct = await run("anthropic direct", () => anthropic(mock.url, bodies.passthrough, delay))
    latency.push({ mode, scenario: "anthropic · mock direct", concurrency, ...direct })
    for (const proxy of [optimized, passthrough]) {
      const through = await run(`anthropic via ${proxy.label}`, () => anthropic(proxy.url, bodies.passthrough, delay), proxy)
      latency.push({ mode, scenario: `anthropic · proxy ${proxy.label}`, concurrency, ...through, added: added(through, direct) })
    }
    const chatDirect = await run("chat direct", () => chat(mock.url, delay))
    latency.push({ mode, scenario: "chat · mock direct", concurrency, ...chatDirect })
    const chatThrough = await run("chat via optimize", () => chat(optimized.url, delay), optimized)
    latency.push({ mode, scenario: "chat · proxy optimize", concurrency, ...chatThrough, added: added(chatThrough, chatDirect) })
  }
}
for (const mode of modes) {
  console.log(
    mode === "back-to-back"
      ? "\n1a. passthrough, streams back to back: full stream and time to first byte (ms); added = proxy percentile − direct percentile"
      : `\n1b. passthrough, paced streams (${EVENT_DELAY_MS} ms between the mock's 11 writes): full stream and time to first byte (ms)`,
  )
  printTable(
    ["scenario", "conc", "reqs", "req/s", "total p50", "p99", "TTFB p50", "p99", "added total p50", "p99", "added TTFB p50", "p99", "CPU proxy", "mock", "client", "other"],
    latency
      .filter((r) => r.mode === mode)
      .map((r) => [
        r.scenario,
        String(r.concurrency),
        String(r.requests),
        r.rps.toFixed(0),
        ms(r.total.p50),
        ms(r.total.p99),
        ms(r.ttfb.p50),
        ms(r.ttfb.p99),
        r.added === undefined ? "" : ms(r.added.total.p50),
        r.added === undefined ? "" : ms(r.added.total.p99),
        r.added === undefined ? "" : ms(r.added.ttfb.p50),
        r.added === undefined ? "" : ms(r.added.ttfb.p99),
        r.cpu.proxy === undefined ? "" : `${r.cpu.proxy}%`,
        `${r.cpu.mock}%`,
        `${r.cpu.client}%`,
        `${r.cpu.other}%`,
      ]),
  )
}
const atMost = Math.max(...CONCURRENCY, ...PACED_CONCURRENCY)
const targets = latency
  .filter((r) => r.concurrency === atMost && r.added !== undefined && r.scenario.startsWith("anthropic"))
  .map((r) => ({
    mode: r.mode,
    scenario: r.scenario,
    concurrency: r.concurrency,
    p50: { added: r.added!.total.p50, target: 1, met: r.added!.total.p50 <= 1 },
    p99: { added: r.added!.total.p99, target: 5, met: r.added!.total.p99 <= 5 },
  }))
for (const t of targets) {
  console.log(
    `target at ${t.concurrency} concurrent, ${t.mode}, ${t.scenario}: added p50 ${ms(t.p50.added)} ms (≤ 1: ${t.p50.met ? "met" : "MISSED"}), p99 ${ms(t.p99.added)} ms (≤ 5: ${t.p99.met ? "met" : "MISSED"})`,
  )
}

// 2. Compression of a fresh 50 KB tool result, and of one seen before.
let nextSeed = 1_000
const freshBodies = (count: number) => Array.from({ length: count }, () => bodies.withLog(buildLog(nextSeed++)))
const repeated = bodies.withLog(buildLog(1))
interface CompressRow extends Measured {
  readonly scenario: string
  readonly concurrency: number
  readonly addedVsPassthrough?: Added
  readonly tokens?: { readonly before: number; readonly after: number } | undefined
  /** Mean time the proxy itself spent compressing a request (its /stats compress_ms_total). */
  readonly compressMs?: number
}
const compression: Array<CompressRow> = []
for (const concurrency of SECTIONS.has("compress") ? COMPRESS_CONCURRENCY : []) {
  const total = compressRequestsAt(concurrency)
  let batch = freshBodies(total + warmupAt(concurrency))
  const direct = await measure("log direct", concurrency, total, (i) => anthropic(mock.url, batch[i]!))
  compression.push({ scenario: "fresh 50 KB log · mock direct", concurrency, ...direct })
  batch = freshBodies(total + warmupAt(concurrency))
  const base = await measure("log via no-optimize", concurrency, total, (i) => anthropic(passthrough.url, batch[i]!), passthrough)
  compression.push({ scenario: "fresh 50 KB log · proxy --no-optimize", concurrency, ...base })
  batch = freshBodies(total + warmupAt(concurrency))
  const before = await proxyStats(optimized)
  const fresh = await measure("log via optimize, fresh", concurrency, total, (i) => anthropic(optimized.url, batch[i]!), optimized)
  const after = await proxyStats(optimized)
  compression.push({
    scenario: "fresh 50 KB log · proxy compresses",
    concurrency,
    ...fresh,
    addedVsPassthrough: added(fresh, base),
    tokens: tokensOf(fresh.headers),
    compressMs: (after.compress_ms_total - before.compress_ms_total) / (after.total_requests - before.total_requests),
  })
  const beforeRepeat = await proxyStats(optimized)
  const repeat = await measure("log via optimize, repeated", concurrency, total, () => anthropic(optimized.url, repeated), optimized)
  const afterRepeat = await proxyStats(optimized)
  compression.push({
    scenario: "same 50 KB log · proxy memo hit",
    concurrency,
    ...repeat,
    addedVsPassthrough: added(repeat, base),
    tokens: tokensOf(repeat.headers),
    compressMs: (afterRepeat.compress_ms_total - beforeRepeat.compress_ms_total) / (afterRepeat.total_requests - beforeRepeat.total_requests),
  })
}
if (compression.length > 0) {
  console.log("\n2. compression: a Bash result of a 50 KB build log (ms); added = vs the same bodies through --no-optimize")
  printTable(
    ["scenario", "conc", "reqs", "req/s", "total p50", "p99", "TTFB p50", "p99", "added p50", "p99", "in-proxy compress", "tokens", "→ after", "CPU proxy", "mock", "client", "other"],
    compression.map((r) => [
      r.scenario,
      String(r.concurrency),
      String(r.requests),
      r.rps.toFixed(0),
      ms(r.total.p50),
      ms(r.total.p99),
      ms(r.ttfb.p50),
      ms(r.ttfb.p99),
      r.addedVsPassthrough === undefined ? "" : ms(r.addedVsPassthrough.total.p50),
      r.addedVsPassthrough === undefined ? "" : ms(r.addedVsPassthrough.total.p99),
      r.compressMs === undefined ? "" : ms(r.compressMs),
      r.tokens === undefined ? "" : String(r.tokens.before),
      r.tokens === undefined ? "" : String(r.tokens.after),
      r.cpu.proxy === undefined ? "" : `${r.cpu.proxy}%`,
      `${r.cpu.mock}%`,
      `${r.cpu.client}%`,
      `${r.cpu.other}%`,
    ]),
  )
}

const compressionTarget = compression
  .filter((r) => r.concurrency === 1 && r.addedVsPassthrough !== undefined && r.scenario.startsWith("fresh"))
  .map((r) => ({ scenario: r.scenario, added: r.addedVsPassthrough!.total.p50, target: 5, met: r.addedVsPassthrough!.total.p50 <= 5 }))
for (const t of compressionTarget) console.log(`target, one client, ${t.scenario}: added p50 ${ms(t.added)} ms (≤ 5: ${t.met ? "met" : "MISSED"})`)

await stopProxy(optimized)
await stopProxy(passthrough)

// 3. Memory over many mixed requests, on a proxy of its own.
const memory = SECTIONS.has("memory") ? await memoryRun(MEMORY_REQUESTS) : undefined

await stopChild(mock)
rmSync(work, { recursive: true, force: true })

mkdirSync(OUT, { recursive: true })
const json = join(OUT, "proxy.json")
writeFileSync(
  json,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      machine: { cpus: navigator.hardwareConcurrency, bun: Bun.version },
      proxy: SOURCE ? `source${PROFILE === undefined ? "" : " (bun --cpu-prof)"}` : BINARY,
      quick: QUICK,
      pacedEventDelayMs: EVENT_DELAY_MS,
      bodyBytes: { anthropic: bodies.passthrough.byteLength, chat: bodies.chat.byteLength, withLog: repeated.byteLength },
      latency: latency.map(({ headers: _headers, ...r }) => r),
      targets,
      compression: compression.map(({ headers: _headers, ...r }) => r),
      compressionTarget,
      memory,
    },
    null,
    1,
  )}\n`,
)
console.log(`\nJSON: ${json}`)

// ---------------------------------------------------------------------------------------------

interface Child {
  readonly label: string
  readonly url: string
  readonly pid: number
  readonly process: Bun.Subprocess<"ignore", "pipe", "pipe">
  /** The last of what it wrote, for when it fails. */
  readonly output: () => string
}

/** Starts a process and waits for the line that says where it listens; drains its output after. */
async function start(label: string, cmd: Array<string>, env: Record<string, string>, stream: "stdout" | "stderr", ready: RegExp): Promise<Child> {
  const child = Bun.spawn(cmd, { env: { ...process.env, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" })
  let text = ""
  let resolveUrl: (url: string) => void = () => {}
  const url = new Promise<string>((resolve) => (resolveUrl = resolve))
  const drain = async (which: "stdout" | "stderr") => {
    const decoder = new TextDecoder()
    for await (const chunk of child[which]) {
      text = (text + decoder.decode(chunk)).slice(-8_000)
      const found = which === stream ? ready.exec(text) : null
      if (found !== null) resolveUrl(found[1]!)
    }
  }
  void drain("stdout")
  void drain("stderr")
  const exited = child.exited.then((code) => {
    throw new Error(`${label} exited (${code}) before listening:\n${text}`)
  })
  const started = { label, url: await Promise.race([url, exited]), pid: child.pid, process: child, output: () => text }
  children.push(started)
  return started
}

async function startProxy(label: string, flags: Array<string>): Promise<Child> {
  const home = join(work, `home-${label}`)
  const profile = PROFILE === undefined ? [] : ["--cpu-prof", `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=proxy-${label}.cpuprofile`]
  const cmd = SOURCE ? [process.execPath, ...profile, join(ROOT, "src/cli/main.ts"), "proxy", ...flags] : [BINARY, "proxy", ...flags]
  return start(label, cmd, { HEADROOM_HOME: home }, "stderr", /headroom proxy listening on (http:\/\/\S+)/)
}

async function stopChild(child: Child): Promise<number> {
  child.process.kill("SIGTERM")
  const code = await child.process.exited
  if (code !== 0) console.error(`${child.label} exited ${code}:\n${child.output()}`)
  return code
}

async function stopProxy(child: Child): Promise<void> {
  await stopChild(child)
}

interface Percentiles {
  readonly p50: number
  readonly p99: number
}
interface Measured {
  readonly requests: number
  readonly rps: number
  readonly total: Percentiles
  readonly ttfb: Percentiles
  readonly errors: number
  readonly wrongBytes: number
  /** Share of one core each process used over the run, in %. */
  /** `other`: every other process on the machine (other users' work makes the numbers noisy). */
  readonly cpu: { readonly proxy?: number; readonly mock: number; readonly client: number; readonly other: number }
  readonly headers?: Headers
}
interface Added {
  readonly total: Percentiles
  readonly ttfb: Percentiles
}

/** A warm-up, then `total` requests at `concurrency`, timed; with the CPU each process used. */
async function measure(
  label: string,
  concurrency: number,
  total: number,
  shot: (index: number) => Shot,
  proxy?: Child,
  warmup = warmupAt(concurrency),
  spreadMs?: number,
): Promise<Measured> {
  await runLoad({ concurrency, total: warmup, shot: (i) => shot(total + i) })
  Bun.gc(true)
  const cpu = { proxy: proxy === undefined ? 0 : cpuMs(proxy.pid), mock: cpuMs(mock.pid), client: process.cpuUsage(), machine: machineBusyMs() }
  const run = await runLoad({ concurrency, total, shot, ...(spreadMs === undefined ? {} : { spreadMs }) })
  const share = (msUsed: number) => Math.round((msUsed / run.wallMs) * 100)
  const client = process.cpuUsage(cpu.client)
  const used = { proxy: proxy === undefined ? 0 : cpuMs(proxy.pid) - cpu.proxy, mock: cpuMs(mock.pid) - cpu.mock, client: (client.user + client.system) / 1000 }
  const measured: Measured = {
    requests: run.total.length,
    rps: (run.total.length / run.wallMs) * 1000,
    total: percentiles(run.total),
    ttfb: percentiles(run.ttfb),
    errors: run.errors.length,
    wrongBytes: run.wrongBytes,
    cpu: {
      ...(proxy === undefined ? {} : { proxy: share(used.proxy) }),
      mock: share(used.mock),
      client: share(used.client),
      other: Math.max(0, share(machineBusyMs() - cpu.machine - used.proxy - used.mock - used.client)),
    },
    ...(run.lastHeaders === undefined ? {} : { headers: run.lastHeaders }),
  }
  report(label, concurrency, run)
  return measured
}

function report(label: string, concurrency: number, run: LoadResult) {
  const problems = [
    run.errors.length === 0 ? "" : `${run.errors.length} errors (${[...new Set(run.errors)].slice(0, 3).join("; ")})`,
    run.wrongBytes === 0 ? "" : `${run.wrongBytes} responses of the wrong size`,
  ].filter((p) => p !== "")
  console.log(`  ${label} × ${concurrency}: ${run.total.length} in ${(run.wallMs / 1000).toFixed(1)} s${problems.length === 0 ? "" : ` — ${problems.join(", ")}`}`)
}

function percentiles(values: ReadonlyArray<number>): Percentiles {
  return { p50: quantile(values, 0.5), p99: quantile(values, 0.99) }
}

function added(through: Measured, direct: Measured): Added {
  return {
    total: { p50: through.total.p50 - direct.total.p50, p99: through.total.p99 - direct.total.p99 },
    ttfb: { p50: through.ttfb.p50 - direct.ttfb.p50, p99: through.ttfb.p99 - direct.ttfb.p99 },
  }
}

function tokensOf(headers: Headers | undefined): { before: number; after: number } | undefined {
  const before = headers?.get("x-headroom-tokens-before")
  return before == null ? undefined : { before: Number(before), after: Number(headers!.get("x-headroom-tokens-after")) }
}

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return 0
  }
}

/** CPU time the whole machine has been busy so far (all cores), in ms. */
function machineBusyMs(): number {
  const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number)
  const [user, nice, system, , , irq, softirq, steal] = fields
  return ((user! + nice! + system! + irq! + softirq! + (steal ?? 0)) * 1000) / 100
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8")
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024
}

async function proxyStats(proxy: Child): Promise<{ total_requests: number; compress_ms_total: number; memo: { entries: number; chars: number } }> {
  return (await fetch(`${proxy.url}/stats`)).json() as Promise<never>
}

/**
 * RSS of a fresh proxy over `count` requests from 20 clients: 40% Anthropic streams with nothing
 * to compress, 10% the same unstreamed (JSON), 10% a never-seen 50 KB log, 20% one of 8 logs
 * seen before, 20% chat completions streams. In 10 batches: RSS is sampled every 100 ms under
 * load, and once settled after each batch (1 s idle, when the collector has caught up) — the
 * settled series is the one that says whether memory keeps growing. The memo of compressed
 * results grows by design (bounded at 64 M chars) and is reported beside it.
 */
async function memoryRun(count: number) {
  const proxy = await startProxy("memory", proxyArgs)
  const pool = Array.from({ length: 8 }, (_, i) => bodies.withLog(buildLog(500 + i)))
  const shot = (i: number): Shot => {
    const slot = i % 20
    if (slot < 8) return anthropic(proxy.url, bodies.passthrough)
    if (slot < 10) return anthropic(proxy.url, bodies.unstreamed)
    if (slot < 12) return anthropic(proxy.url, bodies.withLog(buildLog(nextSeed++)))
    if (slot < 16) return anthropic(proxy.url, pool[i % pool.length]!)
    return chat(proxy.url)
  }
  const startMB = rssMB(proxy.pid)
  const batches = 10
  const perBatch = Math.ceil(count / batches)
  let peakMB = startMB
  let errors = 0
  let wrongBytes = 0
  const settled: Array<{ requests: number; rssMB: number; loadedMB: number; memoChars: number }> = []
  for (let batch = 0; batch < batches; batch++) {
    let loadedMB = 0
    const timer = setInterval(() => {
      loadedMB = rssMB(proxy.pid)
      peakMB = Math.max(peakMB, loadedMB)
    }, 100)
    const run = await runLoad({ concurrency: 20, total: perBatch, shot: (i) => shot(batch * perBatch + i) })
    clearInterval(timer)
    errors += run.errors.length
    wrongBytes += run.wrongBytes
    await Bun.sleep(1_000)
    const stats = await proxyStats(proxy)
    settled.push({ requests: (batch + 1) * perBatch, rssMB: rssMB(proxy.pid), loadedMB, memoChars: stats.memo.chars })
  }
  const stats = await proxyStats(proxy)
  console.log(`  memory mix × 20: ${batches * perBatch} requests${errors + wrongBytes === 0 ? "" : ` — ${errors} errors, ${wrongBytes} of the wrong size`}`)
  await stopProxy(proxy)

  const afterWarmup = settled[0]!
  const end = settled.at(-1)!
  const growth = end.rssMB - afterWarmup.rssMB
  const memoGrowthMB = (end.memoChars - afterWarmup.memoChars) / 1024 / 1024
  const flat = growth <= Math.max(16, afterWarmup.rssMB * 0.1)
  console.log(`\n3. memory: proxy RSS over ${batches * perBatch} mixed requests (20 clients; settled = after 1 s idle)`)
  printTable(
    ["start MB", `after ${afterWarmup.requests} MB`, "end MB", "growth", "peak under load MB", "memo chars at end", "memo growth", "errors", "flat"],
    [
      [
        startMB.toFixed(1),
        afterWarmup.rssMB.toFixed(1),
        end.rssMB.toFixed(1),
        `${growth >= 0 ? "+" : ""}${growth.toFixed(1)} MB`,
        peakMB.toFixed(1),
        String(stats.memo.chars),
        `+${memoGrowthMB.toFixed(1)} M`,
        String(errors + wrongBytes),
        flat ? "yes" : "NO",
      ],
    ],
  )
  console.log(`  settled RSS per ${perBatch}: ${settled.map((s) => s.rssMB.toFixed(0)).join(" ")} MB`)
  console.log(`  under load:         ${settled.map((s) => s.loadedMB.toFixed(0)).join(" ")} MB`)
  return {
    requests: batches * perBatch,
    concurrency: 20,
    startMB,
    afterWarmupMB: afterWarmup.rssMB,
    endMB: end.rssMB,
    growthMB: growth,
    peakUnderLoadMB: peakMB,
    flat,
    errors,
    wrongBytes,
    memo: stats.memo,
    settled,
  }
}

function ms(value: number): string {
  return Number.isNaN(value) ? "" : value.toFixed(2)
}

function kb(bytes: Uint8Array): string {
  return (bytes.byteLength / 1024).toFixed(0)
}

function printTable(header: Array<string>, table: Array<Array<string>>) {
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)))
  const line = (cells: Array<string>) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")
  console.log(line(header))
  console.log(widths.map((w) => "-".repeat(w)).join("  "))
  for (const r of table) console.log(line(r))
}

process.on("exit", () => {
  for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL")
})
