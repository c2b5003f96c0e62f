#!/usr/bin/env bun
/**
 * The upstream of the proxy benchmark, run as its own process so that neither the load
 * generator nor the proxy shares its event loop. It reads each request body whole, as an API
 * does, and answers the same way every time: `POST /v1/messages` with an Anthropic stream of
 * 30 events (or one JSON message when the body says `"stream":false`), `POST
 * /v1/chat/completions` with a chat completions stream of 30 chunks. Events go out in 11 writes,
 * as tokens do, with the request header `x-bench-delay-ms` between writes (default: none, only a
 * turn of the event loop). Each answer says its size in `x-bench-bytes`, for the client to check
 * that what reached it through the proxy is whole. Prints
 * `mock upstream listening on http://127.0.0.1:PORT` on stdout.
 *
 *   bun scripts/bench-proxy/mock-upstream.ts
 */

const encoder = new TextEncoder()
const sse = (event: string | undefined, data: unknown) =>
  `${event === undefined ? "" : `event: ${event}\n`}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`

const TEXT = "The test expects three upload attempts, but the retry policy now retries on connection reset as well, so a reset during the second attempt makes it four.".match(/.{1,5}/g)!

const anthropicEvents: Array<string> = [
  sse("message_start", {
    type: "message_start",
    message: {
      id: "msg_bench_0001",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 20014, cache_creation_input_tokens: 0, cache_read_input_tokens: 18000, output_tokens: 1, service_tier: "standard" },
    },
  }),
  sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }),
  sse("ping", { type: "ping" }),
  ...TEXT.slice(0, 20).map((text) => sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } })),
  sse("content_block_stop", { type: "content_block_stop", index: 0 }),
  sse("content_block_start", {
    type: "content_block_start",
    index: 1,
    content_block: { type: "tool_use", id: "toolu_bench_answer", name: "Read", input: {} },
  }),
  sse("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"file_path": "/repo/ingest/src/' } }),
  sse("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'main/java/com/acme/ingest/RetryPolicy.java"}' } }),
  sse("content_block_stop", { type: "content_block_stop", index: 1 }),
  sse("message_delta", { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 87 } }),
  sse("message_stop", { type: "message_stop" }),
]

const chunk = (delta: unknown, finish: string | null, usage: unknown = null) => ({
  id: "chatcmpl-bench0001",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "gpt-5.1",
  system_fingerprint: "fp_bench",
  choices: delta === undefined ? [] : [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  usage,
})
const chatEvents: Array<string> = [
  sse(undefined, chunk({ role: "assistant", content: "", refusal: null }, null)),
  ...TEXT.slice(0, 26).map((content) => sse(undefined, chunk({ content }, null))),
  sse(undefined, chunk({}, "stop")),
  sse(undefined, chunk(undefined, null, { prompt_tokens: 9500, completion_tokens: 26, total_tokens: 9526, prompt_tokens_details: { cached_tokens: 8960 } })),
  sse(undefined, "[DONE]"),
]

const anthropicJson = JSON.stringify({
  id: "msg_bench_0002",
  type: "message",
  role: "assistant",
  model: "claude-sonnet-4-5",
  content: [{ type: "text", text: TEXT.join("") }],
  stop_reason: "end_turn",
  stop_sequence: null,
  usage: { input_tokens: 20014, cache_creation_input_tokens: 0, cache_read_input_tokens: 18000, output_tokens: 87 },
})

/**
 * The writes of one answer: the first event alone (the time to first byte), then the rest a few
 * events per write, as a model's tokens arrive.
 */
const writes = (events: ReadonlyArray<string>): Array<Uint8Array> => {
  const out = [encoder.encode(events[0]!)]
  for (let i = 1; i < events.length; i += 3) out.push(encoder.encode(events.slice(i, i + 3).join("")))
  return out
}
const ANTHROPIC_WRITES = writes(anthropicEvents)
const CHAT_WRITES = writes(chatEvents)

const sizeOf = (parts: ReadonlyArray<Uint8Array>) => parts.reduce((n, p) => n + p.byteLength, 0)

const pause = (delayMs: number) => (delayMs > 0 ? Bun.sleep(delayMs) : new Promise<void>((resolve) => setImmediate(resolve)))

const stream = (parts: ReadonlyArray<Uint8Array>, delayMs: number) => {
  let next = 0
  return new Response(
    new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        if (next > 0) await pause(delayMs)
        controller.enqueue(parts[next++]!)
        if (next === parts.length) controller.close()
      },
    }),
    { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-bench-bytes": String(sizeOf(parts)) } },
  )
}

const JSON_BYTES = encoder.encode(anthropicJson).byteLength
const STREAM_FALSE = Buffer.from('"stream":false')

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  maxRequestBodySize: 256 * 1024 * 1024,
  fetch: async (request) => {
    const body = Buffer.from(await request.arrayBuffer())
    const path = new URL(request.url).pathname
    const delayMs = Number(request.headers.get("x-bench-delay-ms") ?? 0)
    if (request.method === "POST" && path === "/v1/messages") {
      if (body.indexOf(STREAM_FALSE) !== -1) return new Response(anthropicJson, { headers: { "content-type": "application/json", "x-bench-bytes": String(JSON_BYTES) } })
      return stream(ANTHROPIC_WRITES, delayMs)
    }
    if (request.method === "POST" && path === "/v1/chat/completions") return stream(CHAT_WRITES, delayMs)
    return Response.json({ type: "error", error: { type: "not_found_error", message: `no mock route for ${request.method} ${path}` } }, { status: 404 })
  },
})

process.stdout.write(`mock upstream listening on http://127.0.0.1:${server.port}\n`)
process.on("SIGTERM", () => {
  void server.stop(true).then(() => process.exit(0))
})

