import { loadConfig, type FlagSettings } from "../config/index.ts"
import { STRATEGIES, type Strategy } from "../sdk/stage.ts"
import { ENCODINGS, type EncodingName } from "../tokens/index.ts"
import { flagBoolean, flagNumber, flagString, flagStrings, type FlagSpec, type ParsedArgs } from "./args.ts"

/** Flags that set a setting of the configuration, as every command that compresses takes them. */
export const STRATEGY_FLAG: FlagSpec = {
  name: "strategy",
  short: "s",
  type: "choice",
  choices: STRATEGIES,
  description: "how much detail to trade for savings (default balanced)",
}

export const MAX_TOKENS_FLAG: FlagSpec = {
  name: "max-tokens",
  short: "m",
  type: "integer",
  min: 1,
  placeholder: "N",
  description: "token budget per input: the least informative lines go first until it fits",
}

export const LOSSLESS_FLAG: FlagSpec = {
  name: "lossless",
  type: "boolean",
  description: "drop nothing: only rewrites that decode back exactly (JSON tables; see headroom expand)",
}

export const KEEP_FLAG: FlagSpec = {
  name: "keep",
  short: "k",
  type: "string",
  placeholder: "REGEX",
  repeatable: true,
  description: "always keep lines, JSON items and matches that match REGEX (repeatable)",
}

export const KEEP_SYMBOL_FLAG: FlagSpec = {
  name: "keep-symbol",
  type: "string",
  placeholder: "NAME",
  repeatable: true,
  description: "keep the whole body of this function, method or class in code (repeatable)",
}

export const NO_STORE_FLAG: FlagSpec = { name: "no-store", type: "boolean", description: "do not keep originals; markers then carry no retrieve hash" }

export const ENCODING_FLAG: FlagSpec = { name: "encoding", type: "choice", choices: ENCODINGS, description: "tokenizer to count with (default o200k_base)" }

export const MODEL_FLAG: FlagSpec = {
  name: "model",
  type: "string",
  placeholder: "NAME",
  description: "count tokens as for this model (Claude models are estimated with o200k_base)",
}

export const JOBS_FLAG: FlagSpec = { name: "jobs", short: "j", type: "integer", min: 1, placeholder: "N", description: "worker threads (default: one per core)" }

/** Flags every command that reads the configuration takes. */
export const CONFIG_FLAG: FlagSpec = {
  name: "config",
  type: "string",
  placeholder: "FILE",
  description: "read settings and rules from FILE instead of ./headroom-config.yaml ($HEADROOM_CONFIG)",
}

export const PLUGIN_FLAG: FlagSpec = {
  name: "plugin",
  type: "string",
  placeholder: "PATH",
  repeatable: true,
  description: "load the plugin at PATH (a .ts or .js file; repeatable)",
}

export const MAX_SAVINGS_FLAG: FlagSpec = {
  name: "max-savings",
  type: "integer",
  min: 0,
  placeholder: "P",
  description: "remove at most P% of an input's tokens (a gentler strategy, else the original)",
}

/** The settings a command line gives, for `loadConfig` (absent flags stay absent). */
export const flagSettings = (args: ParsedArgs): FlagSettings => {
  const given = <A>(name: string, value: A | undefined) => (args.flags.has(name) && value !== undefined ? value : undefined)
  const settings: Record<string, unknown> = {
    strategy: given("strategy", flagString(args, "strategy") as Strategy | undefined),
    maxTokens: flagNumber(args, "max-tokens"),
    lossless: args.flags.has("lossless") ? flagBoolean(args, "lossless") : undefined,
    keep: args.flags.has("keep") ? flagStrings(args, "keep") : undefined,
    keepSymbols: args.flags.has("keep-symbol") ? flagStrings(args, "keep-symbol") : undefined,
    encoding: flagString(args, "encoding") as EncodingName | undefined,
    model: flagString(args, "model"),
    // --no-store parses as the flag "no-store" set to true.
    store: args.flags.get("no-store") === true ? false : undefined,
    plugins: args.flags.has("plugin") ? flagStrings(args, "plugin") : undefined,
    jobs: flagNumber(args, "jobs"),
    maxSavings: flagNumber(args, "max-savings"),
  }
  return Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) as FlagSettings
}

/** `--config FILE`, when given. */
export const configPath = (args: ParsedArgs): string | undefined => flagString(args, "config")

/** The configuration a command line asks for: its setting flags and `--config`, from the working directory. */
export const loadCommandConfig = (args: ParsedArgs, env: Record<string, string | undefined>) => {
  const file = configPath(args)
  return loadConfig({ cwd: process.cwd(), env, flags: flagSettings(args), ...(file === undefined ? {} : { configPath: file }) })
}
