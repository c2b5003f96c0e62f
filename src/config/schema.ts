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
  /**
   * Lists given in several places add up (user file, project file, environment, flags, in that
   * order) instead of the highest one replacing the others.
   */
  readonly accumulates?: true
}

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
} as const

export type SettingKey = keyof typeof SETTINGS
export type SettingValue<K extends SettingKey> = (typeof SETTINGS)[K] extends SettingSpec<infer T> ? T : never

export const SETTING_KEYS = Object.keys(SETTINGS) as ReadonlyArray<SettingKey>

/** Keys allowed at the top of a config file, and under each section (`store:`, `batch:`). */
export const TOP_LEVEL_KEYS: ReadonlyArray<string> = [...new Set(SETTING_KEYS.map((k) => k.split(".")[0]!)), "rules"]
export const sectionKeys = (section: string): ReadonlyArray<string> =>
  SETTING_KEYS.filter((k) => k.startsWith(`${section}.`)).map((k) => k.slice(section.length + 1))
