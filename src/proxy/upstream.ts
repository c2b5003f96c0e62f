/**
 * Where each request goes and which headers travel with it. Everything the client sent reaches
 * the provider (credentials, `anthropic-beta`, `anthropic-version`, unknown headers) except
 * hop-by-hop headers and headroom's own.
 */

export interface Upstreams {
  /** Without /v1: clients of Anthropic's API add it themselves. */
  readonly anthropic: string
  /** With /v1 (or whatever an OpenAI-compatible server puts there). */
  readonly openai: string
}

/** Anthropic's paths; every other /v1 path belongs to the OpenAI-compatible upstream. */
export const isAnthropicPath = (path: string): boolean => path === "/v1/messages" || path.startsWith("/v1/messages/") || path === "/v1/complete"

/** The upstream URL for a `/v1/...` path and its query string. */
export const upstreamUrl = (upstreams: Upstreams, path: string, search: string): string =>
  isAnthropicPath(path) ? `${upstreams.anthropic}${path}${search}` : `${upstreams.openai}${path.slice("/v1".length)}${search}`

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  // Recomputed for the body actually sent.
  "content-length",
  // Bun's fetch asks for the encodings it can decode itself, and decodes them.
  "accept-encoding",
])

/** The client's headers as the upstream should get them. */
export const requestHeaders = (incoming: Headers): Headers => {
  const out = new Headers()
  incoming.forEach((value, name) => {
    if (HOP_BY_HOP.has(name) || name.startsWith("x-headroom-")) return
    out.append(name, value)
  })
  return out
}

/**
 * The upstream's response headers as the client should get them. Bun's fetch has already
 * decoded a compressed body, so its content-encoding and length no longer describe what we send.
 */
export const responseHeaders = (upstream: Headers): Headers => {
  const out = new Headers()
  upstream.forEach((value, name) => {
    if (name === "content-encoding" || name === "content-length" || name === "transfer-encoding" || name === "connection" || name === "keep-alive") return
    out.append(name, value)
  })
  return out
}

/**
 * One upstream call's cancellation: the client going away, the timeout passing before headers
 * arrive or between two chunks of a stream, or the proxy shutting down all abort it.
 */
export class UpstreamCall {
  readonly controller = new AbortController()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** Last sign of life; the timer re-arms from it rather than being reset on every chunk. */
  private lastActivity = performance.now()
  private finished = false
  timedOut = false

  constructor(
    private readonly timeoutMs: number,
    client: AbortSignal,
  ) {
    if (client.aborted) this.controller.abort(client.reason)
    else client.addEventListener("abort", () => this.controller.abort(client.reason), { once: true })
    this.arm(timeoutMs)
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Headers or a chunk arrived: the timeout counts from now. */
  touch(): void {
    this.lastActivity = performance.now()
  }

  done(): void {
    this.finished = true
    clearTimeout(this.timer)
  }

  private arm(ms: number): void {
    this.timer = setTimeout(() => {
      if (this.finished) return
      const idle = performance.now() - this.lastActivity
      if (idle < this.timeoutMs) return this.arm(this.timeoutMs - idle)
      this.timedOut = true
      this.controller.abort(new Error(`no answer from upstream within ${Math.round(this.timeoutMs / 1000)} s`))
    }, ms)
  }

  /** The upstream body with the timeout restarted on every chunk and stopped at the end. */
  watch(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
    const reader = body.getReader()
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        try {
          const { done, value } = await reader.read()
          if (done) {
            this.done()
            controller.close()
            return
          }
          this.touch()
          controller.enqueue(value)
        } catch (error) {
          this.done()
          controller.error(error)
        }
      },
      cancel: async (reason) => {
        this.done()
        await reader.cancel(reason)
      },
    })
  }
}
