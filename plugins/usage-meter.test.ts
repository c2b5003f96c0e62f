import { afterAll, expect, test } from "bun:test"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect } from "effect"
import { loadPlugins, runResponseEventHooks } from "../src/plugins/index.ts"
import type { ResponseInfo, SseEvent } from "../src/sdk/index.ts"

const home = mkdtempSync(join(tmpdir(), "headroom-usage-"))
const plugins = await Effect.runPromise(
  loadPlugins({ cwd: home, env: { HEADROOM_HOME: home }, explicit: [resolve(import.meta.dir, "usage-meter.ts")], timeoutMs: 5_000, disabled: [] }),
)
afterAll(() => {
  plugins.close()
  rmSync(home, { recursive: true, force: true })
})

/** The events of a server-sent event stream, as the proxy would hand them over. */
const sse = (stream: string): Array<SseEvent> =>
  stream
    .trim()
    .split(/\n\n+/)
    .map((chunk) => {
      const fields = Object.fromEntries(chunk.split("\n").map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1).trimStart()]))
      return { ...(fields.event === undefined ? {} : { event: fields.event }), data: fields.data ?? "" }
    })

/** Streams the events through the hooks; every event must come out as it went in. */
const stream = async (events: ReadonlyArray<SseEvent>, response: ResponseInfo) => {
  for (const event of events) {
    expect(await Effect.runPromise(runResponseEventHooks(plugins.responseEventHooks, event, response))).toEqual({ value: event, errors: [] })
  }
}

const usageLines = () =>
  readFileSync(join(home, "usage.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>)

const ANTHROPIC = sse(`
event: message_start
data: {"type":"message_start","message":{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":2095,"cache_creation_input_tokens":0,"cache_read_input_tokens":1800,"output_tokens":1}}}

event: content_block_start
data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

event: ping
data: {"type": "ping"}

event: content_block_delta
data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The build fails because"}}

event: content_block_stop
data: {"type":"content_block_stop","index":0}

event: message_delta
data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":503}}

event: message_stop
data: {"type":"message_stop"}
`)

const OPENAI_CHAT = sse(`
data: {"id":"chatcmpl-9qY1","object":"chat.completion.chunk","created":1721596200,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-9qY1","object":"chat.completion.chunk","created":1721596200,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}],"usage":null}

data: {"id":"chatcmpl-9qY1","object":"chat.completion.chunk","created":1721596200,"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}

data: {"id":"chatcmpl-9qY1","object":"chat.completion.chunk","created":1721596200,"model":"gpt-4o-mini-2024-07-18","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}

data: [DONE]
`)

const OPENAI_RESPONSES = sse(`
event: response.created
data: {"type":"response.created","sequence_number":0,"response":{"id":"resp_67c9","object":"response","status":"in_progress","model":"gpt-4.1-2025-04-14","usage":null}}

event: response.output_text.delta
data: {"type":"response.output_text.delta","sequence_number":4,"item_id":"msg_67c9","output_index":0,"content_index":0,"delta":"Hi"}

event: response.completed
data: {"type":"response.completed","sequence_number":9,"response":{"id":"resp_67c9","object":"response","status":"completed","model":"gpt-4.1-2025-04-14","usage":{"input_tokens":37,"input_tokens_details":{"cached_tokens":0},"output_tokens":11,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":48}}}
`)

test("one line per response, whichever the provider, and every event goes on untouched", async () => {
  await stream(ANTHROPIC, { id: "1", provider: "anthropic", path: "/v1/messages" })
  await stream(OPENAI_CHAT, { id: "2", provider: "openai-chat", path: "/v1/chat/completions" })
  await stream(OPENAI_RESPONSES, { id: "3", provider: "openai-responses", path: "/v1/responses" })
  const lines = usageLines()
  for (const line of lines) expect(line.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)
  expect(lines.map(({ at: _, ...rest }) => rest)).toEqual([
    {
      provider: "anthropic",
      model: "claude-sonnet-4-5-20250929",
      id: "msg_01XFDUDYJgAACzvnptvVoYEL",
      input_tokens: 2095,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1800,
      output_tokens: 503,
      stop_reason: "end_turn",
    },
    {
      provider: "openai-chat",
      model: "gpt-4o-mini-2024-07-18",
      id: "chatcmpl-9qY1",
      prompt_tokens: 19,
      completion_tokens: 10,
      total_tokens: 29,
      prompt_cached_tokens: 0,
      completion_reasoning_tokens: 0,
      stop_reason: "stop",
    },
    {
      provider: "openai-responses",
      model: "gpt-4.1-2025-04-14",
      id: "resp_67c9",
      input_tokens: 37,
      input_cached_tokens: 0,
      output_tokens: 11,
      output_reasoning_tokens: 0,
      total_tokens: 48,
      stop_reason: "completed",
    },
  ])
})

test("interleaved responses are metered apart", async () => {
  rmSync(join(home, "usage.jsonl"), { force: true })
  const a: ResponseInfo = { id: "a", provider: "anthropic", path: "/v1/messages" }
  const b: ResponseInfo = { id: "b", provider: "anthropic", path: "/v1/messages" }
  const other = ANTHROPIC.map((e) => ({ ...e, data: e.data.replace("msg_01XFDUDYJgAACzvnptvVoYEL", "msg_B").replace('"output_tokens":503', '"output_tokens":7') }))
  for (let i = 0; i < ANTHROPIC.length; i++) {
    await stream([ANTHROPIC[i]!], a)
    await stream([other[i]!], b)
  }
  expect(usageLines().map((l) => [l.id, l.output_tokens])).toEqual([
    ["msg_01XFDUDYJgAACzvnptvVoYEL", 503],
    ["msg_B", 7],
  ])
})
