/**
 * Example plugin (the one plugins/README.md builds step by step): a line hook that removes ANSI
 * colour codes from tool output. The stage adds one marker at the end of a block it rewrote,
 * which redeems the coloured original.
 */
import type { PluginSpec } from "../src/sdk/index.ts"

const ANSI = /\x1b\[[0-9;]*m/g

const stripAnsi: PluginSpec = {
  name: "strip-ansi",
  description: "removes ANSI colour codes from tool output",
  line: (line) => (line.includes("\x1b[") ? line.replace(ANSI, "") : undefined),
}

export default stripAnsi
