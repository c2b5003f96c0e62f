import { Effect } from "effect"
import { parseReference } from "../../markers/index.ts"
import { OriginalsStore } from "../../store/index.ts"
import { sliceLines } from "../../cli/commands/retrieve/lines.ts"
import type { ProxyContext } from "../context.ts"
import { ProxyError } from "../errors.ts"

/**
 * The exact original behind a marker, as `headroom retrieve` prints it: `hash` or `hash:from-to`.
 * Answered as text with the original's bytes (JSON callers get `{hash, content}`).
 */
export const retrieveOriginal = Effect.fn("Proxy.retrieve")(function* (ctx: ProxyContext, raw: string) {
  const reference = parseReference(raw)
  if (reference === undefined) {
    return yield* new ProxyError({ status: 400, message: `"${raw}" is not a marker reference: expected 12+ hex digits, optionally followed by :FROM-TO` })
  }
  const store = yield* OriginalsStore.pipe(Effect.provide(ctx.services))
  const found = yield* store.get(reference.hash).pipe(Effect.mapError((e) => new ProxyError({ status: 500, message: `the originals store failed: ${e.message}` })))
  if (found === undefined) {
    return yield* new ProxyError({ status: 404, message: `nothing is stored under ${reference.hash}: it may have expired, or been compressed with the store off` })
  }
  if (reference.range === undefined) return { hash: found.hash, bytes: found.bytes }
  const bytes = sliceLines(found.bytes, reference.range.from, reference.range.to)
  if (bytes === undefined) return yield* new ProxyError({ status: 404, message: `${reference.hash} has fewer than ${reference.range.from} lines` })
  return { hash: found.hash, bytes }
})
