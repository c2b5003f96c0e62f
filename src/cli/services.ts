import { Effect, Layer } from "effect"
import { DisabledStore, OriginalsStore } from "../store/index.ts"
import { storeSettings } from "../store/settings.ts"
import { SqliteStoreLayer } from "../store/sqlite.ts"
import { TokenizerLayer, encodingForModel, type EncodingName } from "../tokens/index.ts"
import { SettingsError } from "./errors.ts"

export interface ServiceOptions {
  readonly encoding?: EncodingName
  readonly model?: string
  readonly store: boolean
  readonly env: Record<string, string | undefined>
}

/** The services a command runs with: a tokenizer and the originals store (or none). */
export const servicesLayer = (options: ServiceOptions) => {
  const fromModel = options.model === undefined ? undefined : encodingForModel(options.model)
  const tokenizer = TokenizerLayer(options.encoding ?? fromModel?.encoding ?? "o200k_base", fromModel?.approximate ?? false)
  if (!options.store) return Layer.merge(tokenizer, DisabledStore)
  const settings = storeSettings(options.env)
  const store =
    "error" in settings
      ? Layer.effect(OriginalsStore, Effect.fail(new SettingsError({ message: settings.error })))
      : SqliteStoreLayer(settings)
  return Layer.merge(tokenizer, store)
}
