import { describe, expect, test } from "bun:test"
import { Effect, Stream } from "effect"
import { sseFrames } from "./decode.ts"
import { STREAMS } from "./fixtures.ts"
import { usageFromBody, usageFromEvents, type ApiKind } from "./usage.ts"

const usageOfStream = (api: ApiKind, stream: string) => {
  const meter = usageFromEvents(api)
  const frames = Effect.runSync(Stream.runCollect(sseFrames(Stream.make(new TextEncoder().encode(stream)))))
  for (const frame of frames) meter.observe(frame)
  return meter.usage()
}

describe("usageFromEvents", () => {
  test("Anthropic: input and cache counts from message_start, output from message_delta", () => {
    expect(usageOfStream("anthropic", STREAMS.anthropic)).toEqual({ input: 412, output: 37, cacheRead: 8192, cacheWrite: 1024 })
  })

  test("Anthropic: counts a message_delta repeats replace those of message_start", () => {
    const stream = [
      'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":10,"output_tokens":1}}}\n\n',
      'event: message_delta\ndata: {"type":"message_delta","delta":{},"usage":{"input_tokens":12,"cache_read_input_tokens":5,"output_tokens":9}}\n\n',
    ].join("")
    expect(usageOfStream("anthropic", stream)).toEqual({ input: 12, output: 9, cacheRead: 5 })
  })

  test("OpenAI chat: the final chunk's usage, chunks with usage null ignored", () => {
    expect(usageOfStream("openai-chat", STREAMS["openai-chat"])).toEqual({ input: 950, output: 23, cacheRead: 768 })
  })

  test("OpenAI chat without include_usage reports nothing", () => {
    expect(usageOfStream("openai-chat", 'data: {"choices":[{"delta":{"content":"hi"}}]}\n\ndata: [DONE]\n\n')).toEqual({})
  })

  test("Responses: response.completed's usage, the created event's usage null ignored", () => {
    expect(usageOfStream("openai-responses", STREAMS["openai-responses"])).toEqual({ input: 1300, output: 41, cacheRead: 1024 })
  })

  test("text that mentions usage, malformed JSON and odd values don't count", () => {
    const stream = [
      'data: {"choices":[{"delta":{"content":"\\"usage\\": {\\"prompt_tokens\\": 5}"}}]}\n\n',
      'data: {"usage": {"prompt_tokens": 7, "completion_tokens": -1\n\n',
      'data: {"usage": {"prompt_tokens": "7", "completion_tokens": 3}}\n\n',
    ].join("")
    expect(usageOfStream("openai-chat", stream)).toEqual({ output: 3 })
  })
})

describe("usageFromBody", () => {
  test("reads each API's non-streamed usage", () => {
    expect(
      usageFromBody("anthropic", {
        type: "message",
        usage: { input_tokens: 5, output_tokens: 6, cache_read_input_tokens: 7, cache_creation_input_tokens: 8 },
      }),
    ).toEqual({ input: 5, output: 6, cacheRead: 7, cacheWrite: 8 })
    expect(
      usageFromBody("openai-chat", { object: "chat.completion", usage: { prompt_tokens: 8, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 2 } } }),
    ).toEqual({ input: 8, output: 5, cacheRead: 2 })
    expect(usageFromBody("openai-responses", { object: "response", usage: { input_tokens: 3, output_tokens: 20, input_tokens_details: { cached_tokens: 0 } } })).toEqual(
      { input: 3, output: 20, cacheRead: 0 },
    )
  })

  test("a body without usage, or not an object, gives no counts", () => {
    expect(usageFromBody("anthropic", { type: "error" })).toEqual({})
    expect(usageFromBody("openai-chat", "oops")).toEqual({})
    expect(usageFromBody("openai-responses", null)).toEqual({})
  })
})
