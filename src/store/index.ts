import { Context, Data, Effect, Layer } from "effect"
import { encodeLossless } from "../io/utf8.ts"

/** One original kept so a marker can be redeemed. */
export interface Original {
  readonly hash: string
  readonly text: string
  /** The exact bytes `text` stands for, when the caller has them (saves encoding again). */
  readonly bytes?: Uint8Array
  /** Detected kind of the block it came from, for listings. */
  readonly kind?: string
}

export interface StoredOriginal {
  readonly hash: string
  readonly bytes: Uint8Array
  readonly kind: string | null
  readonly createdAt: number
}

export class StoreError extends Data.TaggedError("StoreError")<{
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * Where originals behind markers live. Compressors never see it: they call `ctx.retain` and the
 * pipeline writes what it retained here, so a Redis or remote backend is one more Layer.
 */
export interface OriginalsStoreShape {
  /** False for `--no-store`: markers then carry no hash. */
  readonly enabled: boolean
  readonly put: (originals: ReadonlyArray<Original>) => Effect.Effect<void, StoreError>
  /** Looks up by full hash or a unique prefix of at least 12 hex digits. */
  readonly get: (hashOrPrefix: string) => Effect.Effect<StoredOriginal | undefined, StoreError>
}

export class OriginalsStore extends Context.Service<OriginalsStore, OriginalsStoreShape>()(
  "headroom/OriginalsStore",
) {}

/** `--no-store`: nothing is kept, nothing can be retrieved. */
export const DisabledStore = Layer.succeed(OriginalsStore, {
  enabled: false,
  put: () => Effect.void,
  get: () => Effect.succeed(undefined),
})

/** SHA-256 (hex) of the exact bytes `text` stands for (pass them if you have them). */
export const contentHash = (text: string, bytes?: Uint8Array): string =>
  new Bun.CryptoHasher("sha256").update(bytes ?? encodeLossless(text)).digest("hex")
