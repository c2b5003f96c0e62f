/**
 * Anthropic Messages API answers: the streamed event sequence (message_start, content blocks with
 * ping after the first start, message_delta with usage, message_stop), the JSON message, and the
 * `{"type":"error",…}` body.
 */
import { type Answer, type MakeId, type MockEvent, answerText, argumentsText, inputTokens, outputTokens, pieces } from "./answer.ts"

type Block =
  | { readonly type: "thinking"; readonly thinking: string; readonly signature: string }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "tool_use"; readonly id: string; readonly name: string; readonly input: unknown; readonly json: string }

const signatureOf = (thinking: string) => Buffer.from(`mock-signature:${thinking.length}:${thinking.slice(0, 16)}`).toString("base64")

const blocksOf = (answer: Answer, makeId: MakeId): Array<Block> => {
  const blocks: Array<Block> = []
  if (answer.thinking !== undefined) blocks.push({ type: "thinking", thinking: answer.thinking, signature: signatureOf(answer.thinking) })
  const text = answerText(answer)
  if (text !== undefined) blocks.push({ type: "text", text })
  for (const call of answer.toolCalls ?? []) {
    const json = argumentsText(call)
    blocks.push({ type: "tool_use", id: call.id ?? makeId("toolu_"), name: call.name, input: JSON.parse(json), json })
  }
  return blocks
}

const usageOf = (answer: Answer, body: Uint8Array, output: number) => ({
  input_tokens: inputTokens(answer, body),
  cache_creation_input_tokens: answer.usage?.cacheWrite ?? 0,
  cache_read_input_tokens: answer.usage?.cacheRead ?? 0,
  output_tokens: output,
  service_tier: "standard",
})

const stopReason = (answer: Answer) => (answer.toolCalls?.length ? "tool_use" : "end_turn")

const modelOf = (request: unknown) => (request as { model?: unknown } | null)?.model ?? "claude-mock"

const finalBlock = (block: Block) => (block.type === "tool_use" ? { type: block.type, id: block.id, name: block.name, input: block.input } : block)

export const anthropicMessage = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId) => ({
  id: makeId("msg_"),
  type: "message",
  role: "assistant",
  model: modelOf(request),
  content: blocksOf(answer, makeId).map(finalBlock),
  stop_reason: stopReason(answer),
  stop_sequence: null,
  usage: usageOf(answer, body, outputTokens(answer)),
})

export const anthropicEvents = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId): Array<MockEvent> => {
  const size = answer.deltaChars ?? 6
  const events: Array<MockEvent> = []
  const emit = (data: { readonly type: string; readonly [field: string]: unknown }) => events.push({ event: data.type, data })
  emit({
    type: "message_start",
    message: {
      id: makeId("msg_"),
      type: "message",
      role: "assistant",
      model: modelOf(request),
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: usageOf(answer, body, 1),
    },
  })
  // The API sends one ping right after the first block starts.
  const start = (index: number, content_block: unknown) => {
    emit({ type: "content_block_start", index, content_block })
    if (index === 0) emit({ type: "ping" })
  }
  blocksOf(answer, makeId).forEach((block, index) => {
    if (block.type === "thinking") {
      start(index, { type: "thinking", thinking: "", signature: "" })
      for (const thinking of pieces(block.thinking, size))
        emit({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking } })
      emit({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: block.signature } })
    } else if (block.type === "text") {
      start(index, { type: "text", text: "" })
      for (const text of pieces(block.text, size))
        emit({ type: "content_block_delta", index, delta: { type: "text_delta", text } })
    } else {
      start(index, { type: "tool_use", id: block.id, name: block.name, input: {} })
      for (const partial_json of ["", ...pieces(block.json, 16)])
        emit({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } })
    }
    emit({ type: "content_block_stop", index })
  })
  emit({ type: "message_delta", delta: { stop_reason: stopReason(answer), stop_sequence: null }, usage: { output_tokens: outputTokens(answer) } })
  emit({ type: "message_stop" })
  return events
}

const ERROR_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
}

export const anthropicError = (status: number, message: string, type: string | undefined, makeId: MakeId) => ({
  type: "error",
  error: { type: type ?? ERROR_TYPES[status] ?? "api_error", message },
  request_id: makeId("req_"),
})

/** `POST /v1/messages/count_tokens`: the body's bytes / 4, like the default usage. */
export const anthropicCountTokens = (body: Uint8Array) => ({ input_tokens: Math.ceil(body.length / 4) })

export const anthropicModels = () => ({
  data: [
    { type: "model", id: "claude-mock-large", display_name: "Claude Mock Large", created_at: "2026-01-01T00:00:00Z" },
    { type: "model", id: "claude-mock-small", display_name: "Claude Mock Small", created_at: "2026-01-01T00:00:00Z" },
  ],
  has_more: false,
  first_id: "claude-mock-large",
  last_id: "claude-mock-small",
})
