import { Data } from "effect"
import { isAnthropicPath } from "./upstream.ts"

/** Whose error shape a failure is written in: clients parse errors the way their API does. */
export type ErrorStyle = "anthropic" | "openai"

export const errorStyleOf = (path: string): ErrorStyle => (isAnthropicPath(path) ? "anthropic" : "openai")

/** A request the proxy answers itself, with a status and a message for the client. */
export class ProxyError extends Data.TaggedError("ProxyError")<{
  readonly status: 400 | 401 | 404 | 413 | 426 | 500 | 502 | 504
  readonly message: string
}> {}

const ANTHROPIC_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  404: "not_found_error",
  413: "request_too_large",
  426: "invalid_request_error",
  500: "api_error",
  502: "api_error",
  504: "api_error",
}

const OPENAI_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "invalid_request_error",
  404: "invalid_request_error",
  413: "invalid_request_error",
  426: "invalid_request_error",
  500: "server_error",
  502: "server_error",
  504: "server_error",
}

/** The error body each API's clients expect, so their SDKs show the message as they would any other. */
const errorBody = (style: ErrorStyle, status: number, message: string): string =>
  style === "anthropic"
    ? JSON.stringify({ type: "error", error: { type: ANTHROPIC_TYPES[status] ?? "api_error", message } })
    : JSON.stringify({ error: { message, type: OPENAI_TYPES[status] ?? "server_error", param: null, code: null } })

export const errorResponse = (style: ErrorStyle, error: ProxyError): Response =>
  new Response(errorBody(style, error.status, `headroom proxy: ${error.message}`), {
    status: error.status,
    headers: { "content-type": "application/json", "x-headroom-error": "true" },
  })
