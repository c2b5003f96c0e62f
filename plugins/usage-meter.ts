/**
 * Example plugin: a response-event hook that records what each proxied response cost. It reads
 * the usage the provider reports in its stream and appends one JSON line per response to
 * `$HEADROOM_HOME/usage.jsonl` (default ~/.headroom/usage.jsonl):
 *
 *   {"at":"2025-01-01T10:00:00.000Z","provider":"anthropic","model":"claude-sonnet-4-5","id":"msg_01…",
 *    "input_tokens":2095,"output_tokens":503,"cache_read_input_tokens":1800,"cache_creation_input_tokens":0,"stop_reason":"end_turn"}
 *
 * - Anthropic: `message_start` carries the model and input usage, `message_delta` the output
 *   tokens so far, `message_stop` ends the response.
 * - OpenAI chat completions: the chunk with a `usage` object (sent when the request asks for
 *   `stream_options: {include_usage: true}`).
 * - OpenAI responses: `response.completed` (or `response.incomplete` / `response.failed`).
 *
 * It only observes: every event goes on as it was. `jq -s 'map(.output_tokens) | add' usage.jsonl`
 * totals the output tokens.
 */
import { appendFileSync, mkdirSync } from "node:fs"
import { homedir } from "node:os"
import { dirname, join } from "node:path"
import type { PluginSpec, SseEvent } from "../src/sdk/index.ts"

type Usage = Record<string, unknown>

interface Response {
  id?: string
  model?: string
  usage: Usage
  stopReason?: string
  written: boolean
}

const usageFile = (): string => join(process.env.HEADROOM_HOME || join(homedir(), ".headroom"), "usage.jsonl")

const parse = (event: SseEvent): Record<string, any> | undefined => {
  if (event.data === "[DONE]" || !event.data.startsWith("{")) return undefined
  try {
    return JSON.parse(event.data) as Record<string, any>
  } catch {
    return undefined
  }
}

/** Numbers at the top of a usage object and one level down: `input_tokens_details.cached_tokens` → `input_cached_tokens`. */
const numbers = (usage: unknown): Usage => {
  const out: Usage = {}
  if (typeof usage !== "object" || usage === null) return out
  for (const [key, value] of Object.entries(usage)) {
    if (typeof value === "number") out[key] = value
    else if (typeof value === "object" && value !== null) {
      const prefix = key.replace(/(?:_tokens)?_details$/, "")
      for (const [inner, n] of Object.entries(value)) if (typeof n === "number") out[`${prefix}_${inner}`] = n
    }
  }
  return out
}

const usageMeter: PluginSpec = {
  name: "usage-meter",
  description: "appends one line per proxied response (model, token usage) to $HEADROOM_HOME/usage.jsonl",
  responseEvent: (event, ctx) => {
    const response = ctx.state<Response>(() => ({ usage: {}, written: false }))
    const data = parse(event)
    if (data === undefined || response.written) return undefined
    let done = false
    switch (data.type) {
      case "message_start":
        response.id = data.message?.id
        response.model = data.message?.model
        Object.assign(response.usage, numbers(data.message?.usage))
        break
      case "message_delta":
        Object.assign(response.usage, numbers(data.usage))
        response.stopReason = data.delta?.stop_reason ?? response.stopReason
        break
      case "message_stop":
        done = true
        break
      case "response.completed":
      case "response.incomplete":
      case "response.failed":
        response.id = data.response?.id
        response.model = data.response?.model
        response.stopReason = data.response?.status
        Object.assign(response.usage, numbers(data.response?.usage))
        done = true
        break
      default:
        // OpenAI chat: the usage chunk (its choices are empty); earlier chunks carry the finish reason.
        if (data.object === "chat.completion.chunk") {
          response.id = data.id
          response.model = data.model
          const finish = data.choices?.find?.((c: { finish_reason?: string }) => c.finish_reason)?.finish_reason
          if (finish) response.stopReason = finish
          if (data.usage) {
            Object.assign(response.usage, numbers(data.usage))
            done = true
          }
        }
    }
    if (!done) return undefined
    response.written = true
    const line = {
      at: new Date().toISOString(),
      provider: ctx.response.provider,
      model: response.model ?? ctx.response.model,
      ...(response.id === undefined ? {} : { id: response.id }),
      ...response.usage,
      ...(response.stopReason === undefined ? {} : { stop_reason: response.stopReason }),
    }
    const file = usageFile()
    mkdirSync(dirname(file), { recursive: true })
    appendFileSync(file, `${JSON.stringify(line)}\n`)
    return undefined
  },
}

export default usageMeter
