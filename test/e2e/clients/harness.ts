/**
 * Test-side helpers for the real-client sessions: run `session.ts` in a network namespace with
 * only loopback (nothing a client sends can leave the machine), then read what the client sent
 * and what reached the upstream, exchange by exchange.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Api, RecordedRequest } from "./scripted-upstream.ts"
import { SERIAL_HEADER, type SessionResult, type SessionSpec, type TappedRequest } from "./session.ts"

const sessionScript = join(import.meta.dir, "session.ts")

/**
 * `unshare` with a new network and PID namespace: loopback only, and every process the session
 * starts dies with it (the session is PID 1 there; --kill-child ties it to the test's child).
 * /proc is remounted so Codex's sandbox sees its own processes.
 */
const namespace = ["unshare", "--net", "--pid", "--fork", "--kill-child", "--mount-proc", "sh", "-c", 'ip link set lo up && exec "$0" "$@"']

let isolated: boolean | undefined
/** Whether this machine lets us create the namespace (root, or unprivileged user namespaces). */
const canIsolate = (): boolean => {
  if (isolated === undefined) {
    const probe = Bun.spawnSync([...namespace, "true"], { stdout: "ignore", stderr: "ignore" })
    isolated = probe.exitCode === 0
  }
  return isolated
}

export interface Session {
  readonly root: string
  readonly result: SessionResult
  /** What went wrong and what was seen, for failure messages. */
  readonly diagnostics: () => string
  readonly cleanup: () => void
}

/** A fresh session directory with its `work` directory (the client's cwd) made. */
export const makeRoot = (): string => {
  const root = mkdtempSync(join(tmpdir(), "headroom-clients-"))
  mkdirSync(join(root, "work"))
  return root
}

/**
 * Runs the session; without a namespace (no root, no `unshare`), clients get proxy variables
 * that send anything off loopback to a closed port instead.
 */
export const runSession = async (spec: SessionSpec): Promise<Session> => {
  const specPath = join(spec.root, "spec.json")
  writeFileSync(specPath, JSON.stringify(canIsolate() ? spec : { ...spec, blockOutbound: true }))
  const argv = [process.execPath, sessionScript, specPath]
  const child = Bun.spawn(canIsolate() ? [...namespace, ...argv] : argv, {
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  })
  const deadline = spec.prompts.length * spec.clientTimeoutMs + 30_000
  const timer = setTimeout(() => child.kill("SIGKILL"), deadline)
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  clearTimeout(timer)
  let result: SessionResult
  try {
    result = JSON.parse(readFileSync(join(spec.root, "result.json"), "utf8")) as SessionResult
  } catch {
    result = { runs: [], client: [], upstream: [], error: `session runner exited ${code} without a result\n${tail(stdout + stderr, 60)}`, ms: 0 }
  }
  const keep = process.env.HEADROOM_E2E_KEEP !== undefined
  return {
    root: spec.root,
    result,
    diagnostics: () => describeSession(spec.root, result),
    cleanup: () => {
      if (!keep) rmSync(spec.root, { recursive: true, force: true })
    },
  }
}

/** Runs `check`; if it throws, the error message gets the session's diagnostics appended. */
export const explain = (session: Session, check: () => void): void => {
  try {
    check()
  } catch (error) {
    if (error instanceof Error) error.message += `\n\n${session.diagnostics()}`
    throw error
  }
}

const tail = (text: string, lines: number): string => text.split("\n").slice(-lines).join("\n")

const describeSession = (root: string, result: SessionResult): string => {
  const out: Array<string> = [`session in ${root} (${result.ms} ms; HEADROOM_E2E_KEEP=1 keeps it)`]
  if (result.error !== undefined) out.push(`error: ${result.error}`)
  for (const [i, run] of result.runs.entries()) {
    out.push(`client run ${i + 1}: exit ${run.code}${run.timedOut ? " (timed out)" : ""} in ${run.ms} ms: ${run.argv.slice(1).join(" ").slice(0, 200)}`)
    out.push(`  stdout: ${tail(run.stdout, 5).slice(0, 600)}`)
    out.push(`  stderr tail:\n${indent(tail(run.stderr, 25).slice(-3000))}`)
  }
  out.push("client → tap:")
  for (const r of result.client) {
    out.push(`  #${r.serial} ${r.method} ${r.path} ${r.body.length} B → ${r.status ?? r.error ?? "?"}`)
  }
  out.push("upstream received:")
  for (const r of result.upstream) {
    out.push(`  #${r.headers[SERIAL_HEADER] ?? "?"} ${r.method} ${r.path} ${r.body.length} B answered ${r.answered}`)
  }
  if (result.proxy !== undefined) out.push(`proxy exit ${result.proxy.exitCode}; stderr tail:\n${indent(tail(result.proxy.stderr, 20))}`)
  return out.join("\n")
}

