import { readFileSync } from "node:fs"
import { availableParallelism } from "node:os"
import { dirname } from "node:path"
import { Effect } from "effect"
import { parseRuleFile, parseRules } from "../rules/parse.ts"
import { PACKS } from "../rules/packs.ts"
import type { Rule } from "../rules/rule.ts"
import { DEFAULT_MAX_BYTES, DEFAULT_TTL_MS, headroomHome } from "../store/settings.ts"
import { fingerprintOf } from "./fingerprint.ts"
import { discoverFiles, userHome } from "./files.ts"
import { ConfigError, inFileOrder, type ConfigIssue } from "./issues.ts"
import { DEFAULT_EXCLUDED_TOOLS, SETTING_KEYS, SETTINGS, TOP_LEVEL_KEYS, sectionKeys, type SettingKey, type SettingValue } from "./schema.ts"
import type { Config, ConfigFile, FlagSettings, ProxyFlags, ProxySettings, Settings, SettingSource } from "./types.ts"
import type { Base, ListType, ValueType } from "./values.ts"
import { entries, parseYaml, positionOf } from "./yaml.ts"

type Env = Record<string, string | undefined>

export interface LoadInput {
  readonly cwd: string
  readonly env: Env
  readonly flags: FlagSettings
  /** `--config`. */
  readonly configPath?: string
}

/** Settings from one place, by key, each with where it was written. */
type Layer = Map<SettingKey, { readonly value: unknown; readonly source: SettingSource }>

/** What one config file holds. */
export interface FileContents {
  readonly layer: Layer
  readonly rules: ReadonlyArray<Rule>
  readonly issues: ReadonlyArray<ConfigIssue>
}

/**
 * The effective configuration: flags > environment > project file > user file > defaults, and
 * the rules of the built-in packs, the user file and the project file, in that order. Any
 * problem anywhere (a missing --config file, an unknown key, a bad value) fails with every issue
 * found: headroom does not run on settings it can't read.
 */
export const loadConfig = (input: LoadInput): Effect.Effect<Config, ConfigError> =>
  Effect.suspend(() => {
    const result = readConfig(input)
    return "issues" in result ? Effect.fail(new ConfigError({ issues: result.issues })) : Effect.succeed(result)
  })

/** loadConfig without the Effect. */
export const readConfig = (input: LoadInput): Config | { readonly issues: ReadonlyArray<ConfigIssue> } => {
  const { cwd, env } = input
  const base: Base = { dir: cwd, home: userHome(env) }
  const discovered = discoverFiles(input)
  const issues: Array<ConfigIssue> = [...discovered.issues]
  const packs = packRules()
  issues.push(...packs.issues)
  const texts: Array<string> = PACKS.map((p) => p.text)
  const fileLayers: Array<Layer> = []
  const rules: Array<Rule> = [...packs.rules]
  for (const file of discovered.files) {
    const text = readConfigText(file, issues)
    if (text === undefined) continue
    texts.push(text)
    const contents = parseConfigFile(text, file, base.home)
    issues.push(...contents.issues)
    fileLayers.push(contents.layer)
    rules.push(...contents.rules)
  }
  const envLayer = readEnv(env, base, issues)
  const flagLayer = readFlags(input.flags, base, issues)
  if (issues.length > 0) return { issues }
  const { values, sources } = merge([...fileLayers, envLayer, flagLayer])
  const settings = buildSettings(values)
  const pinned = new Set<"strategy" | "maxTokens">()
  if (isPinning(sources.get("strategy"))) pinned.add("strategy")
  if (isPinning(sources.get("max_tokens"))) pinned.add("maxTokens")
  return { settings, sources, rules, files: discovered.files, pinned, fingerprint: fingerprintOf(settings, texts) }
}

/** The settings and rules of one config file; `home` expands `~/` in paths. */
export const parseConfigFile = (text: string, file: ConfigFile, home: string): FileContents => {
  const y = parseYaml(text, file.name, { dir: dirname(file.path), home })
  const layer: Layer = new Map()
  let rules: ReadonlyArray<Rule> = []
  // An empty file (or one with only comments) sets nothing.
  if (y.issues.length > 0 || y.root === null) return { layer, rules, issues: y.issues }
  const set = (key: SettingKey, node: Parameters<typeof positionOf>[1], value: unknown) => {
    layer.set(key, { value, source: { kind: "file", layer: file.layer, file: file.name, ...positionOf(y, node) } })
  }
  for (const entry of entries(y, y.root, "the config file", TOP_LEVEL_KEYS) ?? []) {
    if (entry.key === "rules") {
      rules = parseRules(y, entry.value, file.layer)
    } else if (entry.key in SETTINGS) {
      const key = entry.key as SettingKey
      const value = SETTINGS[key].type.read(y, entry.value, key)
      if (value !== undefined) set(key, entry.keyNode, value)
    } else {
      for (const sub of entries(y, entry.value, entry.key, sectionKeys(entry.key)) ?? []) {
        const key = `${entry.key}.${sub.key}` as SettingKey
        const value = SETTINGS[key].type.read(y, sub.value, key)
        if (value !== undefined) set(key, sub.keyNode, value)
      }
    }
  }
  return { layer, rules, issues: inFileOrder(y.issues) }
}

