import type { CommandSpec } from "../../args.ts"
import { CONFIG_FLAG } from "../../config-flags.ts"

export const retrieveCommand: CommandSpec = {
  name: "retrieve",
  summary: "print the exact original behind a marker",
  usage: ["headroom retrieve HASH[:FROM-TO]"],
  flags: [CONFIG_FLAG],
  positionals: { name: "HASH", min: 1, max: 1, description: "the hash from a marker (12+ hex digits), optionally with its line range" },
  examples: ["headroom retrieve 3f9a1c2b7d4e", "headroom retrieve 3f9a1c2b7d4e:120-156"],
  notes: ["Exit status: 0 found, 1 nothing stored under that hash (expired, or compressed with --no-store)."],
}
