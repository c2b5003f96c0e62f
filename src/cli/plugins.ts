import { Effect } from "effect"
import type { Config } from "../config/index.ts"
import { loadPlugins } from "../plugins/index.ts"

/**
 * The run's plugins under `config`, their warnings (untrusted, failed to load…) printed once on
 * stderr; their threads end with the run's scope.
 */
export const loadRunPlugins = (config: Config, env: Record<string, string | undefined>, cwd = process.cwd()) =>
  Effect.acquireRelease(
    loadPlugins({
      cwd,
      env,
      explicit: config.settings.plugins,
      timeoutMs: config.settings.pluginTimeoutMs,
      disabled: config.settings.disable,
    }),
    (plugins) => Effect.sync(() => plugins.close()),
  ).pipe(
    Effect.tap((plugins) =>
      Effect.sync(() => {
        for (const warning of plugins.warnings) process.stderr.write(`headroom: ${warning}\n`)
      }),
    ),
  )

/** The run's plugin stages (for commands that only compress). */
export const loadPluginStages = (config: Config, env: Record<string, string | undefined>) =>
  loadRunPlugins(config, env).pipe(Effect.map((plugins) => plugins.stages))
