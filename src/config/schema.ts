import { ENCODINGS } from "../tokens/index.ts"
import { STRATEGIES } from "../sdk/stage.ts"
import {
  boolean,
  choice,
  duration,
  numberBetween,
  oneOrList,
  path,
  positiveNumber,
  regex,
  size,
  text,
  wholeNumber,
  markerVerb,
  url,
  type ValueType,
} from "./values.ts"

/** One setting of headroom-config.yaml: validation, `config show` and the docs all read this. */
export interface SettingSpec<T> {
  readonly type: ValueType<T>
  readonly description: string
  /** The default, as `config show` and the docs print it. */
  readonly shownDefault: string
  /** Environment variable that sets it. */
  readonly env?: string
  /** Command-line flag that sets it. */
  readonly flag?: string
  /** A credential: `config show` says whether it is set, never what it is. */
  readonly secret?: true
  /**
   * Lists given in several places add up (user file, project file, environment, flags, in that
   * order) instead of the highest one replacing the others.
   */
  readonly accumulates?: true
}

/** Tools whose results must reach the model exactly: Claude Code's and common file tools. */
export const DEFAULT_EXCLUDED_TOOLS: ReadonlyArray<string> = ["Read", "Edit", "MultiEdit", "Write", "NotebookEdit", "Glob", "read_file", "write_file", "edit_file"]

const setting = <T>(spec: SettingSpec<T>): SettingSpec<T> => spec

/**
 * Every setting, by its key in the file (`store.ttl` is `ttl:` under `store:`). Precedence:
 * flags > environment > project file > user file > defaults.
 */
