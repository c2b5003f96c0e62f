#!/usr/bin/env bun
/**
 * Entry point of the `headroom` binary. Kept tiny on purpose: `--version` answers without
 * loading commands, tokenizer tables or anything else; commands are imported on demand.
 */
import { VERSION } from "../version.ts"

const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === "--version" || argv[0] === "-V" || argv[0] === "version")) {
  process.stdout.write(`headroom ${VERSION}\n`)
} else {
  const { run } = await import("./run.ts")
  process.exitCode = await run(argv, process.env)
}
