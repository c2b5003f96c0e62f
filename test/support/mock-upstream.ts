/**
 * A mock LLM API for the proxy tests, on `Bun.serve`. It speaks the real shapes and event
 * sequences of Anthropic (`POST /v1/messages`, `/v1/messages/count_tokens`) and OpenAI
 * (`POST /v1/chat/completions`, `/v1/responses`, `GET /v1/models`), streamed or as JSON by the
 * request's `stream` field. Each test scripts what the next requests get (text, tool calls, an
 * error status, a cut or stalled stream, slow or byte-split writes) and reads back every request
 * as received: method, path with query, headers and the raw body bytes.
 *
 * ```ts
 * const mock = await startMockUpstream()
 * mock.answer({ toolCalls: [{ name: "Bash", arguments: { command: "make" } }] }, { text: "Fixed." })
 * // point a client at mock.url (Anthropic base) or mock.openaiUrl (`${url}/v1`)
 * mock.requests[0].json()
 * ```
 */
import { anthropicCountTokens, anthropicError, anthropicEvents, anthropicMessage, anthropicModels } from "./mock-upstream/anthropic.ts"
import { type Answer, type ErrorAnswer, encodeEvents, idMaker, type MakeId, type MockEvent } from "./mock-upstream/answer.ts"
import { chatCompletion, chatEvents, openaiError, openaiModels } from "./mock-upstream/chat.ts"
import { responsesEvents, responsesJson } from "./mock-upstream/responses.ts"

export type { Answer, ErrorAnswer, ToolCall, Usage } from "./mock-upstream/answer.ts"

export type Route = "messages" | "count_tokens" | "chat" | "responses" | "models" | "unknown"

/** How the mock's side of an answer ended. */
export type Outcome = "completed" | "disconnected" | "cancelled"

export interface RecordedRequest {
  readonly method: string
  /** Path with query, as received: `/v1/messages?beta=true`. */
  readonly path: string
  readonly route: Route
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  /** The body bytes exactly as received. */
  readonly body: Uint8Array<ArrayBuffer>
  readonly text: () => string
  readonly json: <T = any>() => T
  /** Settles when the answer is fully written, cut by the mock, or cancelled by the client. */
  readonly outcome: Promise<Outcome>
  /** The answer's body bytes written so far (all of them once `outcome` settles). */
  readonly sent: () => Uint8Array<ArrayBuffer>
}

export type Scripted = Answer | ((request: RecordedRequest) => Answer)

export interface MockUpstream {
  /** `http://127.0.0.1:PORT`: the Anthropic base (no /v1). */
  readonly url: string
  /** `${url}/v1`: the OpenAI base. */
  readonly openaiUrl: string
  readonly requests: ReadonlyArray<RecordedRequest>
  /** Queues answers for the next generation requests (messages, chat, responses), in order. */
  readonly answer: (...answers: ReadonlyArray<Scripted>) => void
  /** What generation requests get once the queue is empty (default: the text "Done."). */
  fallback: Scripted
  readonly last: () => RecordedRequest
  /** Forgets the recorded requests and the queue. */
  readonly reset: () => void
  readonly stop: () => Promise<void>
}

/** Time for written bytes to leave before the mock cuts the connection. */
const FLUSH_MS = 30

const routeOf = (method: string, pathname: string): Route => {
  if (method === "POST" && pathname === "/v1/messages") return "messages"
  if (method === "POST" && pathname === "/v1/messages/count_tokens") return "count_tokens"
  if (method === "POST" && pathname === "/v1/chat/completions") return "chat"
  if (method === "POST" && pathname === "/v1/responses") return "responses"
  if (method === "GET" && pathname === "/v1/models") return "models"
  return "unknown"
}

/** Whose shapes to answer in; `GET /v1/models` serves both, told apart by `anthropic-version`. */
const isAnthropic = (route: Route, pathname: string, headers: Readonly<Record<string, string>>) =>
  pathname.startsWith("/v1/messages") || pathname === "/v1/complete" || (route === "models" && headers["anthropic-version"] !== undefined)

