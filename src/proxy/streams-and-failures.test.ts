/**
 * Streaming through the proxy (events relayed as they arrive, client disconnect cancelling the
 * upstream), plugins' request and response-event hooks, and failing open when compression breaks.
 */
import { afterAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Context, Effect, Layer } from "effect"
import { startTestProxy } from "../../test/support/proxy.ts"
import { DisabledStore, OriginalsStore } from "../store/index.ts"
import { Tokenizer, TokenizerLayer } from "../tokens/index.ts"
import { createProxyApp } from "./app.ts"
import { ToolResultCompressor } from "./compress/tool-results.ts"
import type { ProxyContext } from "./context.ts"
import { ProxyStats } from "./stats.ts"

const dir = mkdtempSync(join(tmpdir(), "headroom-streams-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
const encoder = new TextEncoder()

/**
 * An upstream whose streamed answer the test drives event by event after the first (Bun sends
 * response headers with the first chunk).
 */
const controlled = (first: string) => {
  let push: (text: string) => void = () => {}
  let close: () => void = () => {}
  let cancelled = false
  const bodies: Array<string> = []
  const server = Bun.serve({
    port: 0,
    idleTimeout: 0,
    fetch: async (req) => {
      bodies.push(await req.text())
      const stream = new ReadableStream<Uint8Array>({
        start: (controller) => {
          controller.enqueue(encoder.encode(first))
          push = (text) => controller.enqueue(encoder.encode(text))
          close = () => controller.close()
        },
        cancel: () => {
          cancelled = true
        },
      })
      return new Response(stream, { headers: { "content-type": "text/event-stream" } })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, push: (t: string) => push(t), close: () => close(), cancelled: () => cancelled, bodies, stop: () => server.stop(true) }
}

const request = JSON.stringify({ model: "claude-sonnet-4-5", max_tokens: 50, stream: true, messages: [{ role: "user", content: "hi" }] })

test("each event reaches the client as soon as the upstream sends it", async () => {
  const first = sse("message_start", { type: "message_start", message: { id: "m", usage: { input_tokens: 12, output_tokens: 1 } } })
  const up = controlled(first)
  const proxy = await startTestProxy({ anthropicUrl: up.url })
  try {
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: request })
    const reader = res.body!.getReader()
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(first)
    // Half an event, then its end: the client gets it whole once its blank line arrives.
    const second = sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "héllo" } })
    up.push(second.slice(0, 20))
    await Bun.sleep(20)
    up.push(second.slice(20))
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(second)
    up.push(sse("message_delta", { type: "message_delta", usage: { output_tokens: 7 } }))
    up.close()
    while (!(await reader.read()).done) {
      // drain
    }
    const stats = (await (await fetch(`${proxy.url}/stats`)).json()) as { usage: { input_tokens: number; output_tokens: number } }
    expect(stats.usage).toMatchObject({ input_tokens: 12, output_tokens: 7 })
  } finally {
    await proxy.stop()
    up.stop()
  }
})

test("a client that goes away cancels the upstream stream", async () => {
  const up = controlled(sse("ping", { type: "ping" }))
  const proxy = await startTestProxy({ anthropicUrl: up.url })
  try {
    const abort = new AbortController()
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", body: request, signal: abort.signal })
    const reader = res.body!.getReader()
    await reader.read()
    abort.abort()
    const deadline = Date.now() + 3000
    while (!up.cancelled() && Date.now() < deadline) await Bun.sleep(20)
    expect(up.cancelled()).toBe(true)
    // The proxy is fine for the next client.
    expect((await fetch(`${proxy.url}/livez`)).status).toBe(200)
  } finally {
    await proxy.stop()
    up.stop()
  }
})

test("plugins' request hooks change what is forwarded; response-event hooks change what the client gets", async () => {
  const plugin = join(dir, "tag.ts")
  writeFileSync(
    plugin,
    `export default {
  name: "tag",
  description: "tags requests and shouts text deltas",
  request: (req) => ({ ...req, body: { ...req.body, metadata: { user_id: "tagged" } } }),
  responseEvent: (event) => event.event === "content_block_delta" ? { ...event, data: event.data.replace("quiet", "LOUD") } : undefined,
}
`,
  )
  const start = sse("message_start", { type: "message_start", message: { id: "m" } })
  const up = controlled(start)
  const proxy = await startTestProxy({ anthropicUrl: up.url, args: ["--plugin", plugin] })
  try {
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "sk-secret" }, body: request })
    up.push(sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "quiet" } }))
    up.close()
    const got = await res.text()
    expect(got.startsWith(start)).toBe(true)
    expect(got).toContain('"text":"LOUD"')
    expect(JSON.parse(up.bodies[0]!).metadata).toEqual({ user_id: "tagged" })
  } finally {
    await proxy.stop()
    up.stop()
  }
})

test("a request hook that changes nothing leaves the client's bytes alone", async () => {
  const plugin = join(dir, "observe.ts")
  writeFileSync(plugin, `export default { name: "observe", description: "looks only", request: () => undefined }\n`)
  const up = controlled(sse("message_stop", { type: "message_stop" }))
  const proxy = await startTestProxy({ anthropicUrl: up.url, args: ["--plugin", plugin] })
  try {
    const body = request.replace('"max_tokens":50', ' "max_tokens" : 50 ')
    const res = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": "sk-secret", "anthropic-version": "2023-06-01" }, body })
    up.close()
    await res.text()
    expect(up.bodies[0]).toBe(body)
  } finally {
    await proxy.stop()
    up.stop()
  }
})

test("when compression itself breaks, the original request goes and the failure is counted", async () => {
  const seen: Array<string> = []
  const up = Bun.serve({
    port: 0,
    fetch: async (req) => {
      seen.push(await req.text())
      return Response.json({ ok: true })
    },
  })
  const broken = Layer.succeed(ToolResultCompressor, {
    compress: () => Effect.die(new Error("compressor bug")),
    excluded: () => false,
    memo: { entries: 0, bytes: 0 },
  })
  const services = await Effect.runPromise(
    Effect.scoped(Layer.build(Layer.mergeAll(broken, TokenizerLayer("o200k_base"), DisabledStore))),
  )
  const ctx: ProxyContext = {
    settings: {
      host: "127.0.0.1",
      port: 0,
      anthropicUrl: `http://127.0.0.1:${up.port}`,
      openaiUrl: `http://127.0.0.1:${up.port}/v1`,
      allowUnauthenticated: false,
      optimize: true,
      excludeTools: [],
      markerVerb: "headroom retrieve",
      timeoutMs: 5000,
      maxBodyBytes: 1 << 20,
      logBodies: false,
    },
    upstreams: { anthropic: `http://127.0.0.1:${up.port}`, openai: `http://127.0.0.1:${up.port}/v1` },
    stats: new ProxyStats(),
    log: undefined,
    services: services as Context.Context<ToolResultCompressor | OriginalsStore | Tokenizer>,
    hooks: { request: [], responseEvent: [] },
  }
  const app = createProxyApp(ctx)
  const body = JSON.stringify({ model: "gpt-4o", messages: [{ role: "tool", tool_call_id: "c", content: "x".repeat(2000) }] })
  try {
    const res = await app.fetch(new Request("http://proxy/v1/chat/completions", { method: "POST", body }))
    expect(res.status).toBe(200)
    expect(seen).toEqual([body])
    expect(ctx.stats.failOpen).toBe(1)
  } finally {
    up.stop(true)
  }
})
