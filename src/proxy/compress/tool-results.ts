import { Cause, Context, Effect, Layer } from "effect"
import type { Config } from "../../config/index.ts"
import { compressRequestFor } from "../../cli/request.ts"
import { BinaryInput, compressText, type PluginStages } from "../../pipeline/stream.ts"
import { errorMessage } from "../../sdk/stage.ts"
import { detach } from "../../strings/detach.ts"
import { OriginalsStore, contentHash } from "../../store/index.ts"
import { Tokenizer } from "../../tokens/index.ts"
import type { ToolResult } from "../providers/api.ts"
import { SizedLru } from "./memo.ts"
import { renumber, splitNumberedLines } from "../tools/numbered-lines.ts"

/** What became of one tool result. */
export interface ToolResultOutcome {
  /** The compressed text; undefined when the original goes through. */
  readonly text: string | undefined
  readonly tokensBefore: number
  readonly tokensAfter: number
  readonly transforms: ReadonlyArray<string>
  /** Store hashes of the originals its markers point at. */
  readonly hashes: ReadonlyArray<string>
  /** A failure inside compression: the original went through (fail open). */
  readonly error?: string
}

export interface ToolResultCompressorShape {
  /** Compresses one tool result as the configuration and rules say; never fails. */
  readonly compress: (result: ToolResult, model: string | undefined) => Effect.Effect<ToolResultOutcome>
  /** Whether a tool's results pass untouched (`proxy.exclude_tools`). */
  readonly excluded: (tool: string | undefined) => boolean
  readonly memo: { readonly entries: number; readonly bytes: number }
}

export class ToolResultCompressor extends Context.Service<ToolResultCompressor, ToolResultCompressorShape>()(
  "headroom/proxy/ToolResultCompressor",
) {}

/** Tools that run commands: their output reads as a log unless its content clearly says otherwise. */
const COMMAND_TOOLS = /bash|shell|exec|command|terminal|run/i

/** Results shorter than this can't save enough to be worth a pass through the pipeline. */
const MIN_CHARS = 400
/** Memory for compressed results, in bytes (markers' "…" makes strings two bytes a character). */
const MEMO_BYTES = 64 * 1024 * 1024

const untouched = (tokens = 0): ToolResultOutcome => ({ text: undefined, tokensBefore: tokens, tokensAfter: tokens, transforms: [], hashes: [] })

/**
 * Tool results through the compression pipeline, one at a time and each on its own: what one
 * becomes depends on its text, its tool, the model and the configuration — never on where it sits
 * in the conversation — and is memoised by content hash, so a result resent on every later turn
 * is sent as the very same bytes each time.
 */
export const ToolResultCompressorLayer = (config: Config, plugins: PluginStages | undefined) =>
  Layer.effect(
    ToolResultCompressor,
    Effect.gen(function* () {
      const tokenizer = yield* Tokenizer
      const store = yield* OriginalsStore
      const excludedTools = new Set(config.settings.proxy.excludeTools.map((t) => t.toLowerCase()))
      const memo = new SizedLru<ToolResultOutcome>(MEMO_BYTES)
      const services = (effect: Effect.Effect<ToolResultOutcome, unknown, Tokenizer | OriginalsStore>) =>
        effect.pipe(Effect.provideService(Tokenizer, tokenizer), Effect.provideService(OriginalsStore, store))

      const run = Effect.fn("ToolResultCompressor.run")(function* (text: string, tool: string | undefined, model: string | undefined) {
        // Claude Code numbers the lines it reads (`12\t…`): compress the lines themselves and put
        // the numbers back on the lines kept, so the model can still cite and edit by line.
        const numbered = splitNumberedLines(text)
        const request = compressRequestFor(config, { ...(tool === undefined ? {} : { tool }), bytes: text.length, counts: "estimate" }, plugins)
        const { text: output, summary } = yield* compressText(numbered?.body ?? text, {
          ...request,
          markerVerb: config.settings.proxy.markerVerb,
          workers: false,
          ...(tool !== undefined && COMMAND_TOOLS.test(tool) ? { detectionHint: "output.log" } : {}),
          subject: { ...request.subject, ...(model === undefined ? {} : { model }) },
        })
        const compressed = numbered === undefined ? output : renumber(numbered, output)
        const before = summary.before?.tokens ?? 0
        const after = summary.after?.tokens ?? before
        // Each once, and copied: a marker's hash is a slice that would keep its whole output alive.
        const hashes = [...new Set(summary.markers.flatMap((m) => (m.hash === undefined ? [] : [m.hash])))].map(detach)
        if (compressed === text || summary.transforms.length === 0 || after >= before) {
          return { ...untouched(before), ...(summary.errors.length === 0 ? {} : { error: summary.errors.join("; ") }) }
        }
        return { text: compressed, tokensBefore: before, tokensAfter: after, transforms: summary.transforms, hashes }
      })

      const compress = (result: ToolResult, model: string | undefined): Effect.Effect<ToolResultOutcome> => {
        // A lone surrogate (output cut inside an emoji) has no UTF-8 form the store could give back.
        if (result.text.length < MIN_CHARS || !result.text.isWellFormed()) return Effect.succeed(untouched())
        const key = `${result.tool ?? ""}\0${model ?? ""}\0${contentHash(result.text)}`
        const known = memo.get(key)
        if (known !== undefined) return Effect.succeed(known)
        return services(run(result.text, result.tool, model)).pipe(
          Effect.catchCause((cause) => {
            const error = Cause.squash(cause)
            // Binary-looking output isn't a failure: it just isn't text to compress.
            if (error instanceof BinaryInput) return Effect.succeed(untouched())
            return Effect.succeed<ToolResultOutcome>({ ...untouched(), error: errorMessage(error) })
          }),
          Effect.tap((outcome) =>
            Effect.sync(() => {
              // A failure may be passing (a plugin timing out): try again next time.
              if (outcome.error === undefined) memo.set(key, outcome, 2 * (outcome.text?.length ?? 0) + 512)
            }),
          ),
        )
      }

      return ToolResultCompressor.of({
        compress,
        excluded: (tool) => tool !== undefined && excludedTools.has(tool.toLowerCase()),
        get memo() {
          return { entries: memo.size, bytes: memo.bytes }
        },
      })
    }),
  )
