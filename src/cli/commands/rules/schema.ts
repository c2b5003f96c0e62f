import type { CommandSpec } from "../../args.ts"
import { CONFIG_FLAG } from "../../config-flags.ts"

export const RULES_SUBCOMMANDS = ["test", "list"] as const

export const rulesCommand: CommandSpec = {
  name: "rules",
  summary: "run the inline tests of rule files, or list the active rules and what they shadow",
  usage: ["headroom rules test [FILE] [--config FILE]", "headroom rules list [--config FILE]"],
  flags: [CONFIG_FLAG],
  positionals: {
    name: "test|list [FILE]",
    min: 1,
    max: 2,
    description: "test: run FILE's inline tests (a rule pack or a config file; default: every built-in pack and the config files found); list: every active rule",
  },
  examples: ["headroom rules test", "headroom rules test headroom-config.yaml", "headroom rules test rules/packages/pip.yaml", "headroom rules list"],
  notes: [
    "rules test compresses each test's input through the real pipeline with the rules of the test's own",
    "file and nothing else (no other pack, user or project rules), under default settings and the test's",
    "strategy (default balanced), then checks that the rule applied, that every `keeps` entry is in the",
    "output, that no `removes` entry is left outside a marker, and `max_tokens`. It prints PASS or FAIL",
    "per test and a total.",
    "rules list prints every active rule in the order they apply (built-in packs, the user file, the",
    "project file) with its source, conditions and actions, and the earlier rules whose settings it",
    "overrides wherever they match (\"shadows\"). The rule format: rules/README.md.",
    "Exit status: 0 ok, 1 a test failed, 2 an invalid rule file or usage.",
  ],
}
