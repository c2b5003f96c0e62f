/**
 * OpenAI Chat Completions answers: `chat.completion.chunk` data lines (role first, content or
 * tool_calls deltas, the finish chunk, a usage chunk with empty choices when
 * `stream_options.include_usage`, then `data: [DONE]`) and the `chat.completion` JSON.
 */
import { type Answer, CREATED, type MakeId, type MockEvent, answerText, argumentsText, inputTokens, outputTokens, pieces } from "./answer.ts"

interface ChatRequest {
  readonly model?: unknown
  readonly stream_options?: { readonly include_usage?: unknown }
}

const usageOf = (answer: Answer, body: Uint8Array) => {
  const prompt = inputTokens(answer, body)
  const completion = outputTokens(answer)
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: answer.usage?.cacheRead ?? 0 },
  }
}

const finishReason = (answer: Answer) => (answer.toolCalls?.length ? "tool_calls" : "stop")

const callsOf = (answer: Answer, makeId: MakeId) =>
  (answer.toolCalls ?? []).map((call) => ({ id: call.id ?? makeId("call_"), name: call.name, json: argumentsText(call) }))

export const chatCompletion = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId) => {
  const calls = callsOf(answer, makeId)
  return {
    id: makeId("chatcmpl-"),
    object: "chat.completion",
    created: CREATED,
    model: (request as ChatRequest | null)?.model ?? "gpt-mock",
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: answerText(answer) ?? null,
          refusal: null,
          ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.json } })) } : {}),
        },
        logprobs: null,
        finish_reason: finishReason(answer),
      },
    ],
    usage: usageOf(answer, body),
  }
}

export const chatEvents = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId): Array<MockEvent> => {
  const chat = request as ChatRequest | null
  const withUsage = chat?.stream_options?.include_usage === true
  const id = makeId("chatcmpl-")
  const model = chat?.model ?? "gpt-mock"
  // With include_usage every chunk carries `"usage": null` until the final usage chunk.
  const chunk = (choices: ReadonlyArray<unknown>, usage?: unknown) => ({
    data: { id, object: "chat.completion.chunk", created: CREATED, model, choices, ...(withUsage ? { usage: usage ?? null } : {}) },
  })
  const delta = (d: unknown, finish_reason: string | null = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason }])
  const events: Array<MockEvent> = []
  const text = answerText(answer)
  events.push(delta({ role: "assistant", content: text === undefined ? null : "", refusal: null }))
  if (text !== undefined) for (const content of pieces(text, answer.deltaChars ?? 6)) events.push(delta({ content }))
  callsOf(answer, makeId).forEach((call, index) => {
    events.push(delta({ tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] }))
    for (const args of pieces(call.json, 16)) events.push(delta({ tool_calls: [{ index, function: { arguments: args } }] }))
  })
  events.push(delta({}, finishReason(answer)))
  if (withUsage) events.push(chunk([], usageOf(answer, body)))
  events.push({ data: "[DONE]" })
  return events
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  403: "invalid_request_error",
  404: "invalid_request_error",
  429: "requests",
  500: "server_error",
  503: "server_error",
}

export const openaiError = (status: number, message: string, type: string | undefined, code: string | undefined) => ({
  error: { message, type: type ?? ERROR_TYPES[status] ?? "server_error", param: null, code: code ?? null },
})

export const openaiModels = () => ({
  object: "list",
  data: [
    { id: "gpt-mock-large", object: "model", created: CREATED, owned_by: "mock" },
    { id: "gpt-mock-small", object: "model", created: CREATED, owned_by: "mock" },
  ],
})
