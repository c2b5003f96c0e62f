/**
 * The mock upstream itself, checked with the official SDKs pointed straight at it: if they accept
 * its answers, the proxy tests that go through it exercise the real shapes.
 */
import Anthropic from "@anthropic-ai/sdk"
import OpenAI from "openai"
import { afterAll, beforeEach, describe, expect, test } from "bun:test"
import { startMockUpstream } from "../support/mock-upstream.ts"

const mock = await startMockUpstream()
afterAll(() => mock.stop())
beforeEach(() => mock.reset())

const anthropic = new Anthropic({ baseURL: mock.url, apiKey: "sk-ant-mock", maxRetries: 0 })
const openai = new OpenAI({ baseURL: mock.openaiUrl, apiKey: "sk-mock", maxRetries: 0 })

// Multi-byte text: two- to four-byte UTF-8 sequences, so byte-split writes cut through them.
const WIDE = "Résumé — 日本語のテキスト ✓ 🚀🎉 done"

describe("Anthropic messages", () => {
  test("streamed text, thinking and tool_use reach the SDK's final message", async () => {
    mock.answer({ thinking: "Check the build first.", text: WIDE, toolCalls: [{ name: "Bash", arguments: { command: "make -j4 all", description: "Build" }, id: "toolu_fixed" }] })
    const message = await anthropic.messages
      .stream({ model: "claude-mock-large", max_tokens: 64, messages: [{ role: "user", content: "build it" }] })
      .finalMessage()
    expect(message.content).toMatchObject([
      { type: "thinking", thinking: "Check the build first.", signature: expect.any(String) },
      { type: "text", text: WIDE },
      { type: "tool_use", id: "toolu_fixed", name: "Bash", input: { command: "make -j4 all", description: "Build" } },
    ])
    expect(message.stop_reason).toBe("tool_use")
    expect(message.model).toBe("claude-mock-large")
    expect(message.usage.input_tokens).toBe(Math.ceil(mock.last().body.length / 4))
    expect(await mock.last().outcome).toBe("completed")
  })

  test("the SSE body has the real event order", async () => {
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", max_tokens: 8, stream: true, messages: [{ role: "user", content: "hi" }] }),
    })
    expect(response.headers.get("content-type")).toStartWith("text/event-stream")
    const names = [...(await response.text()).matchAll(/^event: (.+)$/gm)].map((m) => m[1])
    expect(names.slice(0, 4)).toEqual(["message_start", "content_block_start", "ping", "content_block_delta"])
    expect(names.slice(-3)).toEqual(["content_block_stop", "message_delta", "message_stop"])
  })

  test("not streamed: the JSON message; the raw request bytes are recorded", async () => {
    mock.answer({ text: "Hello there." })
    const message = await anthropic.messages.create(
      { model: "claude-mock-small", max_tokens: 64, messages: [{ role: "user", content: "hi" }] },
      { headers: { "anthropic-beta": "mock-beta-2026-01-01" } },
    )
    expect(message.content).toEqual([{ type: "text", text: "Hello there." }] as never)
    const seen = mock.last()
    expect(seen.method).toBe("POST")
    expect(seen.path).toBe("/v1/messages")
    // SDK 1.x sends the key as a bearer token (Claude Code sends x-api-key).
    expect(seen.headers.authorization).toBe("Bearer sk-ant-mock")
    expect(seen.headers["anthropic-beta"]).toBe("mock-beta-2026-01-01")
    expect(seen.json()).toEqual({ model: "claude-mock-small", max_tokens: 64, messages: [{ role: "user", content: "hi" }] })
    expect(seen.text()).toBe(JSON.stringify(seen.json()))
  })

  test("count_tokens and models", async () => {
    const count = await anthropic.messages.countTokens({ model: "m", messages: [{ role: "user", content: "hi" }] })
    expect(count.input_tokens).toBe(Math.ceil(mock.last().body.length / 4))
    const models = await anthropic.models.list()
    expect(models.data.map((m) => m.id)).toEqual(["claude-mock-large", "claude-mock-small"])
  })

  test("an error status with the Anthropic error body", async () => {
    mock.answer({ error: { status: 429, message: "Number of request tokens has exceeded your rate limit." } })
    const error = await anthropic.messages.create({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }).catch((e) => e)
    expect(error).toBeInstanceOf(Anthropic.RateLimitError)
    expect(error.status).toBe(429)
    expect(error.error).toMatchObject({ type: "error", error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your rate limit." } })
  })

  test("a cut stream: the events before the cut arrive, then the body fails; the SDK fails", async () => {
    mock.answer({ text: "never finished", disconnectAfter: 3 })
    const events: Array<string> = []
    const stream = anthropic.messages.stream({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
    stream.on("streamEvent", (e) => void events.push(e.type))
    await expect(stream.finalMessage()).rejects.toThrow()
    // The third event was a ping, which the SDK does not surface.
    expect(events).toEqual(["message_start", "content_block_start"])
    expect(await mock.last().outcome).toBe("disconnected")

    mock.answer({ disconnectAfter: 2 })
    const response = await fetch(`${mock.url}/v1/messages`, { method: "POST", body: JSON.stringify({ stream: true }) })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toStartWith("event: message_start\n")
    await expect((async () => { while (!(await reader.read()).done); })()).rejects.toThrow()
  })

  test("one byte per write still decodes to the same text", async () => {
    mock.answer({ text: WIDE, chunkBytes: 1 })
    const message = await anthropic.messages.stream({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }).finalMessage()
    expect(message.content[0]).toMatchObject({ type: "text", text: WIDE })
  })

  test("a stalled stream stays open until the client aborts", async () => {
    mock.answer({ stallAfter: 2 })
    const controller = new AbortController()
    const stream = anthropic.messages.stream({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] }, { signal: controller.signal })
    const events: Array<string> = []
    stream.on("streamEvent", (e) => void events.push(e.type))
    const settled = stream.finalMessage().then(
      () => "resolved",
      () => "rejected",
    )
    await Bun.sleep(100)
    expect(events).toEqual(["message_start", "content_block_start"])
    controller.abort()
    expect(await settled).toBe("rejected")
    expect(await mock.last().outcome).toBe("cancelled")
  })
})

describe("OpenAI chat completions", () => {
  test("streamed tool calls with the final usage chunk", async () => {
    mock.answer({ toolCalls: [{ name: "run", arguments: { cmd: "ls -la" }, id: "call_a" }, { name: "read", arguments: { path: "a.txt" }, id: "call_b" }] })
    const stream = openai.chat.completions.stream({ model: "gpt-mock-large", messages: [{ role: "user", content: "go" }], stream_options: { include_usage: true } })
    const completion = await stream.finalChatCompletion()
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls")
    expect(completion.choices[0]?.message.tool_calls).toMatchObject([
      { id: "call_a", type: "function", function: { name: "run", arguments: '{"cmd":"ls -la"}' } },
      { id: "call_b", type: "function", function: { name: "read", arguments: '{"path":"a.txt"}' } },
    ])
    expect(completion.usage?.prompt_tokens).toBe(Math.ceil(mock.last().body.length / 4))
  })

  test("streamed text ends with data: [DONE]; no usage chunk unless asked", async () => {
    mock.answer({ text: WIDE, chunkBytes: 7 })
    const chunks = []
    for await (const chunk of await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "go" }], stream: true })) chunks.push(chunk)
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe(WIDE)
    expect(chunks.every((c) => c.usage === undefined)).toBe(true)
    const raw = await fetch(`${mock.openaiUrl}/chat/completions`, { method: "POST", body: JSON.stringify({ model: "m", stream: true, messages: [] }) })
    expect(await raw.text()).toEndWith("data: [DONE]\n\n")
  })

  test("JSON completion, error body and models", async () => {
    mock.answer({ text: "plain" }, { error: { status: 500, message: "The server had an error while processing your request." } })
    const completion = await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "go" }] })
    expect(completion.choices[0]?.message.content).toBe("plain")
    const error = await openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "go" }] }).catch((e) => e)
    expect(error).toBeInstanceOf(OpenAI.InternalServerError)
    expect(error.message).toContain("The server had an error while processing your request.")
    const models = await openai.models.list()
    expect(models.data.map((m) => m.id)).toEqual(["gpt-mock-large", "gpt-mock-small"])
    expect(mock.last().path).toBe("/v1/models")
  })
})

