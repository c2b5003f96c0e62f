import { Effect } from "effect"
import { loadConfig, type ProxyFlags } from "../../../config/index.ts"
import { startProxy } from "../../../proxy/server.ts"
import { flagNumber, flagString, flagStrings, type ParsedArgs } from "../../args.ts"
import { configPath, flagSettings } from "../../config-flags.ts"
import { EXIT } from "../../errors.ts"
import { loadRunPlugins } from "../../plugins.ts"

/** The proxy's own flags, as settings (absent flags stay absent so the config file can set them). */
export const proxyFlags = (args: ParsedArgs): ProxyFlags => {
  const flags: Record<string, unknown> = {
    host: flagString(args, "host"),
    port: flagNumber(args, "port"),
    anthropicUrl: flagString(args, "anthropic-url"),
    openaiUrl: flagString(args, "openai-url"),
    authToken: flagString(args, "auth-token"),
    allowUnauthenticated: args.flags.get("allow-unauthenticated") === true ? true : undefined,
    optimize: args.flags.get("no-optimize") === true ? false : undefined,
    excludeTools: args.flags.has("exclude-tool") ? flagStrings(args, "exclude-tool") : undefined,
    markerVerb: flagString(args, "marker-verb"),
    timeout: flagString(args, "timeout"),
    maxBody: flagString(args, "max-body"),
    logFile: flagString(args, "log-file"),
    logBodies: args.flags.get("log-bodies") === true ? true : undefined,
  }
  return Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as ProxyFlags
}

/** Runs the proxy until SIGINT or SIGTERM, then stops it cleanly (exit 0). */
export const runProxy = (args: ParsedArgs, env: Record<string, string | undefined>) =>
  Effect.scoped(
    Effect.gen(function* () {
      const file = configPath(args)
      const config = yield* loadConfig({
        cwd: process.cwd(),
        env,
        flags: { ...flagSettings(args), proxy: proxyFlags(args) },
        ...(file === undefined ? {} : { configPath: file }),
      })
      const plugins = yield* loadRunPlugins(config, env)
      const running = yield* startProxy(config, plugins)
      const s = config.settings.proxy
      process.stderr.write(
        `headroom proxy listening on ${running.url} (anthropic → ${s.anthropicUrl}, openai → ${s.openaiUrl}; ${s.optimize ? `compressing tool results, ${config.settings.strategy}` : "passthrough: --no-optimize"}${s.logFile === undefined ? "" : `; log ${s.logFile}`})\n`,
      )
      yield* Effect.promise(
        () =>
          new Promise<void>((resolve) => {
            // The CLI's own SIGINT handler exits 130 for interrupted writes; a proxy has none.
            process.removeAllListeners("SIGINT")
            process.once("SIGINT", () => resolve())
            process.once("SIGTERM", () => resolve())
          }),
      )
      process.stderr.write("headroom: proxy stopped\n")
      return EXIT.ok as number
    }),
  )