/** A config file's text, or undefined with the reason added to `issues`. */
export const readConfigText = (file: ConfigFile, issues: Array<ConfigIssue>): string | undefined => {
  try {
    return readFileSync(file.path, "utf8")
  } catch (e) {
    const code = (e as { code?: string }).code
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES" || code === "EPERM"
            ? "permission denied"
            : e instanceof Error
              ? e.message
              : String(e)
    issues.push({ file: file.name, line: 0, column: 0, message: `cannot read: ${reason}` })
    return undefined
  }
}

let parsedPacks: { rules: ReadonlyArray<Rule>; issues: ReadonlyArray<ConfigIssue> } | undefined

/** The built-in packs' rules, parsed once per process (they are part of the binary). */
const packRules = () => {
  if (parsedPacks !== undefined) return parsedPacks
  const rules: Array<Rule> = []
  const issues: Array<ConfigIssue> = []
  for (const pack of PACKS) {
    const result = parseRuleFile(pack.text, pack.file, "pack")
    if ("errors" in result) issues.push(...result.errors)
    else rules.push(...result.rules)
  }
  parsedPacks = { rules, issues }
  return parsedPacks
}

const readEnv = (env: Env, base: Base, issues: Array<ConfigIssue>): Layer => {
  const layer: Layer = new Map()
  for (const key of SETTING_KEYS) {
    const variable = SETTINGS[key].env
    const raw = variable === undefined ? undefined : env[variable]
    if (variable === undefined || raw === undefined || raw === "") continue
    const parsed = SETTINGS[key].type.parse(raw, variable, base)
    if (parsed.ok) layer.set(key, { value: parsed.value, source: { kind: "env", variable } })
    else issues.push({ file: "environment", line: 0, column: 0, message: parsed.message, ...(parsed.hint === undefined ? {} : { hint: parsed.hint }) })
  }
  return layer
}

/** Which setting each flag field sets. */
const FLAG_KEYS: { readonly [F in Exclude<keyof FlagSettings, "proxy">]-?: SettingKey } = {
  strategy: "strategy",
  maxTokens: "max_tokens",
  lossless: "lossless",
  keep: "keep",
  keepSymbols: "keep_symbols",
  encoding: "encoding",
  model: "model",
  store: "store.enabled",
  plugins: "plugins",
  pluginTimeoutMs: "plugin_timeout_ms",
  jobs: "batch.jobs",
  maxFileBytes: "batch.max_file_size",
  maxSavings: "batch.max_savings",
}

const PROXY_FLAG_KEYS: { readonly [F in keyof ProxyFlags]-?: SettingKey } = {
  host: "proxy.host",
  port: "proxy.port",
  anthropicUrl: "proxy.anthropic_url",
  openaiUrl: "proxy.openai_url",
  authToken: "proxy.auth_token",
  allowUnauthenticated: "proxy.allow_unauthenticated",
  optimize: "proxy.optimize",
  excludeTools: "proxy.exclude_tools",
  markerVerb: "proxy.marker_verb",
  timeout: "proxy.timeout",
  maxBody: "proxy.max_body",
  logFile: "proxy.log_file",
  logBodies: "proxy.log_bodies",
}

const readFlags = (flags: FlagSettings, base: Base, issues: Array<ConfigIssue>): Layer => {
  const layer: Layer = new Map()
  const fields: Array<[unknown, SettingKey]> = [
    ...Object.entries(FLAG_KEYS).map(([field, key]): [unknown, SettingKey] => [flags[field as keyof typeof FLAG_KEYS], key]),
    ...Object.entries(PROXY_FLAG_KEYS).map(([field, key]): [unknown, SettingKey] => [flags.proxy?.[field as keyof ProxyFlags], key]),
  ]
  for (const [given, key] of fields) {
    if (given === undefined || (Array.isArray(given) && given.length === 0)) continue
    const flag = SETTINGS[key].flag!
    // Each value goes through the setting's type, as text: that compiles `--keep` regexes, makes
    // `--plugin` paths absolute and holds e.g. --max-savings to 0–100 whatever the command checked.
    const type: ValueType<unknown> = SETTINGS[key].type
    const parsed = Array.isArray(given)
      ? given.map((text) => ("item" in type ? (type as ListType<unknown>).item : type).parse(String(text), flag, base))
      : [type.parse(String(given), flag, base)]
    for (const p of parsed) if (!p.ok) issues.push({ file: "command line", line: 0, column: 0, message: p.message })
    const values = parsed.flatMap((p) => (p.ok ? [p.value] : []))
    layer.set(key, { value: Array.isArray(given) ? values : values[0], source: { kind: "flag", flag } })
  }
  return layer
}

