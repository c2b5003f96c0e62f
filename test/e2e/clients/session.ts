/**
 * One scripted session of a real coding agent, run as its own process inside a network namespace
 * that has only loopback (see `harness.ts`): the scripted upstream, optionally `headroom proxy`
 * in front of it, a recording tap in front of that, and the client pointed at the tap. The tap
 * records what the client sent and the upstream what reached it, so a test can tell what the
 * client changed between turns from what the proxy changed.
 *
 *   client ──> tap ──> headroom proxy ──> scripted upstream
 *
 * Usage: `bun session.ts SPEC.json`; writes `<root>/result.json` (a SessionResult), exit 0.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { startScriptedUpstream, type RecordedRequest, type Step } from "./scripted-upstream.ts"

export type ClientName = "claude" | "codex"

export interface SessionSpec {
  readonly client: ClientName
  /** A fresh directory: the client runs in `<root>/work`, with HOME `<root>/home`. */
  readonly root: string
  readonly steps: ReadonlyArray<Step>
  /** One client run per prompt; every run after the first resumes the session. */
  readonly prompts: ReadonlyArray<string>
  /** The headroom binary; absent = the client talks to the upstream directly. */
  readonly headroom?: string
  readonly proxyArgs?: ReadonlyArray<string>
  readonly clientTimeoutMs: number
  /**
   * Codex only: let it open a WebSocket to /v1/responses first, as it does with OpenAI. The tap
   * cannot relay a WebSocket handshake, so the client then talks to the proxy (or upstream)
   * directly and `client` stays empty.
   */
  readonly websocketFirst?: boolean
  /**
   * Set when no network namespace could be made: clients get proxy variables that send anything
   * not on loopback to a closed port.
   */
  readonly blockOutbound?: boolean
  /** Codex only: the model to ask for (it picks the tools: `exec_command`, or code mode's `exec`). */
  readonly model?: string
}

export interface ClientRun {
  readonly argv: ReadonlyArray<string>
  readonly code: number | null
  readonly timedOut: boolean
  readonly ms: number
  readonly stdout: string
  readonly stderr: string
  /** Codex `-o` file: the agent's last message. */
  readonly lastMessage?: string
}

export interface TappedRequest {
  readonly serial: number
  readonly method: string
  readonly path: string
  readonly headers: Record<string, string>
  readonly body: string
  /** Filled in as the answer arrives. */
  status?: number
  responseHeaders?: Record<string, string>
  /** The response body exactly as relayed to the client. */
  response?: string
  error?: string
}

export interface SessionResult {
  readonly runs: Array<ClientRun>
  /** What the client sent (at the tap), in arrival order. */
  readonly client: Array<TappedRequest>
  /** What reached the upstream, in arrival order; `headers["x-e2e-serial"]` pairs it with `client`. */
  readonly upstream: Array<RecordedRequest>
  readonly proxy?: { readonly url: string; readonly stderr: string; readonly exitCode: number | null }
  readonly error?: string
  readonly ms: number
}

/** Header the tap adds to each request so upstream records pair with client records. */
export const SERIAL_HEADER = "x-e2e-serial"

const projectRoot = resolve(import.meta.dir, "../../..")
const clientBin: Record<ClientName, string> = {
  claude: join(projectRoot, "node_modules/.bin/claude"),
  codex: join(projectRoot, "node_modules/.bin/codex"),
}

