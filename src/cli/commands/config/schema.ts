import type { CommandSpec, FlagSpec } from "../../args.ts"
import {
  CONFIG_FLAG,
  ENCODING_FLAG,
  JOBS_FLAG,
  KEEP_FLAG,
  KEEP_SYMBOL_FLAG,
  LOSSLESS_FLAG,
  MAX_SAVINGS_FLAG,
  MAX_TOKENS_FLAG,
  MODEL_FLAG,
  NO_STORE_FLAG,
  PLUGIN_FLAG,
  STRATEGY_FLAG,
} from "../../config-flags.ts"

/** The flags that set a setting: show shows what they change. */
const SETTING_FLAGS: ReadonlyArray<FlagSpec> = [
  STRATEGY_FLAG,
  MAX_TOKENS_FLAG,
  LOSSLESS_FLAG,
  KEEP_FLAG,
  KEEP_SYMBOL_FLAG,
  ENCODING_FLAG,
  MODEL_FLAG,
  NO_STORE_FLAG,
  PLUGIN_FLAG,
  MAX_SAVINGS_FLAG,
  JOBS_FLAG,
]

export const CONFIG_SUBCOMMANDS = ["show", "check"] as const

export const configCommand: CommandSpec = {
  name: "config",
  summary: "show the effective settings and where they come from, or check a config file",
  usage: ["headroom config show [--config FILE] [--json] [setting flags]", "headroom config check [FILE]"],
  flags: [
    CONFIG_FLAG,
    { name: "json", type: "boolean", description: "show: print the settings, their sources and the files as JSON" },
    ...SETTING_FLAGS,
  ],
  positionals: {
    name: "show|check [FILE]",
    min: 1,
    max: 2,
    description: "show: every setting's value and source; check: validate FILE (default: the files found)",
  },
  examples: [
    "headroom config show",
    "headroom config show --strategy aggressive --json",
    "headroom config check",
    "headroom config check ci/headroom-config.yaml",
  ],
  notes: [
    "Config files: --config FILE, else $HEADROOM_CONFIG, else ./headroom-config.yaml (the project file),",
    "plus ~/.config/headroom/config.yaml ($XDG_CONFIG_HOME/headroom/config.yaml; the user file).",
    "Precedence: flags > environment (HEADROOM_*) > project file > user file > defaults.",
    "An unknown key, a wrong type or a bad regex is reported with file:line:column, and headroom",
    "refuses to run until it is fixed. Every key, and how rules combine: src/config/README.md.",
    "Exit status: 0 ok, 2 an invalid file, setting or usage.",
  ],
}