describe("OpenAI responses", () => {
  test("streamed function call and custom tool call reach the final response", async () => {
    mock.answer({ text: "Running both.", toolCalls: [{ name: "exec_command", arguments: { cmd: "make" }, id: "call_fn" }, { name: "exec", arguments: "print('hi')", custom: true, id: "call_custom" }] })
    const response = await openai.responses.stream({ model: "gpt-mock-large", input: "go" }).finalResponse()
    expect(response.output_text).toBe("Running both.")
    expect(response.output.slice(1)).toMatchObject([
      { type: "function_call", call_id: "call_fn", name: "exec_command", arguments: '{"cmd":"make"}' },
      { type: "custom_tool_call", call_id: "call_custom", name: "exec", input: "print('hi')" },
    ])
    expect(response.usage?.input_tokens).toBe(Math.ceil(mock.last().body.length / 4))
  })

  test("JSON response and a cut stream", async () => {
    mock.answer({ text: "plain" }, { text: "cut short", disconnectAfter: 4 })
    const response = await openai.responses.create({ model: "m", input: "go" })
    expect(response.output_text).toBe("plain")
    await expect(openai.responses.stream({ model: "m", input: "go" }).finalResponse()).rejects.toThrow()
    expect(await mock.last().outcome).toBe("disconnected")
  })
})

test("mid-stream error events are what each SDK reports as an API error", async () => {
  mock.answer({ text: "partial answer here", streamError: { after: 4, message: "Overloaded" } })
  const a = await anthropic.messages
    .stream({ model: "m", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
    .finalMessage()
    .catch((e: unknown) => e)
  expect(a).toBeInstanceOf(Anthropic.APIError)
  expect(a).toMatchObject({ error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } })

  mock.answer({ text: "partial", streamError: { after: 2, message: "The server had an error." } })
  const chat = await (async () => {
    for await (const _ of await openai.chat.completions.create({ model: "m", messages: [], stream: true }));
  })().catch((e: unknown) => e)
  expect(chat).toBeInstanceOf(OpenAI.APIError)
  expect((chat as Error).message).toContain("The server had an error.")

  mock.answer({ text: "partial", streamError: { after: 3, message: "Response failed." } })
  const responses = await openai.responses
    .stream({ model: "m", input: "go" })
    .finalResponse()
    .catch((e: unknown) => e)
  expect(String(responses)).toContain("Response failed.")
})

test("malformed JSON and unknown routes get provider-shaped errors", async () => {
  const bad = await fetch(`${mock.url}/v1/messages`, { method: "POST", body: "{nope" })
  expect(bad.status).toBe(400)
  expect(await bad.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } })
  const unknown = await fetch(`${mock.openaiUrl}/embeddings`, { method: "POST", body: "{}" })
  expect(unknown.status).toBe(404)
  expect(await unknown.json()).toMatchObject({ error: { type: "invalid_request_error", param: null, code: null } })
})
