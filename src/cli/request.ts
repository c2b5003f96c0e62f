import type { Config } from "../config/index.ts"
import type { CompressRequest, PluginStages } from "../pipeline/stream.ts"
import type { TokenReport } from "../pipeline/block.ts"
import type { ContentKind } from "../sdk/block.ts"

/** What one input adds to the run's configuration. */
export interface InputFacts {
  /** As the user named it ("-" or undefined for standard input); rules match on it. */
  readonly path?: string
  /** Size of the whole input when known up front, for `size_*`/`tokens_*` rule conditions. */
  readonly bytes?: number
  /** Tool whose output this is (proxy), for `tool` rule conditions. */
  readonly tool?: string
  /** Forced kind (`--type`). */
  readonly kind?: ContentKind
  readonly force?: boolean
  readonly counts?: TokenReport
}

/**
 * The pipeline request for one input under a loaded configuration: every command that
 * compresses (compress, compress-batch, rules test, the proxy) builds its requests here, so the
 * same input and configuration always make the same request.
 */
export const compressRequestFor = (config: Config, input: InputFacts, plugins?: PluginStages): CompressRequest => {
  const s = config.settings
  const model = s.model
  return {
    strategy: s.strategy,
    ...(s.maxTokens === undefined ? {} : { maxTokens: s.maxTokens }),
    options: { lossless: s.lossless, keepSymbols: s.keepSymbols, keepPatterns: s.keep },
    ...(input.kind === undefined ? {} : { kind: input.kind }),
    ...(input.path === undefined || input.path === "-" ? {} : { path: input.path }),
    ...(input.force === undefined ? {} : { force: input.force }),
    ...(input.counts === undefined ? {} : { counts: input.counts }),
    rules: config.rules,
    pinned: config.pinned,
    disabled: s.disable,
    ...(plugins === undefined ? {} : { plugins }),
    ...(s.maxSavings === undefined ? {} : { maxSavings: s.maxSavings }),
    subject: {
      ...(input.tool === undefined ? {} : { tool: input.tool }),
      ...(model === undefined ? {} : { model }),
      ...(input.bytes === undefined ? {} : { bytes: input.bytes }),
    },
  }
}
