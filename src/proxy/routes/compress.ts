import { Effect } from "effect"
import { compressBody } from "../compress/body.ts"
import type { ProxyContext } from "../context.ts"
import { ProxyError } from "../errors.ts"
import { anthropicApi } from "../providers/anthropic.ts"
import { isObject, type ApiShape } from "../providers/api.ts"
import { openaiChatApi } from "../providers/openai-chat.ts"
import { Tokenizer } from "../../tokens/index.ts"

/** Messages in either shape: Anthropic `tool_result` blocks and OpenAI `role: "tool"` messages. */
const messagesApi: ApiShape = {
  kind: "anthropic",
  toolResults: (body) => [...anthropicApi.toolResults(body), ...openaiChatApi.toolResults(body)],
}

/**
 * `POST /v1/compress {messages, model}`: the proxy's compression without a call upstream, for
 * SDKs and scripts. Token counts are of the whole `messages` list as JSON.
 */
export const compressMessages = Effect.fn("Proxy.compressMessages")(function* (ctx: ProxyContext, request: Request) {
  const body = yield* Effect.tryPromise({
    try: () => request.json() as Promise<unknown>,
    catch: (error) => new ProxyError({ status: 400, message: `request body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` }),
  })
  if (!isObject(body)) return yield* new ProxyError({ status: 400, message: "request body must be a JSON object with messages and model" })
  if (!Array.isArray(body.messages)) return yield* new ProxyError({ status: 400, message: "messages is required: a list of chat messages" })
  if (typeof body.model !== "string" || body.model === "") return yield* new ProxyError({ status: 400, message: "model is required: the model the messages are for" })
  const text = JSON.stringify({ messages: body.messages })
  const model = body.model
  return yield* Effect.gen(function* () {
    const tokenizer = yield* Tokenizer
    const result = yield* compressBody(messagesApi, text, { messages: body.messages }, model).pipe(Effect.catchCause(() => Effect.succeed(undefined)))
    const outText = result?.text ?? text
    const before = tokenizer.count(text)
    const after = result?.text === undefined ? before : tokenizer.count(outText)
    return {
      messages: (JSON.parse(outText) as { messages: unknown }).messages,
      tokens_before: before,
      tokens_after: after,
      tokens_saved: before - after,
      compression_ratio: before === 0 ? 1 : Math.round((after / before) * 1000) / 1000,
      transforms_applied: result?.transforms ?? [],
      ccr_hashes: result?.hashes ?? [],
    }
  }).pipe(Effect.provide(ctx.services))
})