/** The promise's value, or undefined after `ms` (the timer is cleared either way). */
const within = async <A>(promise: Promise<A>, ms: number): Promise<A | undefined> => {
  let timer: Timer | undefined
  const timeout = new Promise<undefined>((resolveLater) => (timer = setTimeout(resolveLater, ms, undefined)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

const hopByHop = new Set(["host", "connection", "keep-alive", "transfer-encoding", "content-length", "upgrade"])

const startTap = (target: string) => {
  const requests: Array<TappedRequest> = []
  const pending: Array<Promise<void>> = []
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: async (request) => {
      const url = new URL(request.url)
      const bytes = new Uint8Array(await request.arrayBuffer())
      const tapped: TappedRequest = {
        serial: requests.length + 1,
        method: request.method,
        path: url.pathname + url.search,
        headers: Object.fromEntries(request.headers),
        body: new TextDecoder().decode(bytes),
      }
      requests.push(tapped)
      const forward = new Headers()
      for (const [name, value] of request.headers) if (!hopByHop.has(name)) forward.set(name, value)
      forward.set(SERIAL_HEADER, String(tapped.serial))
      try {
        const response = await fetch(target + tapped.path, {
          method: request.method,
          headers: forward,
          ...(request.method === "GET" || request.method === "HEAD" ? {} : { body: bytes }),
          redirect: "manual",
          decompress: false,
        })
        tapped.status = response.status
        tapped.responseHeaders = Object.fromEntries(response.headers)
        const back = new Headers()
        for (const [name, value] of response.headers) if (!hopByHop.has(name)) back.set(name, value)
        if (response.body === null) return new Response(null, { status: response.status, headers: back })
        const [toClient, toRecord] = response.body.tee()
        pending.push(
          new Response(toRecord).text().then(
            (text) => void (tapped.response = text),
            (error) => void (tapped.error = `response body: ${error}`),
          ),
        )
        return new Response(toClient, { status: response.status, headers: back })
      } catch (error) {
        tapped.error = String(error)
        return new Response("tap: upstream unreachable", { status: 502 })
      }
    },
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    stop: async () => {
      await within(Promise.allSettled(pending), 5_000)
      server.stop(true)
    },
  }
}

/** Starts `headroom proxy` on a free port and waits for its one "listening" line on stderr. */
const startProxy = async (bin: string, args: ReadonlyArray<string>, cwd: string, env: Record<string, string>) => {
  const child = Bun.spawn([bin, "proxy", "--port", "0", ...args], { cwd, env, stdin: "ignore", stdout: "ignore", stderr: "pipe" })
  let stderr = ""
  const decoder = new TextDecoder()
  const reader = child.stderr.getReader()
  const listening = new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`headroom proxy did not report listening within 20 s; stderr:\n${stderr}`)), 20_000)
    void (async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        stderr += decoder.decode(value, { stream: true })
        const match = /headroom proxy listening on (http:\/\/\S+)/.exec(stderr)
        if (match !== null) {
          clearTimeout(timer)
          resolveUrl(match[1]!)
        }
      }
      clearTimeout(timer)
      reject(new Error(`headroom proxy exited (${await child.exited}) before listening; stderr:\n${stderr}`))
    })()
  })
  const url = await listening
  return {
    url,
    stderr: () => stderr,
    stop: async (): Promise<number | null> => {
      child.kill("SIGTERM")
      const code = await within(child.exited, 5_000)
      if (code !== undefined) return code
      child.kill("SIGKILL")
      await child.exited
      return null
    },
  }
}

const runClient = async (argv: ReadonlyArray<string>, cwd: string, env: Record<string, string>, timeoutMs: number) => {
  const started = performance.now()
  const child = Bun.spawn([...argv], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill("SIGKILL")
  }, timeoutMs)
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited])
  clearTimeout(timer)
  return { argv, code: timedOut ? null : code, timedOut, ms: Math.round(performance.now() - started), stdout, stderr }
}

const closedPort = "http://127.0.0.1:9"

const baseEnv = (spec: SessionSpec): Record<string, string> => ({
  PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  HOME: join(spec.root, "home"),
  LANG: "C.UTF-8",
  TERM: "dumb",
  NO_COLOR: "1",
  ...(spec.blockOutbound === true
    ? { HTTPS_PROXY: closedPort, HTTP_PROXY: closedPort, ALL_PROXY: closedPort, NO_PROXY: "127.0.0.1,localhost" }
    : {}),
})

/** Claude Code in print mode; later prompts resume the same session id. */
const claudeRuns = (spec: SessionSpec, baseUrl: string) => {
  const sessionId = crypto.randomUUID()
  const env = {
    ...baseEnv(spec),
    ANTHROPIC_BASE_URL: baseUrl,
    ANTHROPIC_API_KEY: "sk-ant-e2e-test",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_TELEMETRY: "1",
    DISABLE_AUTOUPDATER: "1",
    DISABLE_ERROR_REPORTING: "1",
  }
  // Bash output past bashOutputMaxChars (default 30,000) is saved to a file and the model gets a
  // 2 KB preview; raise it so the whole tool output reaches the proxy.
  const settings = JSON.stringify({ bashOutputMaxChars: 120_000 })
  return spec.prompts.map((prompt, i) => ({
    argv: [
      clientBin.claude,
      "-p",
      prompt,
      "--allowedTools",
      "Bash,Read",
      "--output-format",
      "json",
      "--settings",
      settings,
      i === 0 ? "--session-id" : "--resume",
      sessionId,
    ],
    env,
  }))
}

