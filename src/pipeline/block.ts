import { Cause, Duration, Effect, Exit, Option } from "effect"
import { formatMarker, parseMarkers, type Marker } from "../markers/index.ts"
import type { Block } from "../sdk/block.ts"
import { Unchanged, errorMessage, type Stage, type StageContext, type StageOptions, type Strategy } from "../sdk/stage.ts"
import { OriginalsStore, contentHash, type Original } from "../store/index.ts"
import { Tokenizer, type TokenCount, type TokenizerShape } from "../tokens/index.ts"
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
  /** Decisions worth telling the user (a savings bound that changed the result). */
  readonly notes: ReadonlyArray<string>
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
  /** A result saving less than this share of the tokens (0–1) is dropped (`min_compress_ratio`). */
  readonly minSaved?: number
  /**
   * A result saving more than this share (0–1) is redone with the next gentler strategy, and
   * dropped when even conservative saves more (`--max-savings`).
   */
  readonly maxSaved?: number
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

const GENTLER: Readonly<Record<Strategy, Strategy | undefined>> = {
  aggressive: "balanced",
  balanced: "conservative",
  conservative: undefined,
}

/**
 * Runs the stages routed to `block`, one after another. Redaction stages go first and their
 * change is always kept; after them, each stage's output must have fewer tokens than its input
 * or it is dropped (never worse); a stage that fails or times out is skipped (fail open). The
 * savings bounds of the run (`minSaved`, `maxSaved`) are then checked against the redacted
 * block. Originals behind accepted markers are written to the store before the result is
 * returned; if that write fails, the block goes out without compression rather than with markers
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
  const run = (from: Block, measure: Measured, stages: ReadonlyArray<Stage>, strategy: Strategy, stateOf: Session) =>
    runStages(from, measure, stages, { settings, strategy, session: stateOf, segment, prepared, source, original: block, tokenizer, storeEnabled: store.enabled })

  const redaction = yield* run(block, input, settings.stages.filter(isRedaction), settings.strategy, session)
  const baseline = redaction.output
  const baselineMeasure = redaction.measure
  const compressing = settings.stages.filter((s) => !isRedaction(s))
  let attempt = yield* run(baseline, baselineMeasure, compressing, settings.strategy, session)
  const notes: Array<string> = []
  let verdict = savingsVerdict(attempt.measure, baselineMeasure, settings)
  let strategy = settings.strategy
  // Too much removed: the gentler strategies get their turn, on state of their own (the run's
  // state already saw this block once).
  while (verdict === "too-much" && GENTLER[strategy] !== undefined) {
    strategy = GENTLER[strategy]!
    attempt = yield* run(baseline, baselineMeasure, compressing, strategy, new Session())
    verdict = savingsVerdict(attempt.measure, baselineMeasure, settings)
  }
  if (verdict !== "ok" && attempt.transforms.length > 0) {
    notes.push(
      verdict === "too-little"
        ? `saved less than the minimum of ${percent(settings.minSaved!)}: left as it was`
        : `even conservative saved more than the cap of ${percent(settings.maxSaved!)}: left as it was`,
    )
    attempt = { ...attempt, output: baseline, measure: baselineMeasure, transforms: [], retained: new Map() }
  } else if (strategy !== settings.strategy) notes.push(`saved more than the cap of ${percent(settings.maxSaved!)} with ${settings.strategy}: used ${strategy}`)

  const stats = [...redaction.stats, ...attempt.stats]
  const errors = [...redaction.errors, ...attempt.errors]
  const transforms = [...redaction.transforms, ...attempt.transforms, ...(strategy !== settings.strategy && attempt.transforms.length > 0 ? [`strategy:${strategy}`] : [])]
  if (attempt.retained.size > 0 && store.enabled) {
    const written = yield* Effect.exit(store.put([...attempt.retained.values()]))
    if (Exit.isFailure(written)) {
      errors.push(`originals could not be stored, block left uncompressed: ${failureMessage(written.cause)}`)
      return resultOf(block, baseline, input, baselineMeasure, settings.counts, redaction.transforms, stats, errors, notes)
    }
  }
  return resultOf(block, attempt.output, input, attempt.measure, settings.counts, transforms, stats, errors, notes)
})

const isRedaction = (stage: Stage): boolean => stage.purpose === "redact"

const percent = (share: number): string => `${Math.round(share * 1000) / 10}%`

/** Whether a result's savings against `baseline` sit inside the run's bounds. */
const savingsVerdict = (after: Measured, baseline: Measured, settings: RunSettings): "ok" | "too-little" | "too-much" => {
  if (settings.minSaved === undefined && settings.maxSaved === undefined) return "ok"
  if (after.text === baseline.text) return "ok"
  const before = baseline.exact
  const saved = before === 0 ? 0 : (before - after.exact) / before
  if (settings.minSaved !== undefined && saved < settings.minSaved) return "too-little"
  if (settings.maxSaved !== undefined && saved > settings.maxSaved) return "too-much"
  return "ok"
}