/** Layers lowest precedence first: the last one giving a setting wins; lists that accumulate add up. */
const merge = (layers: ReadonlyArray<Layer>) => {
  const values = new Map<SettingKey, unknown>()
  const sources = new Map<string, SettingSource>()
  for (const key of SETTING_KEYS) {
    const given = layers.flatMap((l) => {
      const entry = l.get(key)
      return entry === undefined ? [] : [entry]
    })
    if (given.length === 0) {
      sources.set(key, { kind: "default" })
    } else if (SETTINGS[key].accumulates === true) {
      const seen = new Set<string>()
      const list = given.flatMap((g) => g.value as ReadonlyArray<unknown>).filter((v) => {
        const id = String(v)
        if (seen.has(id)) return false
        seen.add(id)
        return true
      })
      values.set(key, list)
      sources.set(key, given.length === 1 ? given[0]!.source : { kind: "merged", from: given.map((g) => g.source) })
    } else {
      const last = given[given.length - 1]!
      values.set(key, last.value)
      sources.set(key, last.source)
    }
  }
  return { values, sources }
}

const buildSettings = (values: ReadonlyMap<SettingKey, unknown>): Settings => {
  const get = <K extends SettingKey>(key: K) => values.get(key) as SettingValue<K> | undefined
  const maxTokens = get("max_tokens")
  const encoding = get("encoding")
  const model = get("model")
  const maxFileBytes = get("batch.max_file_size")
  const maxSavings = get("batch.max_savings")
  const maxMb = get("store.max_mb")
  return {
    strategy: get("strategy") ?? "balanced",
    ...(maxTokens === undefined ? {} : { maxTokens }),
    lossless: get("lossless") ?? false,
    keep: get("keep") ?? [],
    keepSymbols: get("keep_symbols") ?? [],
    ...(encoding === undefined ? {} : { encoding }),
    ...(model === undefined ? {} : { model }),
    store: {
      enabled: get("store.enabled") ?? true,
      // HEADROOM_HOME is read as store.home with the environment; this is the default.
      home: get("store.home") ?? headroomHome({}),
      ttlMs: get("store.ttl") ?? DEFAULT_TTL_MS,
      maxBytes: maxMb === undefined ? DEFAULT_MAX_BYTES : Math.round(maxMb * 1024 * 1024),
    },
    disable: get("disable") ?? [],
    plugins: get("plugins") ?? [],
    pluginTimeoutMs: get("plugin_timeout_ms") ?? 5000,
    jobs: get("batch.jobs") ?? availableParallelism(),
    ...(maxFileBytes === undefined ? {} : { maxFileBytes }),
    ...(maxSavings === undefined ? {} : { maxSavings }),
    proxy: proxySettings(get),
  }
}

const proxySettings = (get: <K extends SettingKey>(key: K) => SettingValue<K> | undefined): ProxySettings => {
  const authToken = get("proxy.auth_token")
  const logFile = get("proxy.log_file")
  return {
    host: get("proxy.host") ?? "127.0.0.1",
    port: get("proxy.port") ?? 8787,
    // Anthropic's base is the host (clients add /v1 themselves); tolerate one given with /v1.
    anthropicUrl: (get("proxy.anthropic_url") ?? "https://api.anthropic.com").replace(/\/v1$/, ""),
    openaiUrl: get("proxy.openai_url") ?? "https://api.openai.com/v1",
    ...(authToken === undefined ? {} : { authToken }),
    allowUnauthenticated: get("proxy.allow_unauthenticated") ?? false,
    optimize: get("proxy.optimize") ?? true,
    excludeTools: get("proxy.exclude_tools") ?? DEFAULT_EXCLUDED_TOOLS,
    markerVerb: get("proxy.marker_verb") ?? "headroom retrieve",
    timeoutMs: get("proxy.timeout") ?? 600_000,
    maxBodyBytes: get("proxy.max_body") ?? 50 * 1024 * 1024,
    ...(logFile === undefined ? {} : { logFile }),
    logBodies: get("proxy.log_bodies") ?? false,
  }
}

const isPinning = (source: SettingSource | undefined): boolean => source?.kind === "flag" || source?.kind === "env"
