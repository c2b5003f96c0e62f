import { Data, Effect, Stream } from "effect"
import { detect, looksBinary, type Detection } from "../detect/index.ts"
import { decodeLossless, encodeLossless } from "../io/utf8.ts"
import type { Marker } from "../markers/index.ts"
import { makeBlock, type ContentKind } from "../sdk/block.ts"
import type { Stage, Strategy } from "../sdk/stage.ts"
import type { TokenCount } from "../tokens/index.ts"
import {
  LONE_SEGMENT,
  Session,
  compressBlock,
  type BlockResult,
  type RunSettings,
  type StageStat,
  type TokenReport,
} from "./block.ts"
import { BUILT_IN_STAGES } from "./registry.ts"
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
  /** Forces the content kind instead of detecting it (`--type`). */
  readonly kind?: ContentKind
  /** Where the input came from, for detection hints and messages ("-" or undefined for stdin). */
  readonly path?: string
  /** Compress binary-looking input as text instead of refusing it. */
  readonly force?: boolean
  readonly stages?: ReadonlyArray<Stage>
  readonly markerVerb?: string
  readonly segmentBytes?: number
  /** Token counts in the summary (default: whatever the never-worse gate computed anyway). */
  readonly counts?: TokenReport
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
  readonly segments: number
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
    const settings: RunSettings = {
      strategy: request.strategy,
      maxTokens: request.maxTokens,
      stages: request.stages ?? BUILT_IN_STAGES,
      markerVerb: request.markerVerb ?? "retrieve",
      counts: request.counts ?? "estimate",
    }
    const session = new Session()
    const totals = new Totals()
    let detection: Detection | undefined
    const held: Array<string> = []
    const budgeted = request.maxTokens !== undefined

    const compressSegment = (segment: Segment) =>
      Effect.gen(function* () {
        if (segment.index === 0 && request.force !== true && looksBinary(segment.bytes.subarray(0, 8192))) {
          return yield* new BinaryInput({ source: request.path ?? "standard input" })
        }
        const text = decodeLossless(segment.bytes)
        detection ??= request.kind !== undefined ? { kind: request.kind, confidence: 1 } : detect(text, pathHint(request.path))
        const block = makeBlock(text, {
          kind: detection.kind,
          confidence: detection.confidence,
          origin: request.path === undefined ? {} : { path: request.path },
          ...(detection.language === undefined ? {} : { language: detection.language }),
        })
        const result = yield* compressBlock(block, settings, session, segment)
        totals.add(result, segment.bytes.length)
        // Each segment leaves megabytes of short-lived strings behind; left to its own pace the
        // collector lets a long stream grow far past what is alive. Collect when memory is high.
        if (!segment.last && segment.index % GC_EVERY === GC_EVERY - 1) { const t = performance.now(); Bun.gc(true); if (process.env.GCLOG) console.error("gc", (performance.now() - t).toFixed(1), Math.round(process.memoryUsage.rss() / 1e6), Math.round(process.memoryUsage().heapUsed / 1e6)) }
        return result.output.text
      })

    yield* input.pipe(
      Stream.mapAccum(
        () => new Segmenter(request.segmentBytes ?? DEFAULT_SEGMENT_BYTES),
        (segmenter, chunk: Uint8Array) => [segmenter, segmenter.push(chunk)] as const,
        { onHalt: (segmenter) => segmenter.end() },
      ),
      Stream.mapEffect(compressSegment),
      Stream.runForEach((text) => {
        if (budgeted) {
          held.push(text)
          return Effect.void
        }
        const bytes = encodeLossless(text)
        totals.bytesOut += bytes.length
        return write(bytes)
      }),
    )

    if (budgeted && held.length > 0) {
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
    return totals.summary(detection, performance.now() - started)
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

const pathHint = (path: string | undefined) => (path === undefined || path === "-" ? undefined : { path })

const MAX_LISTED_MARKERS = 10_000
const GC_EVERY = Number(process.env.GC_EVERY ?? 4)

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
  private segments = 0
  private bytesIn = 0
  bytesOut = 0

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
  }

  summary(detection: Detection | undefined, ms: number): CompressSummary {
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
      segments: this.segments,
      bytesIn: this.bytesIn,
      bytesOut: this.bytesOut,
      ms,
    }
  }
}