const indent = (text: string) => text.replace(/^/gm, "    ")

/** One main-conversation exchange: the request as the client sent it and as the upstream got it. */
export interface Exchange {
  readonly serial: number
  readonly answered: string
  readonly client: TappedRequest
  readonly upstream: RecordedRequest
}

/** The scripted exchanges (not side requests), in order. */
export const exchanges = (result: SessionResult): Array<Exchange> =>
  result.upstream
    .filter((r) => r.answered.startsWith("tool:") || r.answered === "text")
    .map((upstream) => {
      const serial = Number(upstream.headers[SERIAL_HEADER])
      const client = result.client.find((r) => r.serial === serial)
      if (client === undefined) throw new Error(`upstream request #${serial} has no client request`)
      return { serial, answered: upstream.answered, client, upstream }
    })

/** The conversation array of a request body: Anthropic `messages`, Responses `input`. */
const conversationField = (api: Api) => (api === "anthropic" ? "messages" : "input")

/**
 * The exact source text of each element of the top-level array `field` in a JSON body, so two
 * requests can be compared byte for byte, message by message.
 */
export const rawElements = (body: string, field: string): Array<string> => {
  const key = JSON.stringify(field)
  let depth = 0
  let i = 0
  const skipString = () => {
    i += 1
    while (body[i] !== '"') i += body[i] === "\\" ? 2 : 1
    i += 1
  }
  while (i < body.length) {
    const c = body[i]!
    if (c === '"') {
      const start = i
      skipString()
      if (depth === 1 && body.slice(start, i) === key) {
        while (body[i] !== "[") {
          if (body[i] !== ":" && !/\s/.test(body[i]!)) return []
          i += 1
        }
        return splitArray(body, i)
      }
      continue
    }
    if (c === "{" || c === "[") depth += 1
    else if (c === "}" || c === "]") depth -= 1
    i += 1
  }
  return []
}

const splitArray = (body: string, open: number): Array<string> => {
  const elements: Array<string> = []
  let depth = 0
  let start = -1
  for (let i = open + 1; i < body.length; i++) {
    const c = body[i]!
    if (c === '"') {
      if (start < 0) start = i
      i += 1
      while (body[i] !== '"') i += body[i] === "\\" ? 2 : 1
      continue
    }
    if (depth === 0 && (c === "," || c === "]")) {
      if (start >= 0) elements.push(body.slice(start, i).trimEnd())
      start = -1
      if (c === "]") break
      continue
    }
    if (start < 0 && !/\s/.test(c)) start = i
    if (c === "{" || c === "[") depth += 1
    else if (c === "}" || c === "]") depth -= 1
  }
  return elements
}

/** The text of every tool result in a request body, by call id. */
export const toolResults = (api: Api, body: string): Map<string, string> => {
  const parsed = JSON.parse(body) as Record<string, unknown>
  const results = new Map<string, string>()
  const text = (content: unknown): string =>
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content.map((part) => (typeof part?.text === "string" ? part.text : "")).join("")
        : ""
  if (api === "anthropic") {
    for (const message of (parsed.messages ?? []) as Array<{ content?: unknown }>) {
      if (!Array.isArray(message.content)) continue
      for (const block of message.content) {
        if (block?.type === "tool_result") results.set(block.tool_use_id, text(block.content))
      }
    }
  } else {
    for (const item of (parsed.input ?? []) as Array<Record<string, unknown>>) {
      if (item.type === "function_call_output" || item.type === "custom_tool_call_output") {
        results.set(String(item.call_id), text(item.output))
      }
    }
  }
  return results
}

