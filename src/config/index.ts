/**
 * headroom-config.yaml: discovery, validation with positions, precedence (flags > environment >
 * project file > user file > defaults) and the rules. See ./README.md.
 */
export { loadConfig, readConfig, readConfigText, parseConfigFile, type LoadInput } from "./load.ts"
export { ConfigError, formatIssue, type ConfigIssue } from "./issues.ts"
export { SETTINGS, SETTING_KEYS, type SettingKey, type SettingSpec } from "./schema.ts"
export { describeSource } from "./sources.ts"
export { discoverFiles, displayName, userConfigPath, userHome, PROJECT_FILE } from "./files.ts"
export type { Config, ConfigFile, FlagSettings, ProxyFlags, ProxySettings, Settings, SettingSource } from "./types.ts"
