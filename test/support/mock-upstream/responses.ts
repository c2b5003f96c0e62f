/**
 * OpenAI Responses API answers: response.created/in_progress, per output item
 * output_item.added → (content_part + output_text deltas | function_call_arguments deltas |
 * custom_tool_call_input deltas) → output_item.done, then response.completed with usage; and the
 * `response` JSON. Every event carries its `sequence_number`.
 */
import { type Answer, CREATED, type MakeId, type MockEvent, answerText, argumentsText, inputTokens, outputTokens, pieces } from "./answer.ts"

type Item =
  | { readonly id: string; readonly type: "message"; readonly text: string }
  | { readonly id: string; readonly type: "function_call"; readonly call_id: string; readonly name: string; readonly arguments: string }
  | { readonly id: string; readonly type: "custom_tool_call"; readonly call_id: string; readonly name: string; readonly input: string }

const itemsOf = (answer: Answer, makeId: MakeId): Array<Item> => {
  const items: Array<Item> = []
  const text = answerText(answer)
  if (text !== undefined) items.push({ id: makeId("msg_"), type: "message", text })
  for (const call of answer.toolCalls ?? []) {
    const call_id = call.id ?? makeId("call_")
    items.push(
      call.custom
        ? { id: makeId("ctc_"), type: "custom_tool_call", call_id, name: call.name, input: argumentsText(call) }
        : { id: makeId("fc_"), type: "function_call", call_id, name: call.name, arguments: argumentsText(call) },
    )
  }
  return items
}

const outputText = (text: string) => ({ type: "output_text", text, annotations: [] })

/** The item as it appears when done (in output_item.done and the final response). */
const doneItem = (item: Item) =>
  item.type === "message"
    ? { id: item.id, type: "message", status: "completed", role: "assistant", content: [outputText(item.text)] }
    : item.type === "function_call"
      ? { id: item.id, type: "function_call", status: "completed", call_id: item.call_id, name: item.name, arguments: item.arguments }
      : { id: item.id, type: "custom_tool_call", status: "completed", call_id: item.call_id, name: item.name, input: item.input }

const startedItem = (item: Item) =>
  item.type === "message"
    ? { id: item.id, type: "message", status: "in_progress", role: "assistant", content: [] }
    : item.type === "function_call"
      ? { id: item.id, type: "function_call", status: "in_progress", call_id: item.call_id, name: item.name, arguments: "" }
      : { id: item.id, type: "custom_tool_call", status: "in_progress", call_id: item.call_id, name: item.name, input: "" }

const usageOf = (answer: Answer, body: Uint8Array) => {
  const input = inputTokens(answer, body)
  const output = outputTokens(answer)
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: answer.usage?.cacheRead ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + output,
  }
}

const responseObject = (id: string, request: unknown, status: string, output: ReadonlyArray<unknown>, usage: unknown) => ({
  id,
  object: "response",
  created_at: CREATED,
  status,
  error: null,
  incomplete_details: null,
  model: (request as { model?: unknown } | null)?.model ?? "gpt-mock",
  output,
  parallel_tool_calls: false,
  tool_choice: "auto",
  tools: [],
  metadata: {},
  usage,
})

export const responsesJson = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId) =>
  responseObject(makeId("resp_"), request, "completed", itemsOf(answer, makeId).map(doneItem), usageOf(answer, body))

export const responsesEvents = (answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId): Array<MockEvent> => {
  const size = answer.deltaChars ?? 6
  const events: Array<MockEvent> = []
  // `type` first, then `sequence_number`, as the API orders them.
  const emit = ({ type, ...fields }: { readonly type: string; readonly [field: string]: unknown }) =>
    events.push({ event: type, data: { type, sequence_number: events.length, ...fields } })
  const id = makeId("resp_")
  const items = itemsOf(answer, makeId)
  emit({ type: "response.created", response: responseObject(id, request, "in_progress", [], null) })
  emit({ type: "response.in_progress", response: responseObject(id, request, "in_progress", [], null) })
  items.forEach((item, output_index) => {
    emit({ type: "response.output_item.added", output_index, item: startedItem(item) })
    const at = { item_id: item.id, output_index }
    if (item.type === "message") {
      emit({ type: "response.content_part.added", ...at, content_index: 0, part: outputText("") })
      for (const delta of pieces(item.text, size)) emit({ type: "response.output_text.delta", ...at, content_index: 0, delta, logprobs: [] })
      emit({ type: "response.output_text.done", ...at, content_index: 0, text: item.text, logprobs: [] })
      emit({ type: "response.content_part.done", ...at, content_index: 0, part: outputText(item.text) })
    } else if (item.type === "function_call") {
      for (const delta of pieces(item.arguments, 16)) emit({ type: "response.function_call_arguments.delta", ...at, delta })
      emit({ type: "response.function_call_arguments.done", ...at, arguments: item.arguments })
    } else {
      for (const delta of pieces(item.input, 16)) emit({ type: "response.custom_tool_call_input.delta", ...at, delta })
      emit({ type: "response.custom_tool_call_input.done", ...at, input: item.input })
    }
    emit({ type: "response.output_item.done", output_index, item: doneItem(item) })
  })
  emit({ type: "response.completed", response: responseObject(id, request, "completed", items.map(doneItem), usageOf(answer, body)) })
  return events
}