interface Body {
  readonly bytes: Array<Uint8Array>
  readonly sse: boolean
  /** After the writes: end normally, cut the connection, or stay open until the client leaves. */
  readonly end: "close" | "cut" | "stall"
}

const concat = (parts: ReadonlyArray<Uint8Array>): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

const splitEvery = (bytes: Uint8Array, size: number) => {
  const out: Array<Uint8Array> = []
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size))
  return out
}

/** Where the answer stops (events of a stream, bytes of JSON) and how. */
const endOf = (answer: Answer) => {
  const end: Body["end"] = answer.disconnectAfter !== undefined ? "cut" : answer.stallAfter !== undefined ? "stall" : "close"
  return { end, limit: answer.disconnectAfter ?? answer.stallAfter }
}

/** The error event a provider sends mid-stream (Anthropic's `overloaded_error` is the usual one). */
const streamErrorEvent = (route: Route, error: NonNullable<Answer["streamError"]>, sequence: number): MockEvent =>
  route === "messages"
    ? { event: "error", data: { type: "error", error: { type: error.type ?? "overloaded_error", message: error.message } } }
    : route === "chat"
      ? { data: { error: { message: error.message, type: error.type ?? "server_error", param: null, code: null } } }
      : { event: "error", data: { type: "error", sequence_number: sequence, code: error.type ?? "server_error", message: error.message, param: null } }

const streamedBody = (route: Route, all: ReadonlyArray<MockEvent>, answer: Answer): Body => {
  const failure = answer.streamError
  const events = failure === undefined ? all : [...all.slice(0, failure.after), streamErrorEvent(route, failure, failure.after)]
  const encoded = encodeEvents(events)
  const { end, limit } = endOf(answer)
  const sent = limit === undefined ? encoded : encoded.slice(0, limit)
  return { bytes: answer.chunkBytes ? splitEvery(concat(sent), answer.chunkBytes) : sent, sse: true, end }
}

const jsonBody = (value: unknown, answer: Answer): Body => {
  const bytes = new TextEncoder().encode(JSON.stringify(value))
  const { end, limit } = endOf(answer)
  const sent = limit === undefined ? bytes : bytes.subarray(0, limit)
  const pieces = answer.chunkBytes ? splitEvery(sent, answer.chunkBytes) : [sent]
  return { bytes: pieces.filter((p) => p.length > 0), sse: false, end }
}

const generate = (route: Route, answer: Answer, request: unknown, body: Uint8Array, makeId: MakeId): Body => {
  const stream = (request as { stream?: unknown } | null)?.stream === true
  switch (route) {
    case "messages":
      return stream ? streamedBody(route, anthropicEvents(answer, request, body, makeId), answer) : jsonBody(anthropicMessage(answer, request, body, makeId), answer)
    case "chat":
      return stream ? streamedBody(route, chatEvents(answer, request, body, makeId), answer) : jsonBody(chatCompletion(answer, request, body, makeId), answer)
    default:
      return stream ? streamedBody(route, responsesEvents(answer, request, body, makeId), answer) : jsonBody(responsesJson(answer, request, body, makeId), answer)
  }
}

