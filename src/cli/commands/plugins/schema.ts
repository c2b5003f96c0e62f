import type { CommandSpec } from "../../args.ts"
import { CONFIG_FLAG, PLUGIN_FLAG } from "../../config-flags.ts"

export const PLUGINS_SUBCOMMANDS = ["list", "trust", "untrust"] as const

export const pluginsCommand: CommandSpec = {
  name: "plugins",
  summary: "list plugins with their hooks and trust, or trust the ones found in plugin directories",
  usage: ["headroom plugins list [--plugin PATH ...] [--config FILE] [--json]", "headroom plugins trust [PATH ...]", "headroom plugins untrust PATH ..."],
  flags: [PLUGIN_FLAG, CONFIG_FLAG, { name: "json", type: "boolean", description: "list: one JSON object per plugin" }],
  positionals: {
    name: "list|trust|untrust [PATH ...]",
    min: 1,
    max: Number.POSITIVE_INFINITY,
    description: "list: every plugin found; trust: record PATHs (default: every untrusted plugin found) as trusted; untrust: forget PATHs",
  },
  examples: ["headroom plugins list", "headroom plugins trust plugins/redact-secrets.ts", "headroom plugins trust", "headroom compress --plugin ./my-plugin.ts build.log"],
  notes: [
    "Plugins come from --plugin PATH, the config's `plugins:` and $HEADROOM_PLUGINS (trusted by being",
    "named), then from ./plugins/ and ~/.config/headroom/plugins/ ($XDG_CONFIG_HOME): *.ts and *.js files,",
    "not *.test.*. A plugin found in those directories runs only once trusted: `plugins trust` records",
    "its content hash in ~/.config/headroom/trusted-plugins.json, and a file changed since must be",
    "trusted again. Read a plugin before you trust it: it runs with your permissions.",
    "Writing one: plugins/README.md.",
    "Exit status: 0 ok, 1 a PATH to trust can't be read, 2 usage error.",
  ],
}
