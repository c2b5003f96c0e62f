import { Data, Deferred, Effect, Stream } from "effect"
import { detect, looksBinary, type Detection } from "../detect/index.ts"
import { concatBytes, decodeLossless, encodeLossless } from "../io/utf8.ts"
import type { Marker } from "../markers/index.ts"
import { makeBlock, type ContentKind } from "../sdk/block.ts"
import { DEFAULT_STAGE_OPTIONS, type Stage, type StageOptions, type Strategy } from "../sdk/stage.ts"
import { Tokenizer, type TokenCount, type TokenizerShape } from "../tokens/index.ts"
import { dedupStage } from "../compressors/dedup/index.ts"
import { lineFilterStage } from "../rules/line-filter.ts"
import { NO_RULES, isEmptyFilter, resolveRules, type ResolvedRules } from "../rules/resolve.ts"
import type { Rule, RuleSubject } from "../rules/rule.ts"
import {
  LONE_SEGMENT,
  Session,
  compressBlock,
  routes,
  type BlockResult,
  type RunSettings,
  type StageStat,
  type TokenReport,
} from "./block.ts"
import { BUILT_IN_STAGES } from "./registry.ts"
import { Preparer } from "./preparer.ts"
import { PREPARERS } from "./preparers.ts"
import { DEFAULT_SEGMENT_BYTES, Segmenter, type Segment } from "./segmenter.ts"

/** Input that is binary (NUL bytes, control characters, a known binary format). */
export class BinaryInput extends Data.TaggedError("BinaryInput")<{ readonly source: string }> {
  override get message() {
    return `${this.source} looks like binary data, not text; refusing to compress it (use --force to treat it as text)`
  }
}

export interface CompressRequest {
  readonly strategy: Strategy
  readonly maxTokens?: number
  /** `--lossless`, `--keep-symbol`, `--keep` (defaults: none of them). */
  readonly options?: StageOptions
  /** Forces the content kind instead of detecting it (`--type`). */
  readonly kind?: ContentKind
  /** Where the input came from, for detection hints and messages ("-" or undefined for stdin). */
  readonly path?: string
  /**
   * A file name that only nudges detection, as an extension does (the proxy's command outputs
   * read as `output.log`); unlike `path`, rules never match on it.
   */
  readonly detectionHint?: string
  /** Compress binary-looking input as text instead of refusing it. */
  readonly force?: boolean
  readonly stages?: ReadonlyArray<Stage>
  readonly markerVerb?: string
  readonly segmentBytes?: number
  /** Token counts in the summary (default: whatever the never-worse gate computed anyway). */
  readonly counts?: TokenReport
  /** Use a worker thread for long streams (default true); the output is the same either way. */
  readonly workers?: boolean
  /**
   * Rules from the configuration and the packs, resolved for this input once its kind is known
   * (see src/rules/resolve.ts); `stages` is then composed from what they ask for.
   */
  readonly rules?: ReadonlyArray<Rule>
  /** Facts rules may match on that the stream itself can't tell. */
  readonly subject?: RequestSubject
  /** Settings the user gave on this run (flag or environment): rules don't override them. */
  readonly pinned?: ReadonlySet<"strategy" | "maxTokens">
  /** Stages and plugins switched off everywhere (rules may switch them back on). */
  readonly disabled?: ReadonlyArray<string>
  /** Plugin stages: redaction ones run first, the others before the built-in compressors. */
  readonly plugins?: PluginStages
  /** The largest share of a block's tokens that may be removed, in percent (`--max-savings`). */
  readonly maxSavings?: number
}

export interface RequestSubject {
  readonly tool?: string
  readonly model?: string
  /** Size of the whole input when known up front (a file's size). */
  readonly bytes?: number
}

export interface PluginStages {
  /** Redaction stages: they run before every other stage, and their change is always kept. */
  readonly redact: ReadonlyArray<Stage>
  readonly compress: ReadonlyArray<Stage>
}

export interface CompressSummary {
  readonly kind: ContentKind
  readonly language?: string
  readonly confidence: number
  /** Undefined when the request asked for no counts. */
  readonly before: TokenCount | undefined
  readonly after: TokenCount | undefined
  readonly transforms: ReadonlyArray<string>
  readonly markers: ReadonlyArray<Marker>
  readonly stages: ReadonlyArray<StageStat>
  readonly errors: ReadonlyArray<string>
  /** Decisions worth telling the user, each once (a savings bound that changed a result). */
  readonly notes: ReadonlyArray<string>
  /** Ids of the rules that applied to this input. */
  readonly rules: ReadonlyArray<string>
  readonly segments: number
  /** Segments whose line analysis was done ahead on the worker thread. */
  readonly preparedAhead: number
  readonly bytesIn: number
  readonly bytesOut: number
  readonly ms: number
}

