import { Cause, Effect } from "effect"
import { concatBytes } from "../../io/utf8.ts"
import { runRequestHooks, runResponseEventHooks } from "../../plugins/index.ts"
import type { ProxyRequest } from "../../sdk/plugin.ts"
import { compressBody, type BodyCompression } from "../compress/body.ts"
import { ProxyError } from "../errors.ts"
import { isObject, type ApiShape } from "../providers/api.ts"
import type { RequestLogEntry } from "../request-log.ts"
import { relaySse } from "../sse/relay.ts"
import { usageFromBody, type ApiKind, type Usage } from "../sse/usage.ts"
import { UpstreamCall, requestHeaders, responseHeaders, upstreamUrl } from "../upstream.ts"
import type { ProxyContext } from "../context.ts"

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true })
const encoder = new TextEncoder()

/** JSON bodies of non-streamed answers are read for their usage up to this size. */
const USAGE_BODY_LIMIT = 4 * 1024 * 1024

/** What one request did, for the stats and the log line written when its response ends. */
interface Trace {
  readonly id: string
  readonly started: number
  readonly method: string
  readonly path: string
  api?: ApiKind
  model?: string
  stream?: boolean
  bypass?: boolean
  compression?: BodyCompression
  compressMs?: number
  headersMs?: number
  forwarded?: string
  readonly errors: Array<string>
}

/**
 * Forwards one request upstream: compresses the tool results of an API request (unless bypassed,
 * or optimisation is off), then relays the answer as it comes — event by event for a stream.
 * Failures of headroom's own (a bad body, an upstream that can't be reached) are ProxyErrors,
 * answered in the API's error shape in one place (app.ts); failures inside compression are not
 * failures at all: the original body goes.
 */
export const forwardRequest = Effect.fn("Proxy.forward")(function* (ctx: ProxyContext, request: Request, api: ApiShape | undefined) {
  const { settings, stats } = ctx
  const url = new URL(request.url)
  const trace: Trace = { id: crypto.randomUUID(), started: performance.now(), method: request.method, path: url.pathname, errors: [] }
  if (api !== undefined) {
    trace.api = api.kind
    stats.byApi.set(api.kind, (stats.byApi.get(api.kind) ?? 0) + 1)
  }
  stats.totalRequests++
  stats.active++
  const exit = yield* Effect.exit(
    Effect.gen(function* () {
      const original = yield* readBody(request, settings.maxBodyBytes)
      let body: Uint8Array | undefined = original
      let headers = requestHeaders(request.headers)
      trace.bypass = request.headers.get("x-headroom-bypass")?.toLowerCase() === "true"
      if (trace.bypass) stats.bypassed++
      // A compressed request body (rare) is not JSON to us: it goes as it came.
      const encoded = (request.headers.get("content-encoding") ?? "identity").toLowerCase() !== "identity"
      if (api !== undefined && original !== undefined && request.method === "POST" && settings.optimize && !trace.bypass && !encoded) {
        const prepared = yield* prepareBody(ctx, api, original, headers, url.pathname, trace)
        body = prepared.body
        headers = prepared.headers
      }
      if (ctx.log?.logBodies === true && body !== undefined) trace.forwarded = new TextDecoder().decode(body)
      return yield* callUpstream(ctx, request, url, headers, body, trace)
    }),
  )
  if (exit._tag === "Failure") {
    stats.active--
    stats.clientErrors++
    const error = Cause.squash(exit.cause)
    finish(ctx, trace, error, { status: error instanceof ProxyError ? error.status : 500, usage: {}, outcome: "refused" })
  }
  return yield* exit
})