export const startMockUpstream = async (options: { readonly fallback?: Scripted } = {}): Promise<MockUpstream> => {
  const requests: Array<RecordedRequest> = []
  const queue: Array<Scripted> = []
  const makeId = idMaker()

  /** Writes the body one piece per pull, so a slow or stalled answer holds back only its own request. */
  const stream = (body: Body, answer: Answer, idHeader: string, client: AbortSignal, settle: (o: Outcome) => void, wrote: (chunk: Uint8Array) => void) => {
    let next = 0
    let leave: () => void = () => {}
    const left = new Promise<void>((resolve) => (leave = resolve))
    // A client that leaves before the first byte is seen by its request's signal, not by `cancel`.
    client.addEventListener("abort", () => leave(), { once: true })
    const readable = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = body.bytes[next]
        if (chunk !== undefined) {
          next++
          if (answer.delayMs) await Bun.sleep(answer.delayMs)
          wrote(chunk)
          controller.enqueue(chunk)
        } else if (body.end === "close") {
          settle("completed")
          controller.close()
        } else if (body.end === "cut") {
          // Bun writes what was enqueued on a later tick: erroring at once would drop it unsent.
          await Bun.sleep(FLUSH_MS)
          settle("disconnected")
          // An error without a reason makes Bun drop the connection (no final chunk), without logging.
          controller.error()
        } else await left
      },
      cancel() {
        settle("cancelled")
        leave()
      },
    })
    return new Response(readable, {
      headers: {
        "content-type": body.sse ? "text/event-stream; charset=utf-8" : "application/json",
        ...(body.sse ? { "cache-control": "no-cache" } : {}),
        [idHeader]: makeId("req_"),
        ...answer.headers,
      },
    })
  }

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url)
      const route = routeOf(req.method, url.pathname)
      const headers = Object.fromEntries(req.headers)
      const body = new Uint8Array(await req.arrayBuffer())
      let settle: (o: Outcome) => void = () => {}
      const sent: Array<Uint8Array> = []
      const record: RecordedRequest = {
        method: req.method,
        path: url.pathname + url.search,
        route,
        headers,
        body,
        text: () => new TextDecoder().decode(body),
        json: () => JSON.parse(new TextDecoder().decode(body)),
        outcome: new Promise<Outcome>((resolve) => (settle = resolve)),
        sent: () => concat(sent),
      }
      requests.push(record)
      req.signal.addEventListener("abort", () => settle("cancelled"), { once: true })
      const anthropic = isAnthropic(route, url.pathname, headers)
      const idHeader = anthropic ? "request-id" : "x-request-id"
      const reply = (value: unknown, status = 200, extra: Readonly<Record<string, string>> = {}) => {
        const bytes = new TextEncoder().encode(JSON.stringify(value))
        sent.push(bytes)
        settle("completed")
        return new Response(bytes, { status, headers: { "content-type": "application/json", [idHeader]: makeId("req_"), ...extra } })
      }
      const fail = (error: ErrorAnswer) =>
        reply(anthropic ? anthropicError(error.status, error.message, error.type, makeId) : openaiError(error.status, error.message, error.type, error.code), error.status, error.headers)

      if (route === "models") return reply(anthropic ? anthropicModels() : openaiModels())
      if (route === "unknown") {
        return fail({ status: 404, message: `mock upstream: no route for ${req.method} ${url.pathname}`, type: anthropic ? "not_found_error" : "invalid_request_error" })
      }
      let parsed: unknown
      try {
        parsed = JSON.parse(record.text())
      } catch {
        return fail({ status: 400, message: "mock upstream: the body is not valid JSON" })
      }
      if (route === "count_tokens") return reply(anthropicCountTokens(body))
      const scripted = queue.shift() ?? api.fallback
      const answer = typeof scripted === "function" ? scripted(record) : scripted
      if (answer.error) return fail(answer.error)
      return stream(generate(route, answer, parsed, body, makeId), answer, idHeader, req.signal, settle, (chunk) => void sent.push(chunk))
    },
  })

  const url = `http://127.0.0.1:${server.port}`
  const api: MockUpstream = {
    url,
    openaiUrl: `${url}/v1`,
    requests,
    answer: (...answers) => void queue.push(...answers),
    fallback: options.fallback ?? {},
    last: () => {
      const last = requests.at(-1)
      if (last === undefined) throw new Error("mock upstream: no request received")
      return last
    },
    reset: () => {
      requests.length = 0
      queue.length = 0
    },
    stop: () => server.stop(true),
  }
  return api
}