/**
 * Compresses a byte stream, writing output as each segment is done: memory stays bounded by the
 * segment size whatever the input size. With a token budget and more than one segment, the
 * compressed segments are held and fitted to the budget together at the end.
 */
export const compressStream = <E, W>(
  input: Stream.Stream<Uint8Array, E>,
  request: CompressRequest,
  write: (bytes: Uint8Array) => Effect.Effect<void, W>,
) =>
  Effect.gen(function* () {
    const started = performance.now()
    const tokenizer = yield* Tokenizer
    // Settled with the first segment, once rules can see the input's kind and first bytes.
    let settings: RunSettings = runSettings(request, NO_RULES)
    let resolved: ResolvedRules = NO_RULES
    const session = new Session()
    const totals = new Totals()
    let detection: Detection | undefined
    const detected = yield* Deferred.make<Detection>()
    let toPrepare: ReadonlyArray<string> = []
    const preparer = request.workers === false ? undefined : new Preparer()
    const held: Array<string> = []
    const budgeted = () => settings.maxTokens !== undefined

    // Segment 0 is checked and detected here; later segments are handed to the preparer, which
    // works on segment n+1 on its own thread while segment n is being compressed.
    const prepareAhead = (segment: Segment) =>
      Effect.gen(function* (): Effect.fn.Return<ReadySegment, BinaryInput> {
        if (segment.index === 0) {
          if (request.force !== true && looksBinary(segment.bytes.subarray(0, 8192))) {
            return yield* new BinaryInput({ source: request.path ?? "standard input" })
          }
          const text = decodeLossless(segment.bytes)
          const found = detect(text, pathHint(request.path ?? request.detectionHint))
          // A forced kind keeps what detection learned about it (a code file's language).
          detection =
            request.kind === undefined
              ? found
              : { kind: request.kind, confidence: 1, ...(found.kind === request.kind && found.language !== undefined ? { language: found.language } : {}) }
          if (request.rules !== undefined && request.rules.length > 0) {
            resolved = resolveRules(request.rules, subjectOf(request, detection.kind, text, segment, tokenizer))
            settings = runSettings(request, resolved)
          }
          const probe = makeBlock("", { kind: detection.kind })
          toPrepare = settings.stages
            .filter((s) => BUILT_IN_STAGES.includes(s) && PREPARERS[s.name] !== undefined && routes(s, probe))
            .map((s) => s.name)
          yield* Deferred.succeed(detected, detection)
          return { segment, text, prepared: undefined }
        }
        yield* Deferred.await(detected)
        const prepared = preparer === undefined ? undefined : yield* preparer.prepare(segment.bytes, toPrepare)
        return { segment, text: undefined, prepared }
      })

    // Documents that only parse whole (JSON, code, HTML, XML) are gathered up to a cap, not cut.
    const gathered: Array<Uint8Array> = []
    let gatheredBytes = 0
    let gathering = true

    const compressSegment = (ready: ReadySegment) =>
      Effect.gen(function* () {
        const d = detection!
        let { segment, text } = ready
        const prepared = ready.prepared
        if (gathering && isWholeDocument(d)) {
          gathered.push(segment.bytes)
          gatheredBytes += segment.bytes.length
          if (!segment.last && gatheredBytes <= WHOLE_DOCUMENT_MAX_BYTES) return ""
          // Past the cap the rest streams on in segments (which then mostly pass through as they are).
          gathering = false
          if (gathered.length > 1) {
            segment = { bytes: concatBytes(gathered), index: 0, last: segment.last }
            text = undefined
          }
          gathered.length = 0
        }
        const block = makeBlock(text ?? decodeLossless(segment.bytes), {
          kind: d.kind,
          confidence: d.confidence,
          origin: request.path === undefined ? {} : { path: request.path },
          ...(d.language === undefined ? {} : { language: d.language }),
        })
        const result = yield* compressBlock(block, settings, session, segment, prepared, segment.bytes)
        totals.add(result, segment.bytes.length)
        if (prepared !== undefined) totals.preparedAhead++
        if (!segment.last && segment.index % COLLECT_EVERY === COLLECT_EVERY - 1) Bun.gc(true)
        return result.output.text
      })

    yield* input.pipe(
      Stream.mapAccum(
        () => new Segmenter(request.segmentBytes ?? DEFAULT_SEGMENT_BYTES),
        (segmenter, chunk: Uint8Array) => [segmenter, segmenter.push(chunk)] as const,
        { onHalt: (segmenter) => segmenter.end() },
      ),
      Stream.mapEffect(prepareAhead, { concurrency: 2 }),
      Stream.mapEffect(compressSegment),
      Stream.runForEach((text) => {
        if (budgeted()) {
          held.push(text)
          return Effect.void
        }
        const bytes = encodeLossless(text)
        totals.bytesOut += bytes.length
        return write(bytes)
      }),
      Effect.ensuring(Effect.sync(() => preparer?.close())),
    )

    if (budgeted() && held.length > 0) {
      let text = held.join("")
      if (held.length > 1) {
        // Each segment met the budget on its own; together they must meet it once more.
        const joined = makeBlock(text, { kind: detection!.kind, confidence: detection!.confidence })
        const refit = yield* compressBlock(joined, settings, new Session(), LONE_SEGMENT)
        totals.refit(refit)
        text = refit.output.text
      }
      const bytes = encodeLossless(text)
      totals.bytesOut += bytes.length
      yield* write(bytes)
    }
    return totals.summary(detection, resolved.applied, performance.now() - started)
  })

