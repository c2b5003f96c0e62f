import { join } from "node:path"
import { Layer } from "effect"
import type { Config } from "../config/index.ts"
import { DisabledStore } from "../store/index.ts"
import { SqliteStoreLayer } from "../store/sqlite.ts"
import { TokenizerLayer, encodingForModel } from "../tokens/index.ts"

/** The services a command runs with under `config`: a tokenizer and the originals store (or none). */
export const configServices = (config: Config) => {
  const { encoding, model, store } = config.settings
  const fromModel = model === undefined ? undefined : encodingForModel(model)
  const tokenizer = TokenizerLayer(encoding ?? fromModel?.encoding ?? "o200k_base", fromModel?.approximate ?? false)
  if (!store.enabled) return Layer.merge(tokenizer, DisabledStore)
  return Layer.merge(tokenizer, SqliteStoreLayer({ path: join(store.home, "headroom.db"), ttlMs: store.ttlMs, maxBytes: store.maxBytes }))
}
