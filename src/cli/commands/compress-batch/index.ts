import { homedir } from "node:os"
import { Effect } from "effect"
import { runBatch } from "../../../batch/batch.ts"
import { PlanError } from "../../../batch/plan.ts"
import type { WorkerSetup } from "../../../batch/protocol.ts"
import { loadBatchSettings } from "../../../batch/settings.ts"
import type { FlagSettings } from "../../../config/index.ts"
import { size } from "../../../config/values.ts"
import { flagBoolean, flagNumber, flagString, flagStrings, type ParsedArgs } from "../../args.ts"
import { configPath, flagSettings } from "../../config-flags.ts"
import { UsageError } from "../../errors.ts"

const usage = (message: string) => new UsageError({ command: "compress-batch", message })

export const runCompressBatch = (args: ParsedArgs, env: Record<string, string | undefined>) =>
  Effect.gen(function* () {
    const inputs = [...args.positionals, ...flagStrings(args, "input")]
    if (inputs.length === 0) return yield* usage("no inputs: name directories, files or quoted globs (or --input GLOB)")
    const output = flagString(args, "output")
    const dryRun = flagBoolean(args, "dry-run")
    if (output === undefined && !dryRun) return yield* usage("--output DIR is required (or --dry-run to count the savings without writing)")
    if (flagBoolean(args, "lossless") && flagNumber(args, "max-tokens") !== undefined) {
      return yield* usage("--lossless and --max-tokens can't both hold: a budget may have to drop content, --lossless drops none")
    }
    const cwd = process.cwd()
    const flags: FlagSettings = {
      ...flagSettings(args),
      ...optional("maxFileBytes", yield* maxFileBytes(flagString(args, "max-file-size"), cwd)),
    }
    const setup: WorkerSetup = {
      cwd,
      // A plain copy: the worker gets it by structured clone.
      env: { ...env },
      flags,
      ...optional("configPath", configPath(args)),
      force: flagBoolean(args, "force"),
      dryRun,
    }
    const settings = yield* loadBatchSettings(setup)
    // Here the plugins only add to the fingerprint and say what was left out; workers run them.
    settings.close()
    return yield* Effect.tryPromise({
      try: () =>
        runBatch(
          {
            inputs,
            output,
            dryRun,
            force: setup.force,
            reportPath: flagString(args, "report"),
            progress: flagBoolean(args, "quiet") ? "quiet" : process.stderr.isTTY ? "bar" : "lines",
            setup,
            settings,
          },
          {
            out: (text) => process.stdout.write(text),
            err: (text) => process.stderr.write(text),
            columns: () => process.stderr.columns || 80,
          },
        ),
      catch: (e) => (e instanceof PlanError ? usage(e.message) : e),
    })
  })

const optional = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as { [P in K]: V }))

const maxFileBytes = (text: string | undefined, cwd: string) => {
  if (text === undefined) return Effect.succeed(undefined)
  const parsed = size.parse(text, "--max-file-size", { dir: cwd, home: homedir() })
  return parsed.ok ? Effect.succeed(parsed.value) : Effect.fail(usage(parsed.message))
}