/** Codex exec with a Responses provider in its own CODEX_HOME; later prompts resume the last session. */
const codexRuns = (spec: SessionSpec, baseUrl: string) => {
  const codexHome = join(spec.root, "codex")
  mkdirSync(codexHome, { recursive: true })
  // tool_output_token_limit: exec output over the model's default budget (about 10 KB for an
  // unknown model) is cut in the middle before it is sent; raise it so the proxy sees it whole.
  // Plugin sync (GitHub) and analytics (OTLP) would each hold the exit 5 s on a failing lookup.
  writeFileSync(
    join(codexHome, "config.toml"),
    [
      `model = "${spec.model ?? "gpt-5.1-codex"}"`,
      `model_provider = "scripted"`,
      `tool_output_token_limit = 60000`,
      ``,
      `[model_providers.scripted]`,
      `name = "scripted"`,
      `base_url = "${baseUrl}/v1"`,
      `env_key = "SCRIPTED_API_KEY"`,
      `wire_api = "responses"`,
      `supports_websockets = ${spec.websocketFirst === true}`,
      ``,
      `[features]`,
      `plugins = false`,
      ``,
      `[analytics]`,
      `enabled = false`,
      ``,
    ].join("\n"),
  )
  const env = { ...baseEnv(spec), CODEX_HOME: codexHome, SCRIPTED_API_KEY: "sk-e2e-test" }
  return spec.prompts.map((prompt, i) => ({
    argv: [
      clientBin.codex,
      "exec",
      ...(i === 0 ? [] : ["resume", "--last"]),
      "--skip-git-repo-check",
      "-o",
      join(spec.root, `last-message-${i + 1}.txt`),
      prompt,
    ],
    env,
  }))
}

export const playSession = async (spec: SessionSpec): Promise<SessionResult> => {
  const started = performance.now()
  const api = spec.client === "claude" ? "anthropic" : "openai-responses"
  const upstream = startScriptedUpstream(api, spec.steps)
  const runs: Array<ClientRun> = []
  let proxy: Awaited<ReturnType<typeof startProxy>> | undefined
  let proxyExit: number | null = null
  let tap: ReturnType<typeof startTap> | undefined
  let error: string | undefined
  try {
    for (const dir of ["work", "home", "headroom"]) mkdirSync(join(spec.root, dir), { recursive: true })
    if (spec.headroom !== undefined) {
      const upstreamFlag = api === "anthropic" ? ["--anthropic-url", upstream.url] : ["--openai-url", `${upstream.url}/v1`]
      // Its own cwd: no project config or plugins from wherever the tests run.
      proxy = await startProxy(spec.headroom, [...upstreamFlag, ...(spec.proxyArgs ?? [])], spec.root, {
        ...baseEnv(spec),
        HEADROOM_HOME: join(spec.root, "headroom"),
      })
    }
    tap = startTap(proxy?.url ?? upstream.url)
    const clientUrl = spec.websocketFirst === true ? (proxy?.url ?? upstream.url) : tap.url
    const invocations = spec.client === "claude" ? claudeRuns(spec, clientUrl) : codexRuns(spec, clientUrl)
    for (const [i, invocation] of invocations.entries()) {
      const run = await runClient(invocation.argv, join(spec.root, "work"), invocation.env, spec.clientTimeoutMs)
      const lastMessagePath = join(spec.root, `last-message-${i + 1}.txt`)
      const lastMessage = spec.client === "codex" ? readIfPresent(lastMessagePath) : undefined
      runs.push(lastMessage === undefined ? run : { ...run, lastMessage })
      if (run.code !== 0) break
    }
  } catch (caught) {
    error = caught instanceof Error ? caught.message : String(caught)
  } finally {
    if (proxy !== undefined) proxyExit = await proxy.stop()
    await tap?.stop()
    upstream.stop()
  }
  return {
    runs,
    client: tap?.requests ?? [],
    upstream: upstream.requests,
    ...(proxy === undefined ? {} : { proxy: { url: proxy.url, stderr: proxy.stderr(), exitCode: proxyExit } }),
    ...(error === undefined ? {} : { error }),
    ms: Math.round(performance.now() - started),
  }
}

const readIfPresent = (path: string): string | undefined => {
  try {
    return readFileSync(path, "utf8")
  } catch {
    return undefined
  }
}

if (import.meta.main) {
  const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as SessionSpec
  const result = await playSession(spec)
  writeFileSync(join(spec.root, "result.json"), JSON.stringify(result))
}
