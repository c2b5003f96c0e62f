/**
 * The proxy's own behaviour, against a bare upstream that records what it gets: what is forwarded
 * byte for byte, what is compressed, the errors headroom answers itself, and its own routes.
 * (The official SDKs and the real clients are driven in test/proxy and test/e2e/clients.)
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { startTestProxy, type TestProxy } from "../../test/support/proxy.ts"

interface Seen {
  readonly method: string
  readonly path: string
  readonly headers: Headers
  readonly body: Uint8Array
}

const seen: Array<Seen> = []
let answer: (req: Request) => Response | Promise<Response> = () => Response.json({ ok: true })
const upstream = Bun.serve({
  port: 0,
  idleTimeout: 0,
  fetch: async (req) => {
    const url = new URL(req.url)
    seen.push({ method: req.method, path: url.pathname + url.search, headers: req.headers, body: new Uint8Array(await req.arrayBuffer()) })
    return answer(req)
  },
})
const upstreamUrl = `http://127.0.0.1:${upstream.port}`

let proxy: TestProxy
beforeAll(async () => {
  proxy = await startTestProxy({ anthropicUrl: upstreamUrl, openaiUrl: `${upstreamUrl}/v1`, args: ["--log-file", "log/proxy.jsonl"] })
})
afterAll(async () => {
  await proxy.stop()
  upstream.stop(true)
})

const last = () => seen.at(-1)!
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** A build log long enough to compress, with the lines a reader must keep. */
const buildLog = (lines = 1500) =>
  Array.from({ length: lines }, (_, i) =>
    i === 700 ? "ERROR src/app.ts:41 TypeError: cannot read properties of undefined" : `[${String(i).padStart(4, "0")}] INFO compiling module-${i % 40}.ts (${i % 7} ms)`,
  ).join("\n")

const anthropicBody = (toolOutput: string, extra = "") =>
  `{"model":"claude-sonnet-4-5","max_tokens":1024,"system":[{"type":"text","text":"You are terse.\\u2014","cache_control":{"type":"ephemeral"}}],` +
  `"messages":[{"role":"user","content":"check the build"},` +
  `{"role":"assistant","content":[{"type":"thinking","thinking":"let me look","signature":"c2ln"},{"type":"tool_use","id":"toolu_1","name":"Bash","input":{"command":"make"}}]},` +
  `{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":${JSON.stringify(toolOutput)},"cache_control":{"type":"ephemeral"}}]}]${extra}}`

const post = (path: string, body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${proxy.url}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "sk-ant-test", ...headers }, body })