/** The request body, refused with 413 past the limit (before it is all read, when the length is declared). */
const readBody = (request: Request, limit: number) =>
  Effect.tryPromise({
    try: async (): Promise<Uint8Array | undefined> => {
      if (request.body === null) return undefined
      const declared = Number(request.headers.get("content-length") ?? Number.NaN)
      if (declared > limit) throw tooLarge(declared, limit)
      const reader = request.body.getReader()
      const chunks: Array<Uint8Array> = []
      let size = 0
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        size += value.byteLength
        if (size > limit) {
          await reader.cancel()
          throw tooLarge(size, limit)
        }
        chunks.push(value)
      }
      return concatBytes(chunks)
    },
    catch: (error) =>
      error instanceof ProxyError ? error : new ProxyError({ status: 400, message: `could not read the request body: ${String(error)}` }),
  })

const tooLarge = (size: number, limit: number) =>
  new ProxyError({ status: 413, message: `request body of ${size} bytes is over the proxy's limit of ${limit} bytes (--max-body)` })

/**
 * The body to forward: the client's own bytes unless a plugin's request hook or compression
 * changed something. Malformed JSON is the client's error (400); anything going wrong inside
 * compression lets the original through.
 */
const prepareBody = (ctx: ProxyContext, api: ApiShape, original: Uint8Array, headers: Headers, path: string, trace: Trace) =>
  Effect.gen(function* () {
    let text: string
    let parsed: unknown
    try {
      text = utf8.decode(original)
      parsed = JSON.parse(text)
    } catch (error) {
      const reason = error instanceof SyntaxError ? error.message : "it is not valid UTF-8"
      return yield* new ProxyError({ status: 400, message: `request body is not valid JSON: ${reason}` })
    }
    if (!isObject(parsed)) return yield* new ProxyError({ status: 400, message: "request body must be a JSON object" })
    if (typeof parsed.model === "string") trace.model = parsed.model
    trace.stream = parsed.stream === true
    let body: Uint8Array = original
    let outHeaders = headers
    if (ctx.hooks.request.length > 0) {
      const hooked = yield* requestHooks(ctx, api, path, headers, parsed, trace)
      if (hooked !== undefined) {
        parsed = hooked.body
        text = JSON.stringify(hooked.body)
        body = encoder.encode(text)
        outHeaders = hooked.headers
      }
    }
    const started = performance.now()
    const compressed = yield* Effect.exit(compressBody(api, text, parsed, trace.model).pipe(Effect.provide(ctx.services)))
    trace.compressMs = performance.now() - started
    ctx.stats.compressMs += trace.compressMs
    if (compressed._tag === "Failure") {
      ctx.stats.failOpen++
      trace.errors.push(`compression failed, original forwarded: ${String(compressed.cause).split("\n")[0]}`)
      return { body, headers: outHeaders }
    }
    const compression = compressed.value
    trace.compression = compression
    if (compression.errors.length > 0) {
      ctx.stats.failOpen += compression.errors.length
      trace.errors.push(...compression.errors)
    }
    if (compression.toolResults > 0) {
      ctx.stats.tokensBefore += compression.tokensBefore
      ctx.stats.tokensAfter += compression.tokensAfter
    }
    if (compression.text === undefined) return { body, headers: outHeaders }
    ctx.stats.compressedRequests++
    for (const t of compression.transforms) ctx.stats.transforms.set(t, (ctx.stats.transforms.get(t) ?? 0) + 1)
    return { body: encoder.encode(compression.text), headers: outHeaders }
  })

const CREDENTIALS = ["authorization", "x-api-key", "api-key", "cookie"]

/** Runs the plugins' request hooks; undefined when none changed anything. */
const requestHooks = (ctx: ProxyContext, api: ApiShape, path: string, headers: Headers, body: unknown, trace: Trace) =>
  Effect.gen(function* () {
    const plain: Record<string, string> = {}
    headers.forEach((value, name) => {
      plain[name] = value
    })
    const request: ProxyRequest = { provider: api.kind, path, headers: plain, body }
    const run = yield* runRequestHooks(ctx.hooks.request, request)
    trace.errors.push(...run.errors)
    if (run.value.body === body && sameHeaders(run.value.headers, plain)) return undefined
    // Credentials never go through a hook: the client's own are put back.
    const out = new Headers(run.value.headers)
    for (const name of CREDENTIALS) {
      const value = headers.get(name)
      if (value !== null) out.set(name, value)
    }
    return { body: run.value.body, headers: out }
  })

