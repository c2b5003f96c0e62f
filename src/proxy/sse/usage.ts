import { isObject, type ApiKind, type Json } from "../providers/api.ts"
import type { SseFrame } from "./decode.ts"

export type { ApiKind }

/**
 * Tokens a response reports, as the provider counts them. Anthropic's `input` leaves out the
 * cached tokens (`cacheRead`, `cacheWrite`); OpenAI's includes them (`cacheRead` is part of it).
 */
export interface Usage {
  readonly input?: number
  readonly output?: number
  readonly cacheRead?: number
  readonly cacheWrite?: number
}

const count = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined

const child = (object: Json, key: string): Json => {
  const value = object[key]
  return isObject(value) ? value : {}
}

const usageOf = (fields: { input: unknown; output: unknown; cacheRead?: unknown; cacheWrite?: unknown }): Usage => {
  const usage: { -readonly [K in keyof Usage]: number } = {}
  for (const key of ["input", "output", "cacheRead", "cacheWrite"] as const) {
    const n = count(fields[key])
    if (n !== undefined) usage[key] = n
  }
  return usage
}

/** A `usage` object in each API's own field names. */
const READERS: Record<ApiKind, (usage: Json) => Usage> = {
  anthropic: (u) =>
    usageOf({
      input: u.input_tokens,
      output: u.output_tokens,
      cacheRead: u.cache_read_input_tokens,
      cacheWrite: u.cache_creation_input_tokens,
    }),
  "openai-chat": (u) =>
    usageOf({ input: u.prompt_tokens, output: u.completion_tokens, cacheRead: child(u, "prompt_tokens_details").cached_tokens }),
  "openai-responses": (u) =>
    usageOf({ input: u.input_tokens, output: u.output_tokens, cacheRead: child(u, "input_tokens_details").cached_tokens }),
}

/**
 * Where an event carries usage: Anthropic `message_start` (in `message`) and `message_delta`;
 * an OpenAI chat chunk's own `usage` (the final one, with `stream_options.include_usage`); a
 * Responses `response.completed` / `.incomplete` / `.failed` event's `response`.
 */
const usageInEvent = (api: ApiKind, event: Json): unknown => {
  if (api === "openai-chat") return event.usage
  const holder = api === "anthropic" ? child(event, "message") : child(event, "response")
  return holder.usage ?? event.usage
}

const USAGE_KEY = '"usage"'

/**
 * Whether the data has a `"usage"` key with an object value. Inside a JSON string a quote is
 * escaped, so this only matches keys: the many token events are skipped without parsing them.
 */
const hasUsageObject = (data: string): boolean => {
  for (let at = data.indexOf(USAGE_KEY); at >= 0; at = data.indexOf(USAGE_KEY, at + USAGE_KEY.length)) {
    let i = at + USAGE_KEY.length
    while (i < data.length && (data[i] === " " || data[i] === "\t" || data[i] === ":" || data[i] === "\n" || data[i] === "\r")) i++
    if (data[i] === "{") return true
  }
  return false
}

const parse = (data: string): unknown => {
  try {
    return JSON.parse(data)
  } catch {
    return undefined
  }
}

/** Reads the usage of a streamed response from its events; later counts replace earlier ones. */
export const usageFromEvents = (api: ApiKind): { observe: (frame: SseFrame) => void; usage: () => Usage } => {
  let usage: Usage = {}
  return {
    observe: (frame) => {
      if (!hasUsageObject(frame.data)) return
      const event = parse(frame.data)
      if (!isObject(event)) return
      const found = usageInEvent(api, event)
      if (isObject(found)) usage = { ...usage, ...READERS[api](found) }
    },
    usage: () => usage,
  }
}

/** The usage of a non-streamed JSON response: its top-level `usage`. */
export const usageFromBody = (api: ApiKind, body: unknown): Usage => {
  const found = isObject(body) ? body.usage : undefined
  return isObject(found) ? READERS[api](found) : {}
}
