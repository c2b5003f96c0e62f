import { Data, Effect, Layer } from "effect"
import type { Config } from "../config/index.ts"
import { configServices } from "../cli/services.ts"
import type { Plugins } from "../plugins/index.ts"
import { createProxyApp } from "./app.ts"
import { ToolResultCompressorLayer } from "./compress/tool-results.ts"
import type { ProxyContext } from "./context.ts"
import { RequestLog } from "./request-log.ts"
import { ProxyStats } from "./stats.ts"

/** The proxy could not start: a message that says what to do. */
export class ProxyStartError extends Data.TaggedError("ProxyStartError")<{ readonly message: string }> {}

export interface RunningProxy {
  /** `http://host:port`, as clients should be pointed at it. */
  readonly url: string
  readonly port: number
  readonly context: ProxyContext
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i

/**
 * Starts the proxy under `config` and keeps it running until the scope closes. Refuses to listen
 * beyond loopback without a token unless told to, and says what to do when the port is taken.
 */
export const startProxy = (config: Config, plugins: Plugins | undefined) =>
  Effect.gen(function* () {
    const settings = config.settings.proxy
    if (!LOOPBACK.test(settings.host) && settings.authToken === undefined && !settings.allowUnauthenticated) {
      return yield* new ProxyStartError({
        message: `refusing to listen on ${settings.host} without a token: anyone who can reach it could spend your API keys. Set one with --auth-token (or HEADROOM_PROXY_TOKEN) and have clients send it in x-headroom-token, or pass --allow-unauthenticated if the network is yours alone`,
      })
    }
    const services = yield* Layer.build(ToolResultCompressorLayer(config, plugins?.stages).pipe(Layer.provideMerge(configServices(config, { writeBehind: true }))))
    const log = settings.logFile === undefined ? undefined : new RequestLog(settings.logFile, settings.logBodies)
    if (log !== undefined) yield* Effect.addFinalizer(() => Effect.sync(() => log.close()))
    const context: ProxyContext = {
      settings,
      upstreams: { anthropic: settings.anthropicUrl, openai: settings.openaiUrl },
      stats: new ProxyStats(),
      log,
      services,
      hooks: { request: plugins?.requestHooks ?? [], responseEvent: plugins?.responseEventHooks ?? [] },
    }
    const app = createProxyApp(context)
    const server = yield* Effect.try({
      try: () =>
        Bun.serve({
          hostname: settings.host,
          port: settings.port,
          // Streams may sit quiet for minutes while a model thinks; the upstream timeout governs.
          idleTimeout: 0,
          // The proxy enforces its own limit, answered in the API's error shape.
          maxRequestBodySize: Number.MAX_SAFE_INTEGER,
          fetch: app.fetch,
        }),
      catch: (error) => new ProxyStartError({ message: listenFailure(error, settings.host, settings.port) }),
    })
    yield* Effect.addFinalizer(() => Effect.promise(() => server.stop(true)))
    const host = settings.host.includes(":") && !settings.host.startsWith("[") ? `[${settings.host}]` : settings.host
    return { url: `http://${host}:${server.port}`, port: server.port!, context } satisfies RunningProxy
  })

const listenFailure = (error: unknown, host: string, port: number): string => {
  const code = (error as { code?: string }).code
  const text = error instanceof Error ? error.message : String(error)
  if (code === "EADDRINUSE" || /in use/i.test(text)) {
    return `port ${port} on ${host} is already in use (another headroom proxy?). Stop whatever holds it (e.g. \`lsof -i :${port}\`), or choose another port: headroom proxy --port ${port + 1} (--port 0 picks a free one)`
  }
  if (code === "EACCES" || /permission/i.test(text)) {
    return `not allowed to listen on ${host}:${port} (ports below 1024 need privileges): choose another port, e.g. --port 8787`
  }
  if (code === "EADDRNOTAVAIL") return `${host} is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its own addresses`
  return `cannot listen on ${host}:${port}: ${text}`
}
