import { Data, Effect } from "effect"
import type { Block, ContentKind } from "./block.ts"
import type { LineRange, Marker } from "../markers/index.ts"

/** How much detail to trade for savings. */
export const STRATEGIES = ["conservative", "balanced", "aggressive"] as const
export type Strategy = (typeof STRATEGIES)[number]

/**
 * A stage's answer when it has nothing to change. A registered symbol, so a plugin loaded from
 * disk can return `Symbol.for("headroom.unchanged")` without importing anything.
 */
export const Unchanged: unique symbol = Symbol.for("headroom.unchanged") as never
export type Unchanged = typeof Unchanged

export type StageResult = Block | Unchanged

/** What the user asked for beyond a strategy; the same for every block of a run. */
export interface StageOptions {
  /**
   * Only lossless rewrites (`--lossless`): a stage that honours it drops nothing, and its output
   * decodes back to the input (see `headroom expand`). Stages that can't be lossless leave the
   * block unchanged.
   */
  readonly lossless: boolean
  /** Names of code symbols (functions, classes, methods) whose bodies stay whole (`--keep-symbol`). */
  readonly keepSymbols: ReadonlyArray<string>
  /** Content matching any of these is kept whatever the strategy: lines, JSON items, matches (`--keep`). */
  readonly keepPatterns: ReadonlyArray<RegExp>
}

export const DEFAULT_STAGE_OPTIONS: StageOptions = { lossless: false, keepSymbols: [], keepPatterns: [] }

/** What the pipeline lends a stage while it runs on one block. */
export interface StageContext {
  readonly strategy: Strategy
  readonly options: StageOptions
  /** Token budget for this block's output, when the user set one. */
  readonly maxTokens: number | undefined
  /** Exact token count of `text` in the run's encoding. */
  readonly countTokens: (text: string) => number
  /**
   * Keeps `original` redeemable and returns its content hash (full SHA-256 hex). It is written to
   * the originals store only if the stage's output is accepted.
   */
  readonly retain: (original: string) => string
  /**
   * Formats a marker (see src/markers) and records it in the result. Pass the hash from `retain`;
   * with the store disabled the marker comes out without one.
   */
  readonly marker: (marker: Marker) => string
  /**
   * State that lives as long as the input stream: a long input arrives as several blocks
   * (segments) and a stage may carry what it learned from one to the next. Keyed by stage name.
   */
  readonly state: <T>(init: () => T) => T
  /** Position of this block in its stream; `{ index: 0, last: true }` for a lone block. */
  readonly segment: { readonly index: number; readonly last: boolean }
  /**
   * Work on this block's text that the pipeline did ahead of time on a worker thread, while the
   * previous block of a long stream was compressed (built-in stages only, see
   * src/pipeline/preparers.ts); undefined otherwise, and the stage does that work itself.
   */
  readonly prepared: unknown
}

/**
 * The marker writer most stages want: `original` is retained on the first marker (a stage that
 * ends up omitting nothing stores nothing), and every marker redeems it, or the 1-based line
 * `range` of it.
 */
export const originalMarkers = (ctx: StageContext, original: string) => {
  let hash: string | undefined
  return (summary: string, range?: LineRange): string => {
    hash ??= ctx.retain(original)
    return ctx.marker({ summary, hash, ...(range === undefined ? {} : { range }) })
  }
}

/** A failure inside a stage. The pipeline logs it, counts it, and keeps the block as it was. */
export class StageError extends Data.TaggedError("StageError")<{
  readonly stage: string
  readonly message: string
  readonly cause?: unknown
}> {}

/**
 * One step of the pipeline: `Block → Effect<Block | Unchanged>`.
 * Routed to blocks whose kind is in `kinds` and that pass `match`; cut off after `timeoutMs`.
 */
export interface Stage {
  readonly name: string
  readonly description: string
  readonly kinds: ReadonlyArray<ContentKind> | "any"
  readonly match: (block: Block) => boolean
  readonly timeoutMs: number
  /**
   * "redact" stages (masking secrets) run before every other stage and are exempt from the
   * never-worse gate: their change is kept whatever it costs in tokens, and the redacted text is
   * what later stages see and what the store keeps. Default "compress".
   */
  readonly purpose?: StagePurpose
  readonly run: (block: Block, ctx: StageContext) => Effect.Effect<StageResult, StageError>
}

export type StagePurpose = "compress" | "redact"

type Awaitable<A> = A | PromiseLike<A>

/** What a stage author may return: a result, `undefined` for unchanged, a promise or an Effect of either. */
export type StageReturn =
  | Awaitable<StageResult | undefined | null>
  | Effect.Effect<StageResult | undefined | null, unknown>

export interface StageSpec {
  readonly name: string
  readonly description?: string
  readonly kinds?: ReadonlyArray<ContentKind> | "any"
  readonly match?: (block: Block) => boolean
  readonly timeoutMs?: number
  readonly purpose?: StagePurpose
  readonly run: (block: Block, ctx: StageContext) => StageReturn
}

export const DEFAULT_STAGE_TIMEOUT_MS = 5_000

/**
 * Builds a Stage from a plain function, so authors need not know Effect: return a block, a
 * promise, an Effect, or `undefined` for "unchanged". Throws, rejections and results that are not
 * blocks become a `StageError` naming the stage.
 *
 * @example
 * ```ts
 * export default defineStage({
 *   name: "drop-debug-lines",
 *   kinds: ["log"],
 *   run: (block) => {
 *     const text = block.text.split("\n").filter((l) => !l.includes(" DEBUG ")).join("\n")
 *     return text === block.text ? Unchanged : withText(block, text)
 *   },
 * })
 * ```
 */
export const defineStage = (spec: StageSpec): Stage => {
  const fail = (message: string, cause?: unknown) =>
    new StageError({ stage: spec.name, message, ...(cause === undefined ? {} : { cause }) })
  const check = (value: unknown, input: Block): Effect.Effect<StageResult, StageError> => {
    if (value === undefined || value === null || value === Unchanged) return Effect.succeed(Unchanged)
    if (typeof value === "object" && typeof (value as Block).text === "string") {
      const out = value as Block
      return Effect.succeed(out === input || out.text === input.text ? Unchanged : { ...input, ...out })
    }
    return Effect.fail(fail(`returned ${describe(value)} instead of a block or Unchanged`))
  }
  return {
    name: spec.name,
    description: spec.description ?? "",
    kinds: spec.kinds ?? "any",
    match: spec.match ?? (() => true),
    timeoutMs: spec.timeoutMs ?? DEFAULT_STAGE_TIMEOUT_MS,
    ...(spec.purpose === undefined ? {} : { purpose: spec.purpose }),
    run: (block, ctx) =>
      Effect.suspend(() => {
        let returned: StageReturn
        try {
          returned = spec.run(block, ctx)
        } catch (error) {
          return Effect.fail(fail(errorMessage(error), error))
        }
        if (Effect.isEffect(returned)) {
          return Effect.flatMap(
            Effect.mapError(returned, (error) => fail(errorMessage(error), error)),
            (value) => check(value, block),
          )
        }
        if (isPromiseLike(returned)) {
          return Effect.flatMap(
            Effect.tryPromise({ try: () => Promise.resolve(returned), catch: (e) => fail(errorMessage(e), e) }),
            (value) => check(value, block),
          )
        }
        return check(returned, block)
      }),
  }
}

const isPromiseLike = (u: unknown): u is PromiseLike<unknown> =>
  typeof u === "object" && u !== null && typeof (u as PromiseLike<unknown>).then === "function"

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object without text" : `a ${typeof value}`

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === "string" ? error : JSON.stringify(error)
