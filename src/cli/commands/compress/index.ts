import { existsSync, mkdirSync, realpathSync, statSync } from "node:fs"
import { basename, join, resolve } from "node:path"
import { Cause, Effect, Exit, Stream } from "effect"
import { decodeLossless } from "../../../io/utf8.ts"
import { atomicFileTarget, stdoutTarget, type OutputTarget } from "../../../io/output.ts"
import type { ContentKind } from "../../../sdk/block.ts"
import { compressStream, type CompressRequest, type CompressSummary } from "../../../pipeline/stream.ts"
import { flagBoolean, flagNumber, flagString, type ParsedArgs } from "../../args.ts"
import { loadCommandConfig } from "../../config-flags.ts"
import { EXIT, InputError, OutputError, UsageError, describeFailure } from "../../errors.ts"
import { loadPluginStages } from "../../plugins.ts"
import { compressRequestFor } from "../../request.ts"
import { configServices } from "../../services.ts"
import { formatStatsLine, summaryJson } from "./report.ts"

const STDIN = "-"

interface Plan {
  readonly input: string
  /** Where the text goes; undefined for standard output. */
  readonly output: string | undefined
}

export const runCompress = (args: ParsedArgs, env: Record<string, string | undefined>) =>
  Effect.gen(function* () {
    const inputs = args.positionals.length === 0 ? [STDIN] : [...args.positionals]
    const plans = planOutputs(inputs, flagString(args, "output"))
    if (flagBoolean(args, "lossless") && flagNumber(args, "max-tokens") !== undefined) {
      throw new UsageError({ command: "compress", message: "--lossless and --max-tokens can't both hold: a budget may have to drop content, --lossless drops none" })
    }
    const config = yield* loadCommandConfig(args, env)
    const plugins = yield* loadPluginStages(config, env)
    const json = flagBoolean(args, "json")
    const stats = flagBoolean(args, "stats")
    const layer = configServices(config)
    let code: number = EXIT.ok
    for (const [index, plan] of plans.entries()) {
      if (!json && plan.output === undefined && plans.length > 1) {
        process.stdout.write(`${index > 0 ? "\n" : ""}==> ${plan.input} <==\n`)
      }
      const kind = flagString(args, "type") as ContentKind | undefined
      const bytes = plan.input === STDIN ? undefined : fileSize(plan.input)
      const request = compressRequestFor(
        config,
        {
          ...(plan.input === STDIN ? {} : { path: plan.input }),
          ...(bytes === undefined ? {} : { bytes }),
          ...(kind === undefined ? {} : { kind }),
          force: flagBoolean(args, "force"),
          counts: json || stats ? "exact" : "none",
        },
        plugins,
      )
      const exit = yield* Effect.exit(compressOne(plan, request, json).pipe(Effect.provide(layer)))
      if (Exit.isFailure(exit)) {
        const failure = describeFailure(Cause.squash(exit.cause))
        process.stderr.write(`headroom: ${failure.message}\n`)
        code = Math.max(code, failure.code)
        continue
      }
      const { summary, text } = exit.value
      const name = plan.input === STDIN ? "stdin" : plan.input
      for (const error of summary.errors) process.stderr.write(`headroom: warning: ${name}: ${error}\n`)
      if (stats) {
        for (const note of summary.notes) process.stderr.write(`headroom: ${name}: ${note}\n`)
        process.stderr.write(`${formatStatsLine(name, summary)}\n`)
      }
      if (json) process.stdout.write(`${JSON.stringify(summaryJson(plan, summary, text))}\n`)
    }
    return code
  }).pipe(Effect.scoped)

const fileSize = (path: string): number | undefined => {
  try {
    return statSync(path).size
  } catch {
    return undefined // openInput reports it
  }
}