/** Equal apart from credentials (hooks never see those). */
const sameHeaders = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const plain = (h: Readonly<Record<string, string>>) => Object.keys(h).filter((k) => !CREDENTIALS.includes(k))
  const keys = plain(a)
  return keys.length === plain(b).length && keys.every((k) => a[k] === b[k])
}

const callUpstream = (ctx: ProxyContext, request: Request, url: URL, headers: Headers, body: Uint8Array | undefined, trace: Trace) =>
  Effect.gen(function* () {
    const target = upstreamUrl(ctx.upstreams, url.pathname, url.search)
    const call = new UpstreamCall(ctx.settings.timeoutMs, request.signal)
    const upstream = yield* Effect.tryPromise({
      try: () => fetch(target, { method: request.method, headers, ...(body === undefined ? {} : { body }), signal: call.signal, redirect: "manual" }),
      catch: (error) => {
        call.done()
        if (call.timedOut) return new ProxyError({ status: 504, message: `the upstream ${new URL(target).origin} sent no answer within ${ctx.settings.timeoutMs / 1000} s` })
        return new ProxyError({ status: 502, message: `cannot reach the upstream ${new URL(target).origin}: ${error instanceof Error ? error.message : String(error)}` })
      },
    })
    trace.headersMs = performance.now() - trace.started
    call.touch()
    if (upstream.status >= 400) ctx.stats.upstreamErrors++
    const outHeaders = responseHeaders(upstream.headers)
    const compression = trace.compression
    if (compression !== undefined && compression.text !== undefined) {
      outHeaders.set("x-headroom-tokens-before", String(compression.tokensBefore))
      outHeaders.set("x-headroom-tokens-after", String(compression.tokensAfter))
      outHeaders.set("x-headroom-tokens-saved", String(compression.tokensBefore - compression.tokensAfter))
      outHeaders.set("x-headroom-transforms", compression.transforms.join(","))
    }
    const init = { status: upstream.status, statusText: upstream.statusText, headers: outHeaders }
    if (upstream.body === null) {
      call.done()
      ctx.stats.active--
      finish(ctx, trace, undefined, { status: upstream.status, usage: {} })
      return new Response(null, init)
    }
    const ended = (end: { usage: Usage; outcome: string; error?: unknown }) => {
      ctx.stats.active--
      addUsage(ctx, end.usage)
      finish(ctx, trace, end.error, { status: upstream.status, usage: end.usage, outcome: end.outcome })
    }
    const watched = call.watch(upstream.body)
    const isStream = upstream.headers.get("content-type")?.startsWith("text/event-stream") === true
    if (isStream && trace.api !== undefined) {
      return new Response(relaySse(watched, { api: trace.api, ...eventHooks(ctx, trace), onEnd: ended }), init)
    }
    return new Response(passThrough(watched, trace.api, upstream.headers.get("content-type"), ended), init)
  })

/** The plugins' response-event hooks for this response, when there are any. */
const eventHooks = (ctx: ProxyContext, trace: Trace) => {
  if (ctx.hooks.responseEvent.length === 0) return {}
  const response = {
    id: trace.id,
    provider: trace.api!,
    path: trace.path,
    ...(trace.model === undefined ? {} : { model: trace.model }),
  }
  return {
    onEvent: (frame: { event?: string; data: string; id?: string }) =>
      runResponseEventHooks(
        ctx.hooks.responseEvent,
        { ...(frame.event === undefined ? {} : { event: frame.event }), data: frame.data, ...(frame.id === undefined ? {} : { id: frame.id }) },
        response,
      ).pipe(
        Effect.map((run) => {
          trace.errors.push(...run.errors)
          // Unchanged events keep their own bytes.
          return run.value !== null && run.value.data === frame.data && run.value.event === frame.event && run.value.id === frame.id ? undefined : run.value
        }),
      ),
  }
}

