import { timingSafeEqual } from "node:crypto"
import { Cause, Effect, Exit } from "effect"
import { Hono, type Context as HonoContext } from "hono"
import type { ProxyContext } from "./context.ts"
import { ProxyError, errorResponse, errorStyleOf } from "./errors.ts"
import { anthropicApi } from "./providers/anthropic.ts"
import type { ApiShape } from "./providers/api.ts"
import { openaiChatApi } from "./providers/openai-chat.ts"
import { openaiResponsesApi } from "./providers/openai-responses.ts"
import { compressMessages } from "./routes/compress.ts"
import { forwardRequest } from "./routes/forward.ts"
import { health, stats } from "./routes/health.ts"
import { retrieveOriginal } from "./routes/retrieve.ts"

/** Probes an orchestrator may call without the token: they say nothing but "up". */
const OPEN_PATHS = new Set(["/livez", "/readyz"])

/**
 * The proxy's routes. Every handler is an Effect whose typed ProxyError becomes a response in
 * the calling API's error shape here, in one place; a defect (a bug) becomes a 500 the same way.
 */
export const createProxyApp = (ctx: ProxyContext) => {
  const app = new Hono()

  const answer = async (c: HonoContext, effect: Effect.Effect<Response, ProxyError>): Promise<Response> => {
    const exit = await Effect.runPromiseExit(effect)
    if (Exit.isSuccess(exit)) return exit.value
    const error = Cause.squash(exit.cause)
    const failure = error instanceof ProxyError ? error : new ProxyError({ status: 500, message: `internal error: ${error instanceof Error ? error.message : String(error)}` })
    return errorResponse(errorStyleOf(c.req.path), failure)
  }

  const forward = (api: ApiShape | undefined) => (c: HonoContext) => answer(c, forwardRequest(ctx, c.req.raw, api))

  const token = ctx.settings.authToken
  if (token !== undefined) {
    const expected = Buffer.from(token)
    app.use("*", async (c, next) => {
      if (OPEN_PATHS.has(c.req.path)) return next()
      const given = Buffer.from(c.req.header("x-headroom-token") ?? "")
      if (given.length === expected.length && timingSafeEqual(given, expected)) return next()
      ctx.stats.clientErrors++
      const message = given.length === 0 ? "this proxy needs its token in the x-headroom-token header" : "wrong x-headroom-token"
      return errorResponse(errorStyleOf(c.req.path), new ProxyError({ status: 401, message }))
    })
  }

  app.get("/livez", (c) => c.json({ status: "alive" }))
  app.get("/readyz", (c) => c.json({ status: "ready" }))
  app.get("/health", (c) => c.json(health(ctx)))
  app.get("/stats", (c) => c.json(stats(ctx)))

  app.post("/v1/messages", forward(anthropicApi))
  app.post("/v1/chat/completions", forward(openaiChatApi))
  app.post("/v1/responses", forward(openaiResponsesApi))
  // Codex tries a WebSocket first; 426 is what makes it fall back to HTTP at once.
  app.get("/v1/responses", async (c) =>
    c.req.header("upgrade")?.toLowerCase() === "websocket"
      ? c.json({ error: { message: "headroom proxy: WebSocket transport is not supported; use HTTP", type: "invalid_request_error", param: null, code: "websocket_not_supported" } }, 426, { connection: "close" })
      : forward(undefined)(c),
  )

  app.post("/v1/compress", (c) => answer(c, compressMessages(ctx, c.req.raw).pipe(Effect.map((body) => Response.json(body)))))
  app.post("/v1/retrieve", (c) =>
    answer(
      c,
      Effect.tryPromise({
        try: () => c.req.json() as Promise<unknown>,
        catch: () => new ProxyError({ status: 400, message: "request body must be JSON: {\"hash\": \"<hash>[:from-to]\"}" }),
      }).pipe(
        Effect.flatMap((body) => {
          const hash = typeof body === "object" && body !== null && "hash" in body ? body.hash : undefined
          return typeof hash === "string" ? retrieveOriginal(ctx, hash) : Effect.fail(new ProxyError({ status: 400, message: "hash is required: the hash from a marker" }))
        }),
        Effect.map(({ hash, bytes }) => Response.json({ hash, content: new TextDecoder().decode(bytes) })),
      ),
    ),
  )
  app.get("/v1/retrieve/:hash", (c) =>
    answer(
      c,
      retrieveOriginal(ctx, c.req.param("hash")).pipe(
        Effect.map(({ hash, bytes }) => new Response(bytes, { headers: { "content-type": "text/plain; charset=utf-8", "x-headroom-hash": hash } })),
      ),
    ),
  )

  // Everything else under /v1 (count_tokens, models, files, batches…) passes through untouched.
  app.all("/v1/*", forward(undefined))

  app.notFound((c) =>
    errorResponse(errorStyleOf(c.req.path), new ProxyError({ status: 404, message: `no route for ${c.req.method} ${c.req.path}: the proxy serves /v1/*, /health, /stats, /livez and /readyz` })),
  )
  return app
}
