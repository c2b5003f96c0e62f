import { Cause, Effect, Exit } from "effect"
import { removePendingOutputs } from "../io/output.ts"
import { VERSION } from "../version.ts"
import { flagBoolean, parseArgs, type ParsedArgs } from "./args.ts"
import { runCompress } from "./commands/compress/index.ts"
import { compressCommand } from "./commands/compress/schema.ts"
import { commandHelp, helpFor } from "./commands/help/index.ts"
import { runRetrieve } from "./commands/retrieve/index.ts"
import { retrieveCommand } from "./commands/retrieve/schema.ts"
import { runExpand } from "./commands/expand/index.ts"
import { expandCommand } from "./commands/expand/schema.ts"
import { runCompressBatch } from "./commands/compress-batch/index.ts"
import { compressBatchCommand } from "./commands/compress-batch/schema.ts"
import { runConfig } from "./commands/config/index.ts"
import { configCommand } from "./commands/config/schema.ts"
import { runPlugins } from "./commands/plugins/index.ts"
import { pluginsCommand } from "./commands/plugins/schema.ts"
import { runProxy } from "./commands/proxy/index.ts"
import { proxyCommand } from "./commands/proxy/schema.ts"
import { runRules } from "./commands/rules/index.ts"
import { rulesCommand } from "./commands/rules/schema.ts"
import { EXIT, UsageError, describeFailure } from "./errors.ts"
import { closest } from "./args.ts"

type Env = Record<string, string | undefined>
type Runner = (args: ParsedArgs, env: Env) => Effect.Effect<number, unknown>

const RUNNERS = [
  { spec: compressCommand, run: runCompress as Runner },
  { spec: compressBatchCommand, run: runCompressBatch as Runner },
  { spec: proxyCommand, run: runProxy as Runner },
  { spec: retrieveCommand, run: runRetrieve as Runner },
  { spec: expandCommand, run: runExpand as Runner },
  { spec: configCommand, run: runConfig as Runner },
  { spec: rulesCommand, run: runRules as Runner },
  { spec: pluginsCommand, run: runPlugins as Runner },
]

/** Runs one command line; returns the exit code. Every failure is reported here, once. */
export const run = async (argv: ReadonlyArray<string>, env: Env): Promise<number> => {
  // An interrupted run must not leave a half-written output behind.
  process.once("SIGINT", () => {
    removePendingOutputs()
    process.exit(EXIT.interrupted)
  })
  const exit = await Effect.runPromiseExit(Effect.suspend(() => dispatch(argv, env)))
  if (Exit.isSuccess(exit)) return exit.value
  const failure = describeFailure(Cause.squash(exit.cause))
  process.stderr.write(`headroom: ${failure.message}\n`)
  return failure.code
}

const dispatch = (argv: ReadonlyArray<string>, env: Env): Effect.Effect<number, unknown> => {
  const [name, ...rest] = argv
  if (name === undefined || name === "--help" || name === "-h") return print(helpFor(undefined, VERSION))
  if (name === "help") return Effect.suspend(() => print(helpFor(rest[0], VERSION)))
  const runner = RUNNERS.find((r) => r.spec.name === name)
  if (runner === undefined) {
    const hint = closest(name, [...RUNNERS.map((r) => r.spec.name), "help"])
    return Effect.fail(
      new UsageError({
        command: "help",
        message: `unknown command "${name}"${hint ? ` (did you mean ${hint}?)` : ""}; commands: ${RUNNERS.map((r) => r.spec.name).join(", ")}, help`,
      }),
    )
  }
  return Effect.suspend(() => {
    const args = parseArgs(runner.spec, rest)
    if (flagBoolean(args, "help")) return print(commandHelp(runner.spec))
    return runner.run(args, env)
  })
}

const print = (text: string) =>
  Effect.sync(() => {
    process.stdout.write(`${text}\n`)
    return EXIT.ok as number
  })
