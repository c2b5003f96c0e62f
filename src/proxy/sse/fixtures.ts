/**
 * Test-only: streamed responses shaped like each provider's, written for the tests (ids, text
 * and counts are made up). The text deltas carry multi-byte UTF-8 so re-chunking them at every
 * byte offset splits characters.
 */

interface WireEvent {
  readonly event?: string
  readonly data: unknown
}

const wire = (events: ReadonlyArray<WireEvent>): string =>
  events
    .map((e) => `${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${typeof e.data === "string" ? e.data : JSON.stringify(e.data)}\n\n`)
    .join("")

const anthropicEvents = (text: ReadonlyArray<string>): Array<WireEvent> => [
  {
    event: "message_start",
    data: {
      type: "message_start",
      message: {
        id: "msg_test_0001",
        type: "message",
        role: "assistant",
        model: "claude-test",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 412, cache_creation_input_tokens: 1024, cache_read_input_tokens: 8192, output_tokens: 1 },
      },
    },
  },
  { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
  { event: "ping", data: { type: "ping" } },
  ...text.map((t) => ({ event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } } })),
  { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
  {
    event: "content_block_start",
    data: { type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "toolu_test_01", name: "Bash", input: {} } },
  },
  { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"command":' } } },
  { event: "content_block_delta", data: { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '"ls ~/données"}' } } },
  { event: "content_block_stop", data: { type: "content_block_stop", index: 1 } },
  { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 37 } } },
  { event: "message_stop", data: { type: "message_stop" } },
]

const chunk = (delta: unknown, finish: string | null, extra: Record<string, unknown> = {}) => ({
  id: "chatcmpl-test0001",
  object: "chat.completion.chunk",
  created: 1700000000,
  model: "gpt-test",
  choices: delta === undefined ? [] : [{ index: 0, delta, finish_reason: finish }],
  ...extra,
})

const chatEvents = (text: ReadonlyArray<string>): Array<WireEvent> => [
  { data: chunk({ role: "assistant", content: "" }, null, { usage: null }) },
  ...text.map((t) => ({ data: chunk({ content: t }, null, { usage: null }) })),
  { data: chunk({}, "stop", { usage: null }) },
  { data: chunk(undefined, null, { usage: { prompt_tokens: 950, completion_tokens: 23, total_tokens: 973, prompt_tokens_details: { cached_tokens: 768 } } }) },
  { data: "[DONE]" },
]

const response = (status: string, usage: unknown, output: ReadonlyArray<unknown>) => ({
  id: "resp_test0001",
  object: "response",
  created_at: 1700000000,
  model: "gpt-test",
  status,
  output,
  usage,
})

const responsesEvents = (text: ReadonlyArray<string>): Array<WireEvent> => {
  const full = text.join("")
  const item = { id: "msg_test0001", type: "message", role: "assistant" }
  const events: Array<Record<string, unknown>> = [
    { type: "response.created", response: response("in_progress", null, []) },
    { type: "response.in_progress", response: response("in_progress", null, []) },
    { type: "response.output_item.added", output_index: 0, item: { ...item, status: "in_progress", content: [] } },
    { type: "response.content_part.added", item_id: item.id, output_index: 0, content_index: 0, part: { type: "output_text", text: "" } },
    ...text.map((t) => ({ type: "response.output_text.delta", item_id: item.id, output_index: 0, content_index: 0, delta: t })),
    { type: "response.output_text.done", item_id: item.id, output_index: 0, content_index: 0, text: full },
    { type: "response.content_part.done", item_id: item.id, output_index: 0, content_index: 0, part: { type: "output_text", text: full } },
    {
      type: "response.completed",
      response: response(
        "completed",
        { input_tokens: 1300, input_tokens_details: { cached_tokens: 1024 }, output_tokens: 41, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1341 },
        [{ ...item, status: "completed", content: [{ type: "output_text", text: full }] }],
      ),
    },
  ]
  return events.map((data, sequence_number) => ({ event: data.type as string, data: { ...data, sequence_number } }))
}

/** Text deltas with 2-, 3- and 4-byte UTF-8 characters. */
export const TEXT = ["Voilà — ", "日本語の", "テスト 🎉", " done."]

export const ANTHROPIC_STREAM = wire(anthropicEvents(TEXT))
export const CHAT_STREAM = wire(chatEvents(TEXT))
export const RESPONSES_STREAM = wire(responsesEvents(TEXT))

/** `count` text deltas: a stream with `count` + 10 events. */
export const anthropicStreamOf = (count: number): string => wire(anthropicEvents(Array.from({ length: count }, (_, i) => `token ${i} é `)))

export const STREAMS = {
  anthropic: ANTHROPIC_STREAM,
  "openai-chat": CHAT_STREAM,
  "openai-responses": RESPONSES_STREAM,
} as const
