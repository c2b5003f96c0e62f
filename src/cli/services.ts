import { join } from "node:path"
import { Layer } from "effect"
import type { Config } from "../config/index.ts"
import { DisabledStore } from "../store/index.ts"
import { SqliteStoreLayer } from "../store/sqlite.ts"
import { WriteBehindStoreLayer } from "../store/write-behind.ts"
import { TokenizerLayer, encodingForModel } from "../tokens/index.ts"

/**
 * The services a command runs with under `config`: a tokenizer and the originals store (or none).
 * `writeBehind` keeps store writes off the caller's path (the proxy's requests).
 */
export const configServices = (config: Config, options: { readonly writeBehind?: boolean } = {}) => {
  const { encoding, model, store } = config.settings
  const fromModel = model === undefined ? undefined : encodingForModel(model)
  const tokenizer = TokenizerLayer(encoding ?? fromModel?.encoding ?? "o200k_base", fromModel?.approximate ?? false)
  if (!store.enabled) return Layer.merge(tokenizer, DisabledStore)
  const sqlite = SqliteStoreLayer({ path: join(store.home, "headroom.db"), ttlMs: store.ttlMs, maxBytes: store.maxBytes })
  return Layer.merge(tokenizer, options.writeBehind === true ? WriteBehindStoreLayer(sqlite) : sqlite)
}