const compressOne = (plan: Plan, request: CompressRequest, json: boolean) =>
  Effect.gen(function* () {
    const input = yield* openInput(plan.input)
    const target: OutputTarget | undefined =
      plan.output !== undefined
        ? yield* Effect.try({
            try: () => atomicFileTarget(plan.output!),
            catch: (e) => new OutputError({ path: plan.output!, reason: reason(e) }),
          })
        : json
          ? undefined
          : stdoutTarget()
    const captured: Array<Uint8Array> = []
    const summary = yield* compressStream(input, request, (bytes) =>
      Effect.tryPromise({
        try: async () => {
          if (json) captured.push(bytes)
          await target?.write(bytes)
        },
        catch: (e) => new OutputError({ path: plan.output ?? "standard output", reason: reason(e) }),
      }),
    ).pipe(Effect.onError(() => Effect.sync(() => target?.abort())))
    if (target !== undefined) {
      yield* Effect.tryPromise({
        try: target.commit,
        catch: (e) => new OutputError({ path: plan.output ?? "standard output", reason: reason(e) }),
      }).pipe(Effect.onError(() => Effect.sync(() => target.abort())))
    }
    const text: string | undefined = json ? captured.map((c) => decodeLossless(c)).join("") : undefined
    return { summary, text } as { summary: CompressSummary; text: string | undefined }
  })

const openInput = (path: string) =>
  Effect.try({
    try: () => {
      if (path === STDIN) {
        return Stream.fromReadableStream({
          evaluate: () => Bun.stdin.stream(),
          onError: (e) => new InputError({ path: "standard input", reason: reason(e) }),
        })
      }
      const info = statSync(path)
      if (info.isDirectory()) throw new Error("is a directory (compress-batch takes directories)")
      return Stream.fromReadableStream({
        evaluate: () => Bun.file(path).stream(),
        onError: (e) => new InputError({ path, reason: reason(e) }),
      })
    },
    catch: (e) => new InputError({ path, reason: reason(e) }),
  })

/** Decides each input's output path; refuses plans that would overwrite an input or collide. */
export const planOutputs = (inputs: ReadonlyArray<string>, output: string | undefined): Array<Plan> => {
  if (inputs.filter((i) => i === STDIN).length > 1) {
    throw new UsageError({ command: "compress", message: "standard input (-) can be read only once" })
  }
  if (output === undefined) return inputs.map((input) => ({ input, output: undefined }))
  const toDirectory = inputs.length > 1 || output.endsWith("/") || (existsSync(output) && statSync(output).isDirectory())
  if (!toDirectory) return [{ input: inputs[0]!, output: guardOverwrite(inputs, output) }]
  if (inputs.includes(STDIN)) {
    throw new UsageError({ command: "compress", message: "with several inputs or an output directory, standard input has no file name; give -o FILE" })
  }
  try {
    mkdirSync(output, { recursive: true })
  } catch (e) {
    throw new OutputError({ path: output, reason: reason(e) })
  }
  const seen = new Map<string, string>()
  return inputs.map((input) => {
    const target = join(output, basename(input))
    const other = seen.get(target)
    if (other !== undefined) {
      throw new UsageError({ command: "compress", message: `${other} and ${input} would both be written to ${target}` })
    }
    seen.set(target, input)
    return { input, output: guardOverwrite(inputs, target) }
  })
}

const guardOverwrite = (inputs: ReadonlyArray<string>, target: string): string => {
  const real = (p: string) => (existsSync(p) ? realpathSync(p) : resolve(p))
  const targetReal = real(target)
  for (const input of inputs) {
    if (input !== STDIN && real(input) === targetReal) {
      throw new OutputError({ path: target, reason: `it is the input ${input}; inputs are never modified in place` })
    }
  }
  return target
}

const reason = (e: unknown): string => {
  const code = (e as { code?: string })?.code
  if (code === "ENOENT") return "no such file or directory"
  if (code === "EACCES" || code === "EPERM") return "permission denied"
  if (code === "EISDIR") return "is a directory"
  return e instanceof Error ? e.message : String(e)
}
