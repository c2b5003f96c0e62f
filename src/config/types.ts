import type { Rule } from "../rules/rule.ts"
import type { Strategy } from "../sdk/stage.ts"
import type { EncodingName } from "../tokens/index.ts"

/** What the command line gave; every field optional (absent = not given). */
export interface FlagSettings {
  readonly strategy?: Strategy
  readonly maxTokens?: number
  readonly lossless?: boolean
  /** `--keep` regex sources, compiled (and checked) by loadConfig. */
  readonly keep?: ReadonlyArray<string>
  readonly keepSymbols?: ReadonlyArray<string>
  readonly encoding?: EncodingName
  readonly model?: string
  /** `--no-store` gives false. */
  readonly store?: boolean
  /** `--plugin` paths, relative to the working directory. */
  readonly plugins?: ReadonlyArray<string>
  readonly pluginTimeoutMs?: number
  readonly jobs?: number
  readonly maxFileBytes?: number
  readonly maxSavings?: number
  readonly proxy?: ProxyFlags
}

/** `headroom proxy`'s flags. */
export interface ProxyFlags {
  readonly host?: string
  readonly port?: number
  readonly anthropicUrl?: string
  readonly openaiUrl?: string
  readonly authToken?: string
  readonly allowUnauthenticated?: boolean
  /** `--no-optimize` gives false. */
  readonly optimize?: boolean
  readonly excludeTools?: ReadonlyArray<string>
  readonly markerVerb?: string
  /** `--timeout`, as written (a duration). */
  readonly timeout?: string
  /** `--max-body`, as written (a size). */
  readonly maxBody?: string
  readonly logFile?: string
  readonly logBodies?: boolean
}

/** The effective settings, after flags, environment, config files and defaults. */
export interface Settings {
  readonly strategy: Strategy
  readonly maxTokens?: number
  readonly lossless: boolean
  readonly keep: ReadonlyArray<RegExp>
  readonly keepSymbols: ReadonlyArray<string>
  readonly encoding?: EncodingName
  readonly model?: string
  /** The originals store: `join(home, "headroom.db")`. */
  readonly store: { readonly enabled: boolean; readonly home: string; readonly ttlMs: number; readonly maxBytes: number }
  /** Stages or plugins switched off everywhere. */
  readonly disable: ReadonlyArray<string>
  /** Absolute paths of plugin files (flags, HEADROOM_PLUGINS, config files). */
  readonly plugins: ReadonlyArray<string>
  readonly pluginTimeoutMs: number
  readonly jobs: number
  readonly maxFileBytes?: number
  /** 0–100: at most this percentage of an input's tokens may be removed. */
  readonly maxSavings?: number
  readonly proxy: ProxySettings
}

/** `headroom proxy`. */
export interface ProxySettings {
  readonly host: string
  readonly port: number
  /** Base URLs without a trailing slash: Anthropic's without /v1, the OpenAI-compatible one with it. */
  readonly anthropicUrl: string
  readonly openaiUrl: string
  readonly authToken?: string
  readonly allowUnauthenticated: boolean
  readonly optimize: boolean
  readonly excludeTools: ReadonlyArray<string>
  readonly markerVerb: string
  readonly timeoutMs: number
  readonly maxBodyBytes: number
  readonly logFile?: string
  readonly logBodies: boolean
}

export type FileLayer = "user" | "project"

/** Where a setting's effective value came from. */
export type SettingSource =
  | { readonly kind: "default" }
  | { readonly kind: "flag"; readonly flag: string }
  | { readonly kind: "env"; readonly variable: string }
  | { readonly kind: "file"; readonly layer: FileLayer; readonly file: string; readonly line: number; readonly column: number }
  /** A list that adds up over several places, lowest precedence first. */
  | { readonly kind: "merged"; readonly from: ReadonlyArray<SettingSource> }

export interface ConfigFile {
  /** Absolute. */
  readonly path: string
  readonly layer: FileLayer
  /** As messages show it: relative to the working directory, or `~/…`. */
  readonly name: string
}

export interface Config {
  readonly settings: Settings
  /** Every setting's source, by its key in the file (`strategy`, `max_tokens`, `store.ttl`…). */
  readonly sources: ReadonlyMap<string, SettingSource>
  /** Built-in packs first, then the user file's rules, then the project file's. */
  readonly rules: ReadonlyArray<Rule>
  /** The config files loaded, user file first. */
  readonly files: ReadonlyArray<ConfigFile>
  /** Settings given by flag or environment: rules do not override them. */
  readonly pinned: ReadonlySet<"strategy" | "maxTokens">
  /**
   * sha256 (hex) of every setting that can change an output and of the text of every rule file
   * (packs and config files). Plugin files are not included.
   */
  readonly fingerprint: string
}
