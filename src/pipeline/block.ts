import { Cause, Duration, Effect, Exit, Option } from "effect"
import { formatMarker, parseMarkers, type Marker } from "../markers/index.ts"
import type { Block } from "../sdk/block.ts"
import { Unchanged, errorMessage, type Stage, type StageContext, type StageOptions, type Strategy } from "../sdk/stage.ts"
import { OriginalsStore, contentHash, type Original } from "../store/index.ts"
import { Tokenizer, type TokenCount } from "../tokens/index.ts"
import { Measured, hasFewerTokens } from "./measure.ts"

export type TokenReport = "none" | "estimate" | "exact"

export type StageOutcome = "applied" | "unchanged" | "reverted" | "failed" | "timed-out"

export interface StageStat {
  readonly stage: string
  readonly outcome: StageOutcome
  readonly ms: number
  readonly tokensIn?: number
  readonly tokensOut?: number
  readonly error?: string
}

export interface BlockResult {
  readonly input: Block
  readonly output: Block
  /** Token counts before and after, unless the run asked for none. */
  readonly before: TokenCount | undefined
  readonly after: TokenCount | undefined
  /** Names of the stages whose output was kept, in order. */
  readonly transforms: ReadonlyArray<string>
  readonly markers: ReadonlyArray<Marker>
  readonly stages: ReadonlyArray<StageStat>
  /** Failures that were absorbed (fail open); the block went on without that stage's change. */
  readonly errors: ReadonlyArray<string>
}

/** What stays fixed for every block of one run. */
export interface RunSettings {
  readonly strategy: Strategy
  readonly options: StageOptions
  readonly maxTokens: number | undefined
  readonly stages: ReadonlyArray<Stage>
  /** The word markers use before the hash ("retrieve", or a command the reader can run). */
  readonly markerVerb: string
  /**
   * What token counts to report: none (nobody will read them: no counting beyond what the gate
   * needs), the gate's own (estimates where it got by on them), or exact ones (--stats, --json).
   */
  readonly counts: TokenReport
}

/** Per-stream state shared by the blocks (segments) of one input. */
export class Session {
  private readonly states = new Map<string, unknown>()
  state<T>(stage: string, init: () => T): T {
    if (!this.states.has(stage)) this.states.set(stage, init())
    return this.states.get(stage) as T
  }
}

export interface SegmentPosition {
  readonly index: number
  readonly last: boolean
}

export const LONE_SEGMENT: SegmentPosition = { index: 0, last: true }

export const routes = (stage: Stage, block: Block): boolean =>
  (stage.kinds === "any" || stage.kinds.includes(block.kind)) && stage.match(block)

/**
 * Runs the stages routed to `block`, one after another. Each stage's output must have fewer
 * tokens than its input or it is dropped (never worse); a stage that fails or times out is
 * skipped (fail open). Originals behind accepted markers are written to the store before the
 * result is returned; if that write fails, the block goes out unchanged rather than with markers
 * that can't be redeemed.
 */
export const compressBlock = Effect.fn("Pipeline.compressBlock")(function* (
  block: Block,
  settings: RunSettings,
  session: Session = new Session(),
  segment: SegmentPosition = LONE_SEGMENT,
  /** Work done ahead on `block.text` by the worker thread, by stage name (see preparers.ts). */
  prepared?: Readonly<Record<string, unknown>>,
  /** The bytes `block.text` was decoded from, to hash and store without encoding it again. */
  source?: Uint8Array,
) {
  const tokenizer = yield* Tokenizer
  const store = yield* OriginalsStore
  const input = new Measured(block.text, tokenizer)
  let current = block
  let currentMeasure = input
  const transforms: Array<string> = []
  const retained = new Map<string, Original>()
  const stats: Array<StageStat> = []
  const errors: Array<string> = []

  for (const stage of settings.stages) {
    if (!routes(stage, current)) continue
    const stageRetained = new Map<string, Original>()
    const ctx: StageContext = {
      strategy: settings.strategy,
      options: settings.options,
      maxTokens: settings.maxTokens,
      countTokens: tokenizer.count,
      retain: (text) => {
        const bytes = text === block.text ? source : undefined
        const hash = contentHash(text, bytes)
        stageRetained.set(hash, { hash, text, kind: current.kind, ...(bytes === undefined ? {} : { bytes }) })
        return hash
      },
      marker: (marker) =>
        formatMarker(store.enabled ? marker : { summary: marker.summary }, settings.markerVerb),
      state: (init) => session.state(stage.name, init),
      segment,
      // Prepared data describes the original text; once a stage has changed it, it is stale.
      prepared: current === block ? prepared?.[stage.name] : undefined,
    }
    const started = performance.now()
    const exit = yield* stage.run(current, ctx).pipe(
      Effect.timeoutOption(Duration.millis(stage.timeoutMs)),
      Effect.exit,
    )
    const ms = performance.now() - started
    if (Exit.isFailure(exit)) {
      const message = failureMessage(exit.cause)
      errors.push(`stage ${stage.name} failed: ${message}`)
      stats.push({ stage: stage.name, outcome: "failed", ms, error: message })
      continue
    }
    if (Option.isNone(exit.value)) {
      errors.push(`stage ${stage.name} timed out after ${stage.timeoutMs} ms`)
      stats.push({ stage: stage.name, outcome: "timed-out", ms })
      continue
    }
    const result = exit.value.value
    if (result === Unchanged || result.text === current.text) {
      stats.push({ stage: stage.name, outcome: "unchanged", ms })
      continue
    }
    const candidate = new Measured(result.text, tokenizer)
    if (!hasFewerTokens(candidate, currentMeasure)) {
      stats.push({ stage: stage.name, outcome: "reverted", ms, tokensIn: currentMeasure.best.tokens, tokensOut: candidate.best.tokens })
      continue
    }
    stats.push({ stage: stage.name, outcome: "applied", ms, tokensIn: currentMeasure.best.tokens, tokensOut: candidate.best.tokens })
    current = result
    currentMeasure = candidate
    transforms.push(stage.name)
    for (const [hash, original] of stageRetained) retained.set(hash, original)
  }

  if (retained.size > 0 && store.enabled) {
    const written = yield* Effect.exit(store.put([...retained.values()]))
    if (Exit.isFailure(written)) {
      errors.push(`originals could not be stored, block left uncompressed: ${failureMessage(written.cause)}`)
      return unchangedResult(block, report(input, settings.counts), stats, errors)
    }
  }
  const result: BlockResult = {
    input: block,
    output: current,
    before: report(input, settings.counts),
    after: report(currentMeasure, settings.counts),
    transforms,
    // Read back from the text, so they are exactly the markers the reader will see.
    markers: transforms.length === 0 ? [] : parseMarkers(current.text),
    stages: stats,
    errors,
  }
  return result
})

const report = (m: Measured, counts: TokenReport): TokenCount | undefined => {
  if (counts === "none") return undefined
  if (counts === "estimate") return m.best
  const tokens = m.exact
  return { tokens, exact: m.best.exact }
}

const unchangedResult = (
  block: Block,
  count: TokenCount | undefined,
  stats: ReadonlyArray<StageStat>,
  errors: ReadonlyArray<string>,
): BlockResult => ({
  input: block,
  output: block,
  before: count,
  after: count,
  transforms: [],
  markers: [],
  stages: stats,
  errors,
})

const failureMessage = (cause: Cause.Cause<unknown>): string => errorMessage(Cause.squash(cause))