/** Compresses a whole string (the in-process API used by tests, benchmarks and the proxy). */
export const compressText = (text: string, request: CompressRequest) =>
  Effect.gen(function* () {
    const chunks: Array<Uint8Array> = []
    const summary = yield* compressStream(Stream.make(encodeLossless(text)), request, (bytes) =>
      Effect.sync(() => {
        chunks.push(bytes)
      }),
    )
    const output = chunks.map((c) => decodeLossless(c)).join("")
    return { text: output, summary }
  })

/**
 * The settings of a run once its rules are resolved. Rules override the run's own strategy and
 * budget unless the user pinned them on the command line or in the environment; keep_lines join
 * `--keep`; `compress: false` leaves only redaction and dedup.
 */
const runSettings = (request: CompressRequest, resolved: ResolvedRules): RunSettings => {
  const pinned = request.pinned ?? new Set()
  const options = request.options ?? DEFAULT_STAGE_OPTIONS
  // --lossless drops nothing, so a rule's budget (which may have to) gives way to it.
  const maxTokens = pinned.has("maxTokens") || options.lossless ? request.maxTokens : (resolved.maxTokens ?? request.maxTokens)
  return {
    strategy: pinned.has("strategy") ? request.strategy : (resolved.strategy ?? request.strategy),
    options: resolved.lines.keep.length === 0 ? options : { ...options, keepPatterns: [...options.keepPatterns, ...resolved.lines.keep] },
    maxTokens: resolved.compress ? maxTokens : undefined,
    stages: composeStages(request, resolved),
    markerVerb: request.markerVerb ?? "retrieve",
    counts: request.counts ?? "estimate",
    ...(resolved.minCompressRatio === undefined ? {} : { minSaved: resolved.minCompressRatio }),
    ...(request.maxSavings === undefined ? {} : { maxSaved: request.maxSavings / 100 }),
  }
}

/** Redaction plugins, the rules' line filter, dedup, plugin stages, then the built-in stages. */
const composeStages = (request: CompressRequest, resolved: ResolvedRules): ReadonlyArray<Stage> => {
  const disabled = request.disabled ?? []
  const on = (stage: Stage): boolean => {
    const owner = stage.name.split("/")[0]!
    return resolved.switches.get(stage.name) ?? resolved.switches.get(owner) ?? !(disabled.includes(stage.name) || disabled.includes(owner))
  }
  const redact = (request.plugins?.redact ?? []).filter(on)
  const dedup = resolved.dedup && on(dedupStage) ? [dedupStage] : []
  if (!resolved.compress) return [...redact, ...dedup]
  const lines = isEmptyFilter(resolved.lines) ? [] : [lineFilterStage(resolved.lines)]
  return [...redact, ...lines, ...dedup, ...(request.plugins?.compress ?? []).filter(on), ...(request.stages ?? BUILT_IN_STAGES).filter(on)]
}

