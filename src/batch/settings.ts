import { Effect } from "effect"
import { compressRequestFor } from "../cli/request.ts"
import { loadConfig, type Config, type ConfigError } from "../config/index.ts"
import type { CompressRequest } from "../pipeline/stream.ts"
import { loadPlugins, type Plugins } from "../plugins/index.ts"
import { VERSION } from "../version.ts"
import type { WorkerSetup } from "./protocol.ts"

/** The settings of one batch, the same on the main thread and on every worker. */
export interface BatchSettings {
  readonly config: Config
  /** The request for one file; it depends on nothing but the file's path, size and the settings. */
  readonly requestFor: (file: { readonly source: string; readonly size: number }) => CompressRequest
  /** Plugins left out (untrusted, failed to load…), one line each. */
  readonly warnings: ReadonlyArray<string>
  /** Changes whenever something that shapes an output changes: headroom, settings, rules, plugins. */
  readonly fingerprint: string
  /** Ends the plugins' threads. */
  readonly close: () => void
}

/**
 * Loads the configuration and the plugins from what the command line and the environment gave.
 * The main thread and every worker call this with the same setup: loading is deterministic, so
 * they agree on every request and on the fingerprint.
 */
export const loadBatchSettings = (setup: WorkerSetup): Effect.Effect<BatchSettings, ConfigError> =>
  Effect.gen(function* () {
    const { cwd, env, flags, configPath } = setup
    const config = yield* loadConfig({ cwd, env, flags, ...(configPath === undefined ? {} : { configPath }) })
    const s = config.settings
    const plugins: Plugins = yield* loadPlugins({
      cwd,
      env,
      explicit: s.plugins,
      fromFlags: flags.plugins ?? [],
      timeoutMs: s.pluginTimeoutMs,
      disabled: s.disable,
    })
    return {
      config,
      requestFor: (file) => ({
        ...compressRequestFor(config, { path: file.source, bytes: file.size, force: setup.force, counts: "exact" }, plugins.stages),
        // One file per worker thread already uses every core; no second thread per stream.
        workers: false,
      }),
      warnings: plugins.warnings,
      // --force is left out: it changes only binary-looking files, which have no output without it.
      fingerprint: new Bun.CryptoHasher("sha256")
        .update(
          JSON.stringify({
            headroom: VERSION,
            config: config.fingerprint,
            // Plugins are code: their content, not their path, decides whether outputs still hold.
            plugins: plugins.plugins.map((p) => ({ name: p.name, sha256: p.hash })),
          }),
        )
        .digest("hex"),
      close: plugins.close,
    }
  })