describe("forwarding", () => {
  test("a request with nothing to compress reaches the upstream as the client's own bytes", async () => {
    const body = anthropicBody("ok", ' ,  "metadata" : {"user_id":"u"} ')
    const res = await post("/v1/messages?beta=true", body, { "anthropic-beta": "x-2025", "anthropic-version": "2023-06-01" })
    expect(res.status).toBe(200)
    expect(text(last().body)).toBe(body)
    expect(last().path).toBe("/v1/messages?beta=true")
    expect(last().headers.get("x-api-key")).toBe("sk-ant-test")
    expect(last().headers.get("anthropic-beta")).toBe("x-2025")
    expect(res.headers.get("x-headroom-tokens-before")).toBeNull()
  })

  test("a large tool result is compressed in place; every other byte is the client's", async () => {
    const log = buildLog()
    const body = anthropicBody(log)
    const res = await post("/v1/messages", body)
    expect(res.status).toBe(200)
    const sent = text(last().body)
    expect(sent.length).toBeLessThan(body.length / 3)
    const parsed = JSON.parse(sent)
    const result = parsed.messages[2].content[0]
    expect(result.content).toContain("ERROR src/app.ts:41 TypeError")
    expect(result.content).toMatch(/headroom retrieve [0-9a-f]{12}/)
    expect(result.cache_control).toEqual({ type: "ephemeral" })
    // Everything before and after the tool result's string is byte-identical.
    const at = body.indexOf(JSON.stringify(log))
    expect(sent.slice(0, at)).toBe(body.slice(0, at))
    expect(sent.endsWith(body.slice(at + JSON.stringify(log).length))).toBe(true)
    expect(Number(res.headers.get("x-headroom-tokens-saved"))).toBeGreaterThan(1000)
    expect(res.headers.get("x-headroom-transforms")).toContain("log")
    // The marker redeems for the exact original, over HTTP.
    const hash = /headroom retrieve ([0-9a-f]{12})/.exec(result.content)![1]!
    const original = await fetch(`${proxy.url}/v1/retrieve/${hash}`)
    expect(await original.text()).toBe(log)
  })

  test("the same history compresses to the same bytes on every turn", async () => {
    const body = anthropicBody(buildLog(1200))
    await post("/v1/messages", body)
    const first = text(last().body)
    await post("/v1/messages", body)
    expect(text(last().body)).toBe(first)
  })

  test("x-headroom-bypass: true forwards the original bytes, and the header itself stays here", async () => {
    const body = anthropicBody(buildLog())
    await post("/v1/messages", body, { "x-headroom-bypass": "true" })
    expect(text(last().body)).toBe(body)
    expect(last().headers.get("x-headroom-bypass")).toBeNull()
  })

  test("excluded tools (Read) pass exactly", async () => {
    const body = anthropicBody(buildLog()).replace('"name":"Bash"', '"name":"Read"')
    await post("/v1/messages", body)
    expect(text(last().body)).toBe(body)
  })

  test("Claude Code's numbered read lines keep their numbers on the lines kept (when Read is compressed)", async () => {
    const reads = await startTestProxy({ anthropicUrl: upstreamUrl, args: ["--exclude-tool", "Edit"] })
    try {
      const numbered = buildLog()
        .split("\n")
        .map((line, i) => `${i + 1}\t${line}`)
        .join("\n")
      await fetch(`${reads.url}/v1/messages`, { method: "POST", body: anthropicBody(numbered).replace('"name":"Bash"', '"name":"Read"') })
      const content = JSON.parse(text(last().body)).messages[2].content[0].content as string
      expect(content.length).toBeLessThan(numbered.length / 3)
      expect(content).toContain("701\tERROR src/app.ts:41 TypeError")
      expect(content).toContain("1\t[0000] INFO compiling module-0.ts")
    } finally {
      await reads.stop()
    }
  })

  test("OpenAI paths go to the OpenAI base; other /v1 paths pass through", async () => {
    answer = () => Response.json({ object: "list", data: [{ id: "gpt-test" }] })
    const res = await fetch(`${proxy.url}/v1/models`, { headers: { authorization: "Bearer sk-test" } })
    expect(await res.json()).toEqual({ object: "list", data: [{ id: "gpt-test" }] })
    expect(last().path).toBe("/v1/models")
    expect(last().headers.get("authorization")).toBe("Bearer sk-test")
    answer = () => Response.json({ ok: true })
  })

  test("upstream errors come back verbatim with their status", async () => {
    const error = '{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}'
    answer = () => new Response(error, { status: 429, headers: { "content-type": "application/json", "retry-after": "7" } })
    const res = await post("/v1/messages", anthropicBody("x"))
    expect(res.status).toBe(429)
    expect(res.headers.get("retry-after")).toBe("7")
    expect(await res.text()).toBe(error)
    answer = () => Response.json({ ok: true })
  })
})

describe("errors headroom answers itself, in the API's shape", () => {
  test("malformed JSON is a 400", async () => {
    const res = await post("/v1/messages", '{"model": ')
    expect(res.status).toBe(400)
    const body = (await res.json()) as { type: string; error: { type: string; message: string } }
    expect(body.type).toBe("error")
    expect(body.error.type).toBe("invalid_request_error")
    expect(body.error.message).toContain("not valid JSON")
    const chat = await post("/v1/chat/completions", "[1,")
    expect(chat.status).toBe(400)
    expect(((await chat.json()) as { error: { message: string } }).error.message).toContain("not valid JSON")
  })

  test("a body over the limit is a 413", async () => {
    const small = await startTestProxy({ anthropicUrl: upstreamUrl, args: ["--max-body", "1KB"] })
    try {
      const res = await fetch(`${small.url}/v1/messages`, { method: "POST", body: anthropicBody("y".repeat(5000)) })
      expect(res.status).toBe(413)
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("request_too_large")
    } finally {
      await small.stop()
    }
  })

  test("an unreachable upstream is a 502 naming it", async () => {
    const dead = await startTestProxy({ anthropicUrl: "http://127.0.0.1:9", openaiUrl: "http://127.0.0.1:9/v1" })
    try {
      const res = await fetch(`${dead.url}/v1/chat/completions`, { method: "POST", body: '{"model":"m","messages":[]}' })
      expect(res.status).toBe(502)
      const body = (await res.json()) as { error: { message: string; type: string } }
      expect(body.error.message).toContain("cannot reach the upstream http://127.0.0.1:9")
    } finally {
      await dead.stop()
    }
  })

  test("an upstream that never answers is a 504 after the timeout", async () => {
    const slow = await startTestProxy({ anthropicUrl: upstreamUrl, args: ["--timeout", "1"] })
    answer = () => new Promise<Response>((resolve) => setTimeout(() => resolve(Response.json({ late: true })), 3000))
    try {
      const res = await fetch(`${slow.url}/v1/messages`, { method: "POST", body: anthropicBody("z") })
      expect(res.status).toBe(504)
    } finally {
      answer = () => Response.json({ ok: true })
      await slow.stop()
    }
  })

  test("with a token, requests without it get 401 and never reach the upstream", async () => {
    const locked = await startTestProxy({ anthropicUrl: upstreamUrl, args: ["--auth-token", "s3cret"] })
    try {
      const before = seen.length
      const res = await fetch(`${locked.url}/v1/messages`, { method: "POST", body: anthropicBody("a") })
      expect(res.status).toBe(401)
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe("authentication_error")
      expect((await fetch(`${locked.url}/health`)).status).toBe(401)
      expect((await fetch(`${locked.url}/livez`)).status).toBe(200)
      expect(seen.length).toBe(before)
      const ok = await fetch(`${locked.url}/v1/messages`, { method: "POST", headers: { "x-headroom-token": "s3cret" }, body: anthropicBody("a") })
      expect(ok.status).toBe(200)
      expect(last().headers.get("x-headroom-token")).toBeNull()
    } finally {
      await locked.stop()
    }
  })

  test("a WebSocket upgrade on /v1/responses is refused with 426", async () => {
    const res = await fetch(`${proxy.url}/v1/responses`, { headers: { upgrade: "websocket", connection: "Upgrade" } })
    expect(res.status).toBe(426)
  })
})