/** A JSON value with every `cache_control` key removed (Claude Code moves them between turns). */
const withoutCacheControl = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutCacheControl)
    : typeof value === "object" && value !== null
      ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== "cache_control").map(([k, v]) => [k, withoutCacheControl(v)]))
      : value

export interface PrefixCheck {
  /** Shared conversation elements the client resent byte-identical (the proxy must too). */
  readonly identical: number
  /** Elements the client itself changed only in cache_control (compared without it). */
  readonly cacheControlMoved: number
  /** Elements the client rewrote otherwise: nothing to hold the proxy to. */
  readonly clientRewrote: number
  readonly violations: Array<string>
}

/**
 * Prompt-cache safety between two exchanges: every conversation element of `before` that the
 * client sent again unchanged in `after` reached the upstream with the same bytes as in `before`.
 */
export const checkSharedPrefix = (api: Api, before: Exchange, after: Exchange): PrefixCheck => {
  const field = conversationField(api)
  const [clientBefore, clientAfter, upBefore, upAfter] = [before.client, after.client, before.upstream, after.upstream].map((r) =>
    rawElements(r.body, field),
  ) as [Array<string>, Array<string>, Array<string>, Array<string>]
  const violations: Array<string> = []
  let identical = 0
  let cacheControlMoved = 0
  let clientRewrote = 0
  for (let i = 0; i < clientBefore.length && i < clientAfter.length; i++) {
    const where = `${field}[${i}] of #${before.serial} → #${after.serial}`
    if (upBefore[i] === undefined || upAfter[i] === undefined) {
      violations.push(`${where}: missing upstream element`)
      continue
    }
    if (clientBefore[i] === clientAfter[i]) {
      identical += 1
      if (upBefore[i] !== upAfter[i]) violations.push(`${where}: client resent it unchanged, upstream got different bytes\n${firstDifference(upBefore[i]!, upAfter[i]!)}`)
      continue
    }
    const same = (a: string, b: string) => Bun.deepEquals(withoutCacheControl(JSON.parse(a)), withoutCacheControl(JSON.parse(b)), true)
    if (same(clientBefore[i]!, clientAfter[i]!)) {
      cacheControlMoved += 1
      if (!same(upBefore[i]!, upAfter[i]!)) violations.push(`${where}: client moved only cache_control, upstream content changed\n${firstDifference(upBefore[i]!, upAfter[i]!)}`)
      continue
    }
    clientRewrote += 1
  }
  return { identical, cacheControlMoved, clientRewrote, violations }
}

const firstDifference = (a: string, b: string): string => {
  let i = 0
  while (i < a.length && a[i] === b[i]) i++
  return `    at byte ${i}: ${JSON.stringify(a.slice(Math.max(0, i - 60), i + 100))}\n    vs          ${JSON.stringify(b.slice(Math.max(0, i - 60), i + 100))}`
}

/**
 * The upstream body with each tool result's content put back as the client sent it: equal to
 * the client's body when the proxy changed nothing but tool results.
 */
export const restoreToolResults = (api: Api, clientBody: string, upstreamBody: string): { client: unknown; restored: unknown } => {
  const client = JSON.parse(clientBody) as Record<string, any>
  const upstream = JSON.parse(upstreamBody) as Record<string, any>
  if (api === "anthropic") {
    const originals = new Map<string, unknown>()
    for (const m of client.messages ?? []) for (const b of Array.isArray(m.content) ? m.content : []) if (b.type === "tool_result") originals.set(b.tool_use_id, b.content)
    for (const m of upstream.messages ?? []) for (const b of Array.isArray(m.content) ? m.content : []) if (b.type === "tool_result" && originals.has(b.tool_use_id)) b.content = originals.get(b.tool_use_id)
  } else {
    const originals = new Map<string, unknown>()
    for (const item of client.input ?? []) if (item.type === "function_call_output" || item.type === "custom_tool_call_output") originals.set(item.call_id, item.output)
    for (const item of upstream.input ?? []) if (originals.has(item.call_id) && (item.type === "function_call_output" || item.type === "custom_tool_call_output")) item.output = originals.get(item.call_id)
  }
  return { client, restored: upstream }
}
