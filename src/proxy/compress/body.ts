import { Effect } from "effect"
import { applyEdits, locateValues, type Edit } from "../body/json-spans.ts"
import type { ApiShape } from "../providers/api.ts"
import { ToolResultCompressor } from "./tool-results.ts"

/** What compressing one request body did. */
export interface BodyCompression {
  /** The body to forward; undefined when nothing changed (the client's own bytes go). */
  readonly text: string | undefined
  readonly toolResults: number
  readonly compressed: number
  /** Tokens of the tool results considered, before and after. */
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly transforms: ReadonlyArray<string>
  readonly hashes: ReadonlyArray<string>
  /** Failures inside compression; each left its tool result as it was. */
  readonly errors: ReadonlyArray<string>
}

/**
 * Compresses the tool results of a request body and writes each one back into the client's
 * own JSON text: only those string values change, every other byte stays as the client sent it.
 */
export const compressBody = Effect.fn("ProxyBody.compress")(function* (api: ApiShape, text: string, body: unknown, model: string | undefined) {
  const compressor = yield* ToolResultCompressor
  const results = api.toolResults(body).filter((r) => !compressor.excluded(r.tool))
  const changed: Array<{ path: ReadonlyArray<string | number>; text: string }> = []
  const transforms = new Set<string>()
  const hashes = new Set<string>()
  const errors: Array<string> = []
  let tokensBefore = 0
  let tokensAfter = 0
  for (const result of results) {
    const outcome = yield* compressor.compress(result, model)
    tokensBefore += outcome.tokensBefore
    tokensAfter += outcome.tokensAfter
    if (outcome.error !== undefined) errors.push(`${result.tool ?? "tool"} result: ${outcome.error}`)
    if (outcome.text === undefined) continue
    changed.push({ path: result.path, text: outcome.text })
    for (const t of outcome.transforms) transforms.add(t)
    for (const h of outcome.hashes) hashes.add(h)
  }
  const summary = { toolResults: results.length, tokensBefore, tokensAfter, transforms: [...transforms], hashes: [...hashes], errors }
  if (changed.length === 0) return { ...summary, text: undefined, compressed: 0 }
  const spans = locateValues(
    text,
    changed.map((c) => c.path),
  )
  const edits: Array<Edit> = []
  for (const [i, span] of spans.entries()) {
    if (span === undefined) throw new Error(`tool result at ${JSON.stringify(changed[i]!.path)} not found in the body`)
    edits.push({ ...span, text: JSON.stringify(changed[i]!.text) })
  }
  return { ...summary, text: applyEdits(text, edits), compressed: changed.length }
})
