/** Runs the real pipeline in-process with a throwaway originals store, for tests. */
import { expect } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { parseMarkers } from "../../src/markers/index.ts"
import { compressText, type CompressRequest } from "../../src/pipeline/stream.ts"
import { OriginalsStore } from "../../src/store/index.ts"
import { SqliteStoreLayer } from "../../src/store/sqlite.ts"
import { TokenizerLayer, makeTokenizer } from "../../src/tokens/index.ts"
import { decodeLossless } from "../../src/io/utf8.ts"
import { sliceLines } from "../../src/cli/commands/retrieve/lines.ts"
import { DEFAULT_STAGE_OPTIONS, type ContentKind, type Stage, type Strategy } from "../../src/sdk/index.ts"

export const tokenizer = makeTokenizer("o200k_base")

export const withStore = () => {
  const home = mkdtempSync(join(tmpdir(), "headroom-test-"))
  const layer = Layer.merge(TokenizerLayer("o200k_base"), SqliteStoreLayer({ path: join(home, "headroom.db"), ttlMs: 3_600_000, maxBytes: 2 ** 32 }))
  return {
    home,
    compress: (text: string, request: Partial<CompressRequest> = {}) =>
      Effect.runPromise(compressText(text, { strategy: "balanced", counts: "exact", ...request }).pipe(Effect.provide(layer))),
    /** The original text behind a marker reference, exactly as `headroom retrieve` prints it. */
    retrieve: (hash: string, range?: { from: number; to: number }) =>
      Effect.runPromise(
        Effect.gen(function* () {
          const store = yield* OriginalsStore
          const found = yield* store.get(hash)
          if (found === undefined) return undefined
          const bytes = range === undefined ? found.bytes : sliceLines(found.bytes, range.from, range.to)
          return bytes === undefined ? undefined : decodeLossless(bytes)
        }).pipe(Effect.provide(layer)),
      ),
    cleanup: () => rmSync(home, { recursive: true, force: true }),
  }
}

/** Every marker in `output` must redeem to text; returns what each one stands for. */
export const redeemAll = async (store: ReturnType<typeof withStore>, output: string) => {
  const redeemed: Array<string> = []
  for (const marker of parseMarkers(output)) {
    if (marker.hash === undefined) throw new Error(`marker without hash: ${marker.summary}`)
    const text = await store.retrieve(marker.hash, marker.range)
    if (text === undefined) throw new Error(`marker not redeemable: ${marker.summary}`)
    redeemed.push(text)
  }
  return redeemed
}

/** Options a stage's tests vary, as the CLI's flags would. */
export interface StageRun {
  readonly strategy?: Strategy
  readonly maxTokens?: number
  readonly keep?: ReadonlyArray<RegExp>
  readonly segmentBytes?: number
}

/** Runs one stage alone through the real pipeline, on blocks forced to `kind`. */
export const stageRunner =
  (store: ReturnType<typeof withStore>, stage: Stage, kind: ContentKind) =>
  (text: string, run: StageRun = {}) =>
    store.compress(text, {
      kind,
      stages: [stage],
      strategy: run.strategy ?? "balanced",
      ...(run.maxTokens === undefined ? {} : { maxTokens: run.maxTokens }),
      ...(run.keep === undefined ? {} : { options: { ...DEFAULT_STAGE_OPTIONS, keepPatterns: run.keep } }),
      ...(run.segmentBytes === undefined ? {} : { segmentBytes: run.segmentBytes }),
    })

/** Every marker of `output` redeems to exactly the original lines of its range (or the whole original). */
export const expectRedeemsExactly = async (store: ReturnType<typeof withStore>, output: string, original: string) => {
  const markers = parseMarkers(output)
  const redeemed = await redeemAll(store, output)
  const lines = original.split("\n")
  markers.forEach((m, i) => {
    if (m.range === undefined) expect(redeemed[i]).toBe(original)
    else expect(redeemed[i]).toBe(`${lines.slice(m.range.from - 1, m.range.to).join("\n")}\n`)
  })
  return markers
}
