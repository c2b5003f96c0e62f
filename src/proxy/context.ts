import type { Context } from "effect"
import type { ProxySettings } from "../config/index.ts"
import type { ProxyHook } from "../plugins/index.ts"
import type { OriginalsStore } from "../store/index.ts"
import type { Tokenizer } from "../tokens/index.ts"
import type { ToolResultCompressor } from "./compress/tool-results.ts"
import type { RequestLog } from "./request-log.ts"
import type { ProxyStats } from "./stats.ts"
import type { Upstreams } from "./upstream.ts"

/** Everything a running proxy's routes share, built once at start. */
export interface ProxyContext {
  readonly settings: ProxySettings
  readonly upstreams: Upstreams
  readonly stats: ProxyStats
  /** The `--log-file` writer. */
  readonly log: RequestLog | undefined
  /** The compression services, built once (tokenizer, store, memo). */
  readonly services: Context.Context<ToolResultCompressor | OriginalsStore | Tokenizer>
  /** Plugins' proxy hooks. */
  readonly hooks: { readonly request: ReadonlyArray<ProxyHook>; readonly responseEvent: ReadonlyArray<ProxyHook> }
}
