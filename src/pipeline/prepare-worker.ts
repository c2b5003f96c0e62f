/**
 * Worker thread that runs stages' `prepare` on the next segments of a long stream while the main
 * thread compresses the current one. Deterministic by construction: `prepare` is a pure function
 * of the text, so the output is the same whether it runs here or inline.
 */
import { decodeLossless } from "../io/utf8.ts"
import { PREPARERS } from "./preparers.ts"

export interface PrepareRequest {
  readonly id: number
  readonly bytes: Uint8Array
  readonly stages: ReadonlyArray<string>
}

export interface PrepareReply {
  readonly id: number
  readonly prepared?: Record<string, unknown>
  readonly error?: string
}

declare const self: Worker

// Like the main thread, collect now and then: each segment leaves megabytes of garbage.
const COLLECT_EVERY = 2
let handled = 0

self.onmessage = (event: MessageEvent<PrepareRequest>) => {
  const { id, bytes, stages } = event.data
  try {
    const text = decodeLossless(bytes)
    const prepared: Record<string, unknown> = {}
    for (const stage of stages) {
      const prepare = PREPARERS[stage]
      if (prepare !== undefined) prepared[stage] = prepare(text)
    }
    self.postMessage({ id, prepared } satisfies PrepareReply)
    if (++handled % COLLECT_EVERY === 0) Bun.gc(true)
  } catch (error) {
    self.postMessage({ id, error: String(error) } satisfies PrepareReply)
  }
}
