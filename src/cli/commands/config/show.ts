import {
  SETTINGS,
  SETTING_KEYS,
  describeSource,
  type Config,
  type SettingKey,
  type Settings,
} from "../../../config/index.ts"

/** Each setting's effective value as it would be written in the config file. */
const VALUES: { readonly [K in SettingKey]: (s: Settings) => unknown } = {
  strategy: (s) => s.strategy,
  max_tokens: (s) => s.maxTokens,
  lossless: (s) => s.lossless,
  keep: (s) => s.keep.map(regexSource),
  keep_symbols: (s) => s.keepSymbols,
  encoding: (s) => s.encoding,
  model: (s) => s.model,
  "store.enabled": (s) => s.store.enabled,
  "store.home": (s) => s.store.home,
  "store.ttl": (s) => duration(s.store.ttlMs),
  "store.max_mb": (s) => s.store.maxBytes / 1024 / 1024,
  disable: (s) => s.disable,
  plugins: (s) => s.plugins,
  plugin_timeout_ms: (s) => s.pluginTimeoutMs,
  "batch.jobs": (s) => s.jobs,
  "batch.max_file_size": (s) => s.maxFileBytes,
  "batch.max_savings": (s) => s.maxSavings,
  "proxy.host": (s) => s.proxy.host,
  "proxy.port": (s) => s.proxy.port,
  "proxy.anthropic_url": (s) => s.proxy.anthropicUrl,
  "proxy.openai_url": (s) => s.proxy.openaiUrl,
  "proxy.auth_token": (s) => (s.proxy.authToken === undefined ? undefined : "(set)"),
  "proxy.allow_unauthenticated": (s) => s.proxy.allowUnauthenticated,
  "proxy.optimize": (s) => s.proxy.optimize,
  "proxy.exclude_tools": (s) => s.proxy.excludeTools,
  "proxy.marker_verb": (s) => s.proxy.markerVerb,
  "proxy.timeout": (s) => duration(s.proxy.timeoutMs),
  "proxy.max_body": (s) => s.proxy.maxBodyBytes,
  "proxy.log_file": (s) => s.proxy.logFile,
  "proxy.log_bodies": (s) => s.proxy.logBodies,
}

/** Every rule file (packs, then the user and project files) with the number of rules it gives. */
export const ruleFiles = (config: Config): Array<{ file: string; layer: string; rules: number }> => {
  const count = (file: string) => config.rules.filter((r) => r.source.file === file).length
  const packs = [...new Set(config.rules.filter((r) => r.source.layer === "pack").map((r) => r.source.file))]
  return [
    ...packs.map((file) => ({ file, layer: "pack", rules: count(file) })),
    ...config.files.map((f) => ({ file: f.name, layer: f.layer, rules: count(f.name) })),
  ]
}

export const showJson = (config: Config): string =>
  JSON.stringify(
    {
      settings: Object.fromEntries(
        SETTING_KEYS.map((key) => [key, { value: VALUES[key](config.settings) ?? null, source: describeSource(config.sources.get(key)!) }]),
      ),
      files: ruleFiles(config),
      fingerprint: config.fingerprint,
    },
    null,
    2,
  )

export const showText = (config: Config): string => {
  const rows = SETTING_KEYS.map((key) => {
    const value = VALUES[key](config.settings)
    const shown = value === undefined ? SETTINGS[key].shownDefault : typeof value === "string" ? value : JSON.stringify(value)
    return [key, shown, describeSource(config.sources.get(key)!)] as const
  })
  const files = ruleFiles(config)
  const packs = files.filter((f) => f.layer === "pack")
  const loaded = files.filter((f) => f.layer !== "pack")
  return [
    "Settings:",
    ...table(rows.map(([k, v, s]) => [k, v, s])),
    "",
    "Files:",
    ...(loaded.length === 0 ? ["  (no config file: ./headroom-config.yaml and ~/.config/headroom/config.yaml are absent)"] : []),
    ...table(loaded.map((f) => [f.file, f.layer, plural(f.rules, "rule")])),
    ...(packs.length === 0 ? [] : ["", "Built-in rule packs:", ...table(packs.map((f) => [f.file, plural(f.rules, "rule")]))]),
  ].join("\n")
}

const table = (rows: ReadonlyArray<ReadonlyArray<string>>): Array<string> => {
  const widths = rows.reduce<Array<number>>((w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)), [])
  return rows.map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")}`)
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`

const regexSource = (re: RegExp): string => (re.flags.includes("i") ? `(?i)${re.source}` : re.source)

/** Milliseconds as the largest whole unit: `7d`, `12h`, `30m`, `45s`. */
const duration = (ms: number): string => {
  for (const [unit, size] of [["d", 86_400_000], ["h", 3_600_000], ["m", 60_000]] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`
  }
  return `${ms / 1000}s`
}
