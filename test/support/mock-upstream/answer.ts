/**
 * What a test scripts the mock upstream to answer, and the helpers every provider shares to turn
 * it into events: deterministic ids, token counts and the deltas a real model would stream.
 */

/** A call the model asks for. `arguments` is sent as its JSON text (a string is sent as it is). */
export interface ToolCall {
  readonly name: string
  readonly arguments: Record<string, unknown> | string
  /** Defaults to a fresh `toolu_…` / `call_…` id. */
  readonly id?: string
  /** Responses API only: a `custom_tool_call` whose raw `input` is `arguments` (a string). */
  readonly custom?: boolean
}

export interface Usage {
  /** Defaults to the request body's bytes / 4, so compressed requests report fewer. */
  readonly input?: number
  readonly output?: number
  readonly cacheRead?: number
  readonly cacheWrite?: number
}

/** An error status with the provider's error body (Anthropic or OpenAI shape, by route). */
export interface ErrorAnswer {
  readonly status: number
  readonly message: string
  /** Defaults by status: `rate_limit_error`, `api_error`… (Anthropic) or `requests`, `server_error`… (OpenAI). */
  readonly type?: string
  /** OpenAI `code`, e.g. `rate_limit_exceeded`. */
  readonly code?: string
  readonly headers?: Readonly<Record<string, string>>
}

export interface Answer {
  /** Assistant text; defaults to "Done." when there is neither text nor a tool call. */
  readonly text?: string
  /** Anthropic only: a signed thinking block before the text. */
  readonly thinking?: string
  readonly toolCalls?: ReadonlyArray<ToolCall>
  readonly usage?: Usage
  /** Answer with this status and error body instead. */
  readonly error?: ErrorAnswer
  /**
   * Streamed: cut the connection after this many events; JSON: after this many body bytes. With
   * 0 the connection drops before any response at all.
   */
  readonly disconnectAfter?: number
  /**
   * Streamed: send this many events (JSON: bytes), then nothing more until the client goes away. With 0 not
   * even the status line leaves (Bun sends headers with the first body bytes): an upstream that
   * never answers.
   */
  readonly stallAfter?: number
  /**
   * Streamed: after this many events, an error event in the provider's shape (Anthropic
   * `event: error`, chat `data: {"error":…}`, Responses `event: error`), then the stream ends.
   */
  readonly streamError?: { readonly after: number; readonly message: string; readonly type?: string }
  /** Pause before every write (a slow model). */
  readonly delayMs?: number
  /** Write the body in pieces of this many bytes, splitting events, lines and UTF-8 sequences. */
  readonly chunkBytes?: number
  /** Characters per text delta (default 6); argument JSON is streamed in pieces of 16. */
  readonly deltaChars?: number
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>
}

/** A server-sent event as the providers write it (`event:` line optional, one `data:` line). */
export interface MockEvent {
  readonly event?: string
  readonly data: unknown
}

export const encodeEvents = (events: ReadonlyArray<MockEvent>): Array<Uint8Array> =>
  events.map((e) => {
    const data = typeof e.data === "string" ? e.data : JSON.stringify(e.data)
    return new TextEncoder().encode(`${e.event === undefined ? "" : `event: ${e.event}\n`}data: ${data}\n\n`)
  })

/** Deterministic ids: a per-server counter, hex, so runs are reproducible. */
export const idMaker = () => {
  let n = 0
  return (prefix: string) => `${prefix}${(++n).toString(16).padStart(24, "0")}`
}
export type MakeId = ReturnType<typeof idMaker>

/** A fixed creation time: answers do not depend on the clock. */
export const CREATED = 1_767_225_600

/** Splits by code points (never inside a surrogate pair), as a model streams text. */
export const pieces = (text: string, size: number): Array<string> => {
  const points = Array.from(text)
  const out: Array<string> = []
  for (let i = 0; i < points.length; i += size) out.push(points.slice(i, i + size).join(""))
  return out
}

export const argumentsText = (call: ToolCall) =>
  typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments)

export const answerText = (answer: Answer) =>
  answer.text ?? (answer.toolCalls?.length ? undefined : "Done.")

export const inputTokens = (answer: Answer, body: Uint8Array) => answer.usage?.input ?? Math.ceil(body.length / 4)

export const outputTokens = (answer: Answer) =>
  answer.usage?.output ??
  Math.max(1, Math.ceil(((answer.text ?? "").length + (answer.toolCalls ?? []).reduce((n, c) => n + argumentsText(c).length, 0)) / 4))
