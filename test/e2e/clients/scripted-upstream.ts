/**
 * A fake model API for end-to-end sessions with real coding agents: it speaks just enough of the
 * Anthropic Messages and OpenAI Responses streaming protocols for Claude Code and Codex to run a
 * scripted tool-call session, and records every request byte for byte.
 *
 * The script is a list of steps. Each main-conversation request is answered with the first step
 * not yet visible in the conversation it carries (a tool step is visible once its call id has a
 * result, a text step once the assistant text is in the history), so retries and resumed sessions
 * pick up where the conversation really is. Anthropic requests that do not offer the Bash tool
 * are side requests (titles, summaries) and get a short text answer. SSE bytes go out in small uneven chunks, so events and
 * multi-byte characters are split across reads on the way to the client.
 */

export type Api = "anthropic" | "openai-responses"

export type Step =
  | {
      readonly kind: "tool"
      /** The call id (Anthropic `tool_use.id`, Responses `call_id`). */
      readonly id: string
      readonly name: string
      /** JSON arguments, or the raw input of a freeform tool (Responses `custom_tool_call`). */
      readonly input: Record<string, unknown> | string
      /** Assistant text streamed before the call (Anthropic only). */
      readonly preface?: string
    }
  | { readonly kind: "text"; readonly text: string }

export interface RecordedRequest {
  readonly method: string
  /** Path with query string, e.g. `/v1/messages?beta=true`. */
  readonly path: string
  readonly headers: Record<string, string>
  /** The body exactly as received (UTF-8). */
  readonly body: string
  /** The step answered, or "side" / "other" for requests outside the script. */
  readonly answered: string
  /** The response body sent back (SSE text for the scripted answers). */
  readonly response: string
}

export interface ScriptedUpstream {
  readonly url: string
  readonly requests: Array<RecordedRequest>
  readonly stop: () => void
}

export const startScriptedUpstream = (api: Api, steps: ReadonlyArray<Step>): ScriptedUpstream => {
  const requests: Array<RecordedRequest> = []
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch: async (request) => {
      const url = new URL(request.url)
      const body = await request.text()
      const record = (answered: string, response: string) =>
        requests.push({
          method: request.method,
          path: url.pathname + url.search,
          headers: Object.fromEntries(request.headers),
          body,
          answered,
          response,
        })
      const notFound = () => {
        record("other", "not found")
        return new Response("not found", { status: 404 })
      }
      if (request.method !== "POST") return notFound()
      const parsed = parseJson(body)
      if (api === "anthropic" && url.pathname === "/v1/messages/count_tokens") {
        const counted = JSON.stringify({ input_tokens: Math.ceil(body.length / 4) })
        record("other", counted)
        return new Response(counted, { headers: { "content-type": "application/json" } })
      }
      const route = api === "anthropic" ? "/v1/messages" : "/v1/responses"
      if (url.pathname !== route || parsed === undefined) return notFound()
      const main = api === "openai-responses" || offersTool(parsed, "Bash")
      const step = main ? nextStep(api, parsed, steps) : undefined
      const answer: Step = step ?? { kind: "text", text: main ? "The scripted session is over." : "ok" }
      const sse = (api === "anthropic" ? anthropicEvents(answer, requests.length + 1) : responsesEvents(answer, requests.length + 1))
        .map((e) => `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`)
        .join("")
      record(main ? (step === undefined ? "past-end" : stepName(step)) : "side", sse)
      return new Response(unevenChunks(new TextEncoder().encode(sse)), {
        headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
      })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, requests, stop: () => void server.stop(true) }
}

const stepName = (step: Step): string => (step.kind === "tool" ? `tool:${step.id}` : "text")

const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

const asArray = (value: unknown): ReadonlyArray<Record<string, any>> =>
  Array.isArray(value) ? value.filter((item) => typeof item === "object" && item !== null) : []

const offersTool = (body: Record<string, unknown>, name: string) => asArray(body.tools).some((tool) => tool.name === name)

/** Call ids answered and assistant texts present in the conversation a request carries. */
const conversationState = (api: Api, body: Record<string, unknown>) => {
  const answeredIds = new Set<string>()
  const assistantTexts: Array<string> = []
  if (api === "anthropic") {
    for (const message of asArray(body.messages)) {
      for (const block of asArray(message.content)) {
        if (block.type === "tool_result" && typeof block.tool_use_id === "string") answeredIds.add(block.tool_use_id)
        if (message.role === "assistant" && block.type === "text" && typeof block.text === "string") assistantTexts.push(block.text)
      }
      if (message.role === "assistant" && typeof message.content === "string") assistantTexts.push(message.content)
    }
  } else {
    for (const item of asArray(body.input)) {
      if ((item.type === "function_call_output" || item.type === "custom_tool_call_output") && typeof item.call_id === "string") {
        answeredIds.add(item.call_id)
      }
      if (item.type === "message" && item.role === "assistant") {
        for (const part of asArray(item.content)) if (typeof part.text === "string") assistantTexts.push(part.text)
      }
    }
  }
  return { answeredIds, assistantTexts }
}

const nextStep = (api: Api, body: Record<string, unknown>, steps: ReadonlyArray<Step>): Step | undefined => {
  const { answeredIds, assistantTexts } = conversationState(api, body)
  return steps.find((step) =>
    step.kind === "tool" ? !answeredIds.has(step.id) : !assistantTexts.some((text) => text.includes(step.text)),
  )
}

