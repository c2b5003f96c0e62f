import { Effect, Layer } from "effect"
import { encodeLossless } from "../io/utf8.ts"
import { OriginalsStore, type Original, type OriginalsStoreShape } from "./index.ts"

/**
 * `layer`'s store with writes done just after the caller moves on: the proxy forwards a
 * compressed request without waiting on the disk, and the originals land a moment later. Reads
 * see pending writes, so a marker is redeemable from the instant it exists; closing the layer
 * flushes what is left.
 */
export const WriteBehindStoreLayer = <E, R>(layer: Layer.Layer<OriginalsStore, E, R>) =>
  Layer.effect(
    OriginalsStore,
    Effect.gen(function* () {
      const store = yield* OriginalsStore
      const pending = new Map<string, Original>()
      let scheduled = false
      // A failed write loses only these originals, as a failed synchronous write would.
      const flush = Effect.suspend(() => {
        scheduled = false
        const batch = [...pending.values()]
        pending.clear()
        return batch.length === 0 ? Effect.void : Effect.ignore(store.put(batch))
      })
      yield* Effect.addFinalizer(() => flush)
      const shape: OriginalsStoreShape = {
        enabled: store.enabled,
        put: (originals) =>
          Effect.sync(() => {
            for (const o of originals) pending.set(o.hash, o)
            if (!scheduled && pending.size > 0) {
              scheduled = true
              setImmediate(() => Effect.runFork(flush))
            }
          }),
        get: (hashOrPrefix) => {
          const prefix = hashOrPrefix.toLowerCase()
          for (const o of pending.values()) {
            if (o.hash.startsWith(prefix)) {
              return Effect.succeed({ hash: o.hash, bytes: o.bytes ?? encodeLossless(o.text), kind: o.kind ?? null, createdAt: Date.now() })
            }
          }
          return store.get(hashOrPrefix)
        },
      }
      return OriginalsStore.of(shape)
    }),
  ).pipe(Layer.provide(layer))
