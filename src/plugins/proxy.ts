/**
 * Request and response-event hooks, for the proxy: each plugin's hook runs in turn on what the
 * previous one returned. A hook that fails, times out or returns garbage is skipped (the request
 * or event goes on as it was) and named in `errors`; nothing here fails.
 */
import { Effect } from "effect"
import type { ProxyRequest, ResponseInfo, SseEvent } from "../sdk/plugin.ts"
import type { PluginHost } from "./host.ts"

/** One plugin's request or response-event hook. */
export interface ProxyHook {
  readonly plugin: string
  readonly host: PluginHost
}

export interface HookRun<A> {
  readonly value: A
  /** One message per hook that was skipped. */
  readonly errors: ReadonlyArray<string>
}

/**
 * Headers that carry credentials: never shown to a plugin, never taken from one (the proxy adds
 * the client's own after the hooks).
 */
const CREDENTIALS = new Set(["authorization", "proxy-authorization", "x-api-key", "api-key", "x-goog-api-key", "cookie"])

const withoutCredentials = (request: ProxyRequest): ProxyRequest => {
  const headers = Object.entries(request.headers).filter(([name]) => !CREDENTIALS.has(name.toLowerCase()))
  return headers.length === Object.keys(request.headers).length ? request : { ...request, headers: Object.fromEntries(headers) }
}

export const runRequestHooks = (hooks: ReadonlyArray<ProxyHook>, request: ProxyRequest): Effect.Effect<HookRun<ProxyRequest>> =>
  Effect.promise(async () => {
    let current = withoutCredentials(request)
    const errors: Array<string> = []
    for (const { host } of hooks) {
      const result = await host.call({ type: "request", request: current })
      if (!result.ok) {
        if (!("off" in result)) errors.push(`${result.message}; request left as it was`)
        continue
      }
      if (result.reply.type === "request" && result.reply.request !== undefined) {
        // A hook may rewrite the path, headers and body; the provider is the proxy's to say.
        current = withoutCredentials({ ...result.reply.request, provider: current.provider })
      }
    }
    return { value: current, errors }
  })

/** The event after every hook, or null when one dropped it (later hooks then don't see it). */
export const runResponseEventHooks = (
  hooks: ReadonlyArray<ProxyHook>,
  event: SseEvent,
  response: ResponseInfo,
): Effect.Effect<HookRun<SseEvent | null>> =>
  Effect.promise(async () => {
    let current = event
    const errors: Array<string> = []
    for (const { host } of hooks) {
      const result = await host.call({ type: "event", event: current, response })
      if (!result.ok) {
        if (!("off" in result)) errors.push(`${result.message}; event left as it was`)
        continue
      }
      if (result.reply.type !== "event" || result.reply.event === undefined) continue
      if (result.reply.event === null) return { value: null, errors }
      current = result.reply.event
    }
    return { value: current, errors }
  })