interface Event {
  readonly event: string
  readonly data: unknown
}

const pieces = (text: string, size: number): Array<string> => {
  const chars = Array.from(text)
  const out: Array<string> = []
  for (let i = 0; i < chars.length; i += size) out.push(chars.slice(i, i + size).join(""))
  return out.length === 0 ? [""] : out
}

const usage = { input_tokens: 1200, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 1 }

const anthropicEvents = (step: Step, serial: number): Array<Event> => {
  const id = `msg_scripted${String(serial).padStart(6, "0")}`
  const events: Array<Event> = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: { id, type: "message", role: "assistant", model: "claude-scripted-1", content: [], stop_reason: null, stop_sequence: null, usage },
      },
    },
  ]
  const text = step.kind === "text" ? step.text : step.preface
  let index = 0
  if (text !== undefined) {
    events.push({ event: "content_block_start", data: { type: "content_block_start", index, content_block: { type: "text", text: "" } } })
    events.push({ event: "ping", data: { type: "ping" } })
    for (const piece of pieces(text, 9)) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } } })
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } })
    index += 1
  }
  if (step.kind === "tool") {
    const input = JSON.stringify(step.input)
    events.push({
      event: "content_block_start",
      data: { type: "content_block_start", index, content_block: { type: "tool_use", id: step.id, name: step.name, input: {} } },
    })
    for (const piece of ["", ...pieces(input, 16)]) {
      events.push({ event: "content_block_delta", data: { type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } } })
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } })
  }
  events.push({
    event: "message_delta",
    data: { type: "message_delta", delta: { stop_reason: step.kind === "tool" ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: 42 } },
  })
  events.push({ event: "message_stop", data: { type: "message_stop" } })
  return events
}

const responsesEvents = (step: Step, serial: number): Array<Event> => {
  const responseId = `resp_scripted${String(serial).padStart(6, "0")}`
  const response = (status: string, output: Array<unknown>, withUsage: boolean) => ({
    id: responseId,
    object: "response",
    created_at: 1_700_000_000 + serial,
    model: "gpt-scripted",
    status,
    output,
    usage: withUsage
      ? { input_tokens: 1200, input_tokens_details: { cached_tokens: 0 }, output_tokens: 42, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 1242 }
      : null,
  })
  const events: Array<Event> = []
  let sequence = 0
  const push = (type: string, fields: Record<string, unknown>) => events.push({ event: type, data: { type, sequence_number: sequence++, ...fields } })
  push("response.created", { response: response("in_progress", [], false) })
  push("response.in_progress", { response: response("in_progress", [], false) })
  let item: Record<string, unknown>
  if (step.kind === "tool" && typeof step.input === "string") {
    const itemId = `ctc_${step.id}`
    push("response.output_item.added", {
      output_index: 0,
      item: { id: itemId, type: "custom_tool_call", status: "in_progress", call_id: step.id, name: step.name, input: "" },
    })
    for (const piece of pieces(step.input, 24)) {
      push("response.custom_tool_call_input.delta", { item_id: itemId, output_index: 0, delta: piece })
    }
    push("response.custom_tool_call_input.done", { item_id: itemId, output_index: 0, input: step.input })
    item = { id: itemId, type: "custom_tool_call", status: "completed", call_id: step.id, name: step.name, input: step.input }
  } else if (step.kind === "tool") {
    const itemId = `fc_${step.id}`
    const args = JSON.stringify(step.input)
    push("response.output_item.added", {
      output_index: 0,
      item: { id: itemId, type: "function_call", status: "in_progress", call_id: step.id, name: step.name, arguments: "" },
    })
    for (const piece of pieces(args, 16)) {
      push("response.function_call_arguments.delta", { item_id: itemId, output_index: 0, delta: piece })
    }
    push("response.function_call_arguments.done", { item_id: itemId, output_index: 0, arguments: args })
    item = { id: itemId, type: "function_call", status: "completed", call_id: step.id, name: step.name, arguments: args }
  } else {
    const itemId = `msg_scripted${String(serial).padStart(6, "0")}`
    const part = { type: "output_text", text: step.text, annotations: [] }
    push("response.output_item.added", { output_index: 0, item: { id: itemId, type: "message", status: "in_progress", role: "assistant", content: [] } })
    push("response.content_part.added", { item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: "" } })
    for (const piece of pieces(step.text, 9)) {
      push("response.output_text.delta", { item_id: itemId, output_index: 0, content_index: 0, delta: piece, logprobs: [] })
    }
    push("response.output_text.done", { item_id: itemId, output_index: 0, content_index: 0, text: step.text, logprobs: [] })
    push("response.content_part.done", { item_id: itemId, output_index: 0, content_index: 0, part })
    item = { id: itemId, type: "message", status: "completed", role: "assistant", content: [part] }
  }
  push("response.output_item.done", { output_index: 0, item })
  push("response.completed", { response: response("completed", [item], true) })
  return events
}

/** The bytes in chunks of 1 to 60 bytes, so SSE frames and UTF-8 characters split across reads. */
const unevenChunks = (bytes: Uint8Array): ReadableStream<Uint8Array> => {
  let offset = 0
  let turn = 0
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      if (offset >= bytes.length) return controller.close()
      const size = 1 + ((turn * 37) % 60)
      turn += 1
      controller.enqueue(bytes.slice(offset, offset + size))
      offset += size
      if (turn % 8 === 0) await Bun.sleep(1)
    },
  })
}