describe("headroom's own routes", () => {
  test("/health, /livez, /readyz and /stats", async () => {
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as Record<string, unknown>
    expect(health).toMatchObject({ status: "healthy", optimize: true })
    expect(health.stats).toMatchObject({ total_requests: expect.any(Number), tokens_saved: expect.any(Number), savings_percent: expect.any(Number) })
    expect((await fetch(`${proxy.url}/livez`)).status).toBe(200)
    expect((await fetch(`${proxy.url}/readyz`)).status).toBe(200)
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as Record<string, number>
    expect(stats.compressed_requests).toBeGreaterThan(0)
  })

  test("POST /v1/compress compresses tool results of messages without calling upstream", async () => {
    const before = seen.length
    const messages = [
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "shell", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c1", content: buildLog() },
    ]
    const res = await post("/v1/compress", JSON.stringify({ messages, model: "gpt-4o" }))
    const body = (await res.json()) as Record<string, unknown>
    expect(res.status).toBe(200)
    expect(seen.length).toBe(before)
    expect(body.tokens_after as number).toBeLessThan(body.tokens_before as number)
    expect(body.tokens_saved).toBe((body.tokens_before as number) - (body.tokens_after as number))
    expect(body.compression_ratio as number).toBeLessThan(0.5)
    expect((body.ccr_hashes as Array<string>).length).toBeGreaterThan(0)
    expect(body.transforms_applied).toContain("log")
    const missing = await post("/v1/compress", JSON.stringify({ model: "gpt-4o" }))
    expect(missing.status).toBe(400)
    expect(((await missing.json()) as { error: { message: string } }).error.message).toContain("messages is required")
  })

  test("POST /v1/retrieve {hash} returns the original; an unknown hash is a 404", async () => {
    const log = buildLog(900)
    await post("/v1/messages", anthropicBody(log))
    const hash = /headroom retrieve ([0-9a-f]{12})/.exec(text(last().body))![1]!
    const res = await post("/v1/retrieve", JSON.stringify({ hash }))
    expect(((await res.json()) as { content: string }).content).toBe(log)
    expect((await post("/v1/retrieve", JSON.stringify({ hash: "0123456789ab" }))).status).toBe(404)
  })

  test("the log has a line per request, with tokens and timings but no credentials", () => {
    const lines = readFileSync(join(proxy.home, "log/proxy.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines.length).toBeGreaterThan(5)
    const compressed = lines.find((l) => (l.compressed as number) > 0)!
    expect(compressed).toMatchObject({ api: "anthropic", model: "claude-sonnet-4-5", status: 200 })
    expect(compressed.tokens_saved as number).toBeGreaterThan(0)
    const raw = readFileSync(join(proxy.home, "log/proxy.jsonl"), "utf8")
    expect(raw).not.toContain("sk-ant-test")
    expect(raw).not.toContain("compiling module")
  })
})