/** What rules match on: the request's facts plus what the first segment shows. */
const subjectOf = (request: CompressRequest, kind: ContentKind, sample: string, first: Segment, tokenizer: TokenizerShape): RuleSubject => {
  const bytes = request.subject?.bytes ?? first.bytes.length
  let tokens: number | undefined
  return {
    ...(request.path === undefined || request.path === "-" ? {} : { path: request.path }),
    ...(request.subject?.tool === undefined ? {} : { tool: request.subject.tool }),
    ...(request.subject?.model === undefined ? {} : { model: request.subject.model }),
    kind,
    bytes,
    sample,
    tokens: () => {
      // Past the first segment, the whole input's count is extrapolated from it.
      tokens ??= Math.round(tokenizer.estimate(sample).tokens * (first.bytes.length === 0 ? 1 : bytes / first.bytes.length))
      return tokens
    },
  }
}

/** A segment ready to compress: its text if already decoded, what the worker prepared for it. */
interface ReadySegment {
  readonly segment: Segment
  readonly text: string | undefined
  readonly prepared: Record<string, unknown> | undefined
}

const pathHint = (path: string | undefined) => (path === undefined || path === "-" ? undefined : { path })

/** Kinds whose stages need the whole document: a JSON value, a source file, an HTML page, XML. */
const WHOLE_DOCUMENT_KINDS: ReadonlyArray<ContentKind> = ["json", "code", "html"]
const isWholeDocument = (d: Detection): boolean =>
  WHOLE_DOCUMENT_KINDS.includes(d.kind) || (d.kind === "text" && d.language === "xml")
const WHOLE_DOCUMENT_MAX_BYTES = 64 * 1024 * 1024

const MAX_LISTED_MARKERS = 10_000
// Full collections every few segments keep a gigabyte stream under ~250 MB of memory; left to
// its own pace, the collector lets the heap grow several times past what is alive.
const COLLECT_EVERY = 2

/** Adds up per-segment results into one summary. */
class Totals {
  private beforeTokens = 0
  private afterTokens = 0
  private exact = true
  private counted = true
  private readonly transforms: Array<string> = []
  private markers: Array<Marker> = []
  private readonly stages = new Map<string, { stat: StageStat; ms: number; applied: number }>()
  private readonly errors: Array<string> = []
  private readonly notes = new Set<string>()
  private segments = 0
  private bytesIn = 0
  bytesOut = 0
  preparedAhead = 0

  add(result: BlockResult, bytes: number) {
    this.segments++
    this.bytesIn += bytes
    if (result.before === undefined || result.after === undefined) this.counted = false
    else {
      this.beforeTokens += result.before.tokens
      this.afterTokens += result.after.tokens
      this.exact &&= result.before.exact && result.after.exact
    }
    for (const t of result.transforms) if (!this.transforms.includes(t)) this.transforms.push(t)
    // A summary is for reading: past a cap, markers are counted, not listed.
    for (const m of result.markers) if (this.markers.length < MAX_LISTED_MARKERS) this.markers.push(m)
    this.errors.push(...result.errors)
    for (const note of result.notes) this.notes.add(note)
    for (const s of result.stages) {
      const known = this.stages.get(s.stage)
      if (known === undefined) this.stages.set(s.stage, { stat: s, ms: s.ms, applied: s.outcome === "applied" ? 1 : 0 })
      else {
        known.ms += s.ms
        if (s.outcome === "applied") known.applied++
      }
    }
  }

  /** The budget pass replaces what the segments produced with one fitted text. */
  refit(result: BlockResult) {
    if (result.after === undefined) this.counted = false
    else {
      this.afterTokens = result.after.tokens
      this.exact &&= result.after.exact
    }
    this.markers = [...result.markers]
    for (const t of result.transforms) if (!this.transforms.includes(t)) this.transforms.push(t)
    this.errors.push(...result.errors)
    for (const note of result.notes) this.notes.add(note)
  }

  summary(detection: Detection | undefined, rules: ReadonlyArray<string>, ms: number): CompressSummary {
    const stages = [...this.stages.values()].map(({ stat, ms: total, applied }) => ({
      ...stat,
      ms: total,
      outcome: applied > 0 ? ("applied" as const) : stat.outcome,
    }))
    return {
      kind: detection?.kind ?? "text",
      ...(detection?.language === undefined ? {} : { language: detection.language }),
      confidence: detection?.confidence ?? 0,
      before: this.counted ? { tokens: this.beforeTokens, exact: this.exact } : undefined,
      after: this.counted ? { tokens: this.afterTokens, exact: this.exact } : undefined,
      transforms: this.transforms,
      markers: this.markers,
      stages,
      errors: this.errors,
      notes: [...this.notes],
      rules,
      segments: this.segments,
      preparedAhead: this.preparedAhead,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      ms,
    }
  }
}