/**
 * A body that is not an event stream, relayed chunk by chunk as it arrives; a JSON answer of an
 * API is also kept (up to a limit) to read its usage once it has all passed.
 */
const passThrough = (
  body: ReadableStream<Uint8Array>,
  api: ApiKind | undefined,
  contentType: string | null,
  ended: (end: { usage: Usage; outcome: string; error?: unknown }) => void,
): ReadableStream<Uint8Array> => {
  const keep = api !== undefined && contentType?.includes("json") === true
  const chunks: Array<Uint8Array> = []
  let size = 0
  const reader = body.getReader()
  let settled = false
  const end = (outcome: string, error?: unknown) => {
    if (settled) return
    settled = true
    let usage: Usage = {}
    if (outcome === "completed" && keep && size <= USAGE_BODY_LIMIT) {
      try {
        usage = usageFromBody(api!, JSON.parse(new TextDecoder().decode(concatBytes(chunks))))
      } catch {
        // Not JSON after all: no usage to count.
      }
    }
    ended({ usage, outcome, ...(error === undefined ? {} : { error }) })
  }
  return new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      try {
        const { done, value } = await reader.read()
        if (done) {
          end("completed")
          controller.close()
          return
        }
        if (keep && size <= USAGE_BODY_LIMIT) chunks.push(value)
        size += value.byteLength
        controller.enqueue(value)
      } catch (error) {
        end("failed", error)
        // No reason: Bun would print a stack trace for one (the log line has it).
        controller.error()
      }
    },
    cancel: async (reason) => {
      end("cancelled")
      await reader.cancel(reason)
    },
  })
}

const addUsage = (ctx: ProxyContext, usage: Usage) => {
  ctx.stats.usage.input += usage.input ?? 0
  ctx.stats.usage.output += usage.output ?? 0
  ctx.stats.usage.cacheRead += usage.cacheRead ?? 0
  ctx.stats.usage.cacheWrite += usage.cacheWrite ?? 0
}

/** Writes the request's log line, once its response has ended (or it failed before one). */
const finish = (ctx: ProxyContext, trace: Trace, error: unknown, response: { status: number; usage: Usage; outcome?: string } | undefined) => {
  if (ctx.log === undefined) return
  const c = trace.compression
  const status = response?.status ?? 500
  const usage = response?.usage
  const entry: RequestLogEntry = {
    ts: new Date().toISOString(),
    id: trace.id,
    method: trace.method,
    path: trace.path,
    ...(trace.api === undefined ? {} : { api: trace.api }),
    ...(trace.model === undefined ? {} : { model: trace.model }),
    ...(trace.stream === undefined ? {} : { stream: trace.stream }),
    status,
    outcome: response?.outcome ?? (error === undefined ? "completed" : "refused"),
    ...(trace.bypass === true ? { bypass: true } : {}),
    ...(c === undefined
      ? {}
      : {
          tool_results: c.toolResults,
          compressed: c.compressed,
          tokens_before: c.tokensBefore,
          tokens_after: c.tokensAfter,
          tokens_saved: c.tokensBefore - c.tokensAfter,
          transforms: c.transforms,
          ccr_hashes: c.hashes,
        }),
    ...(usage === undefined || Object.keys(usage).length === 0 ? {} : { usage: { ...usage } }),
    timings_ms: {
      ...(trace.compressMs === undefined ? {} : { compress: round(trace.compressMs) }),
      ...(trace.headersMs === undefined ? {} : { upstream_headers: round(trace.headersMs) }),
      total: round(performance.now() - trace.started),
    },
    ...(trace.errors.length === 0 && error === undefined ? {} : { errors: [...trace.errors, ...(error === undefined ? [] : [describe(error)])] }),
    ...(trace.forwarded === undefined ? {} : { body: trace.forwarded }),
  }
  ctx.log.write(entry)
}

const round = (ms: number) => Math.round(ms * 100) / 100

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error).split("\n")[0]!)