interface StageRunContext {
  readonly settings: RunSettings
  readonly strategy: Strategy
  readonly session: Session
  readonly segment: SegmentPosition
  readonly prepared: Readonly<Record<string, unknown>> | undefined
  readonly source: Uint8Array | undefined
  /** The block as it came in: its bytes are `source`, and prepared data describes it. */
  readonly original: Block
  readonly tokenizer: TokenizerShape
  readonly storeEnabled: boolean
}

interface StagesRun {
  readonly output: Block
  readonly measure: Measured
  readonly transforms: ReadonlyArray<string>
  readonly retained: ReadonlyMap<string, Original>
  readonly stats: ReadonlyArray<StageStat>
  readonly errors: ReadonlyArray<string>
}

const runStages = Effect.fn("Pipeline.runStages")(function* (
  from: Block,
  fromMeasure: Measured,
  stages: ReadonlyArray<Stage>,
  run: StageRunContext,
) {
  const { settings, tokenizer } = run
  let current = from
  let currentMeasure = fromMeasure
  const transforms: Array<string> = []
  const retained = new Map<string, Original>()
  const stats: Array<StageStat> = []
  const errors: Array<string> = []

  for (const stage of stages) {
    if (!routes(stage, current)) continue
    const stageRetained = new Map<string, Original>()
    const ctx: StageContext = {
      strategy: run.strategy,
      options: settings.options,
      maxTokens: settings.maxTokens,
      countTokens: tokenizer.count,
      retain: (text) => {
        const bytes = text === run.original.text ? run.source : undefined
        const hash = contentHash(text, bytes)
        stageRetained.set(hash, { hash, text, kind: current.kind, ...(bytes === undefined ? {} : { bytes }) })
        return hash
      },
      marker: (marker) => formatMarker(run.storeEnabled ? marker : { summary: marker.summary }, settings.markerVerb),
      state: (init) => run.session.state(stage.name, init),
      segment: run.segment,
      // Prepared data describes the original text; once a stage has changed it, it is stale.
      prepared: current === run.original ? run.prepared?.[stage.name] : undefined,
    }
    const started = performance.now()
    const exit = yield* stage.run(current, ctx).pipe(Effect.timeoutOption(Duration.millis(stage.timeoutMs)), Effect.exit)
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
    if (!isRedaction(stage) && !hasFewerTokens(candidate, currentMeasure)) {
      stats.push({ stage: stage.name, outcome: "reverted", ms, tokensIn: currentMeasure.best.tokens, tokensOut: candidate.best.tokens })
      continue
    }
    stats.push({ stage: stage.name, outcome: "applied", ms, tokensIn: currentMeasure.best.tokens, tokensOut: candidate.best.tokens })
    current = result
    currentMeasure = candidate
    transforms.push(stage.name)
    // What a redaction replaced is never kept: the redacted text is the original from here on.
    if (!isRedaction(stage)) for (const [hash, original] of stageRetained) retained.set(hash, original)
  }
  return { output: current, measure: currentMeasure, transforms, retained, stats, errors } satisfies StagesRun
})

const resultOf = (
  input: Block,
  output: Block,
  before: Measured,
  after: Measured,
  counts: TokenReport,
  transforms: ReadonlyArray<string>,
  stats: ReadonlyArray<StageStat>,
  errors: ReadonlyArray<string>,
  notes: ReadonlyArray<string>,
): BlockResult => ({
  input,
  output,
  before: report(before, counts),
  after: report(after, counts),
  transforms,
  // Read back from the text, so they are exactly the markers the reader will see.
  markers: transforms.length === 0 ? [] : parseMarkers(output.text),
  stages: stats,
  errors,
  notes,
})

const report = (m: Measured, counts: TokenReport): TokenCount | undefined => {
  if (counts === "none") return undefined
  if (counts === "estimate") return m.best
  const tokens = m.exact
  return { tokens, exact: m.best.exact }
}

const failureMessage = (cause: Cause.Cause<unknown>): string => errorMessage(Cause.squash(cause))