export const SETTINGS = {
  strategy: setting({
    type: choice(STRATEGIES),
    description: "how much detail to trade for savings",
    shownDefault: "balanced",
    env: "HEADROOM_STRATEGY",
    flag: "--strategy",
  }),
  max_tokens: setting({
    type: wholeNumber(1),
    description: "token budget per input: the least informative content goes first until it fits",
    shownDefault: "none",
    env: "HEADROOM_MAX_TOKENS",
    flag: "--max-tokens",
  }),
  lossless: setting({
    type: boolean,
    description: "drop nothing: only rewrites that decode back exactly",
    shownDefault: "false",
    env: "HEADROOM_LOSSLESS",
    flag: "--lossless",
  }),
  keep: setting({
    type: oneOrList(regex()),
    description: "regexes: lines, JSON items and matches that match are always kept",
    shownDefault: "[]",
    flag: "--keep",
    accumulates: true,
  }),
  keep_symbols: setting({
    type: oneOrList(text),
    description: "functions, methods or classes whose whole body is kept in code",
    shownDefault: "[]",
    flag: "--keep-symbol",
    accumulates: true,
  }),
  encoding: setting({
    type: choice(ENCODINGS),
    description: "tokenizer to count with",
    shownDefault: "o200k_base (or the model's)",
    env: "HEADROOM_ENCODING",
    flag: "--encoding",
  }),
  model: setting({
    type: text,
    description: "count tokens as for this model; rules can match on it",
    shownDefault: "none",
    env: "HEADROOM_MODEL",
    flag: "--model",
  }),
  "store.enabled": setting({
    type: boolean,
    description: "keep originals so that markers can be redeemed (`headroom retrieve`)",
    shownDefault: "true",
    env: "HEADROOM_STORE",
    flag: "--no-store",
  }),
  "store.home": setting({
    type: path,
    description: "directory of the originals store (headroom.db)",
    shownDefault: "~/.headroom",
    env: "HEADROOM_HOME",
  }),
  "store.ttl": setting({
    type: duration,
    description: "how long originals are kept",
    shownDefault: "7d",
    env: "HEADROOM_STORE_TTL",
  }),
  "store.max_mb": setting({
    type: positiveNumber,
    description: "size limit of the store in megabytes (oldest originals go first)",
    shownDefault: "1024",
    env: "HEADROOM_STORE_MAX_MB",
  }),
  disable: setting({
    type: oneOrList(text),
    description: "stages or plugins switched off everywhere",
    shownDefault: "[]",
    accumulates: true,
  }),
  plugins: setting({
    type: oneOrList(path, ":"),
    description: "plugin files to load (relative to the file naming them; `:`-separated in the environment)",
    shownDefault: "[]",
    env: "HEADROOM_PLUGINS",
    flag: "--plugin",
    accumulates: true,
  }),
  plugin_timeout_ms: setting({
    type: wholeNumber(1),
    description: "a plugin call taking longer is abandoned (the block passes on unchanged)",
    shownDefault: "5000",
    env: "HEADROOM_PLUGIN_TIMEOUT_MS",
    flag: "--plugin-timeout-ms",
  }),
  "batch.jobs": setting({
    type: wholeNumber(1),
    description: "files compressed at once by compress-batch",
    shownDefault: "the number of cores",
    env: "HEADROOM_JOBS",
    flag: "--jobs",
  }),
  "batch.max_file_size": setting({
    type: size,
    description: "compress-batch skips (and reports) larger files",
    shownDefault: "none",
    flag: "--max-file-size",
  }),
  "batch.max_savings": setting({
    type: numberBetween(0, 100),
    description: "at most this percentage of a file's tokens may be removed",
    shownDefault: "none",
    flag: "--max-savings",
  }),
  "proxy.host": setting({
    type: text,
    description: "address the proxy listens on (a non-loopback one needs auth_token or --allow-unauthenticated)",
    shownDefault: "127.0.0.1",
    env: "HEADROOM_HOST",
    flag: "--host",
  }),
  "proxy.port": setting({
    type: wholeNumber(0),
    description: "port the proxy listens on (0: any free port)",
    shownDefault: "8787",
    env: "HEADROOM_PORT",
    flag: "--port",
  }),
  "proxy.anthropic_url": setting({
    type: url,
    description: "Anthropic API base URL, without /v1",
    shownDefault: "https://api.anthropic.com",
    env: "HEADROOM_ANTHROPIC_URL",
    flag: "--anthropic-url",
  }),
  "proxy.openai_url": setting({
    type: url,
    description: "OpenAI-compatible API base URL, with /v1 (OpenAI, OpenRouter, a local model server)",
    shownDefault: "https://api.openai.com/v1",
    env: "HEADROOM_OPENAI_URL",
    flag: "--openai-url",
  }),
  "proxy.auth_token": setting({
    type: text,
    description: "clients must send it in x-headroom-token",
    shownDefault: "none",
    env: "HEADROOM_PROXY_TOKEN",
    flag: "--auth-token",
    secret: true,
  }),
  "proxy.allow_unauthenticated": setting({
    type: boolean,
    description: "listen on a non-loopback address without auth_token",
    shownDefault: "false",
    flag: "--allow-unauthenticated",
  }),
  "proxy.optimize": setting({
    type: boolean,
    description: "compress tool results (false: pure passthrough)",
    shownDefault: "true",
    env: "HEADROOM_OPTIMIZE",
    flag: "--no-optimize",
  }),
  "proxy.exclude_tools": setting({
    type: oneOrList(text, ","),
    description: "tools whose results are passed on exactly (file reads and edits); replaces the default list",
    shownDefault: DEFAULT_EXCLUDED_TOOLS.join(", "),
    env: "HEADROOM_EXCLUDE_TOOLS",
    flag: "--exclude-tool",
  }),
  "proxy.marker_verb": setting({
    type: markerVerb,
    description: "what markers tell the model to run to get an original back: `<verb> <hash>`",
    shownDefault: "headroom retrieve",
    env: "HEADROOM_MARKER_VERB",
    flag: "--marker-verb",
  }),
  "proxy.timeout": setting({
    type: duration,
    description: "an upstream that sends no response headers, or no bytes of a stream, for this long gets 504",
    shownDefault: "10m",
    env: "HEADROOM_PROXY_TIMEOUT",
    flag: "--timeout",
  }),
  "proxy.max_body": setting({
    type: size,
    description: "larger request bodies get 413",
    shownDefault: "50MB",
    env: "HEADROOM_MAX_BODY",
    flag: "--max-body",
  }),
  "proxy.log_file": setting({
    type: path,
    description: "JSON line per request: ids, model, tokens, transforms, timings, status (never auth headers)",
    shownDefault: "none",
    env: "HEADROOM_LOG_FILE",
    flag: "--log-file",
  }),
  "proxy.log_bodies": setting({
    type: boolean,
    description: "also log request bodies as forwarded (they may hold secrets)",
    shownDefault: "false",
    flag: "--log-bodies",
  }),
} as const

export type SettingKey = keyof typeof SETTINGS
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never

export const SETTING_KEYS = Object.keys(SETTINGS) as ReadonlyArray<SettingKey>

/** Keys allowed at the top of a config file, and under each section (`store:`, `batch:`). */
export const TOP_LEVEL_KEYS: ReadonlyArray<string> = [...new Set(SETTING_KEYS.map((k) => k.split(".")[0]!)), "rules"]
export const sectionKeys = (section: string): ReadonlyArray<string> =>
  SETTING_KEYS.filter((k) => k.startsWith(`${section}.`)).map((k) => k.slice(section.length + 1))
