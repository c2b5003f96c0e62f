import { Cause, Effect, Exit, Layer, Stream } from "effect"
import { InputError } from "../cli/errors.ts"
import { compressStream, type CompressRequest } from "../pipeline/stream.ts"
import { OriginalsStore } from "../store/index.ts"
import type { Job, JobOutcome } from "./protocol.ts"
import { ioReason } from "./io-error.ts"

/** How often (bytes read) a worker tells the coordinator how far it got in a long file. */
const PROGRESS_EVERY = 4 * 1024 * 1024

export interface FileSink {
  /** Compressed bytes, in order; not called on a dry run. */
  readonly chunk: ((bytes: Uint8Array) => void) | undefined
  readonly progress: (bytesRead: number) => void
}

/**
 * Compresses one file, streaming: the file is read and written a segment at a time, so memory
 * stays bounded whatever its size. Hashes the input on the way through for the manifest. Never
 * fails: every problem becomes a `skipped` or `failed` outcome for this file alone.
 */
export const compressFile = (job: Job, request: CompressRequest, sink: FileSink) =>
  Effect.gen(function* () {
    const started = performance.now()
    const ms = () => performance.now() - started
    if (job.expectSha256 !== undefined) {
      const hashed = yield* Effect.exit(Effect.tryPromise(() => hashFile(job.path)))
      if (Exit.isSuccess(hashed) && hashed.value === job.expectSha256) {
        return { status: "up-to-date", sha256: hashed.value, ms: ms() } satisfies JobOutcome
      }
    }
    const hasher = new Bun.CryptoHasher("sha256")
    let read = 0
    let reported = 0
    const input = Stream.fromReadableStream({
      evaluate: () => Bun.file(job.path).stream(),
      onError: (e) => new InputError({ path: job.source, reason: ioReason(e) }),
    }).pipe(
      Stream.tap((chunk) =>
        Effect.sync(() => {
          hasher.update(chunk)
          read += chunk.length
          if (read - reported >= PROGRESS_EVERY) {
            reported = read
            sink.progress(read)
          }
        }),
      ),
    )
    const write = (bytes: Uint8Array) => Effect.sync(() => sink.chunk?.(bytes))
    const exit = yield* Effect.exit(compressStream(input, request, write))
    if (Exit.isFailure(exit)) return failureOutcome(Cause.squash(exit.cause), ms())
    const summary = exit.value
    const before = summary.before?.tokens ?? 0
    const after = summary.after?.tokens ?? 0
    return {
      status: after < before ? "compressed" : "unchanged",
      sha256: hasher.digest("hex"),
      bytesIn: summary.bytesIn,
      bytesOut: summary.bytesOut,
      tokensBefore: before,
      tokensAfter: after,
      warnings: summary.errors,
      ms: ms(),
    } satisfies JobOutcome
  })

const failureOutcome = (error: unknown, ms: number): JobOutcome => {
  const tag = typeof error === "object" && error !== null ? (error as { _tag?: string })._tag : undefined
  if (tag === "BinaryInput") return { status: "skipped", reason: "looks like binary data (--force compresses it as text)", ms }
  if (tag === "InputError") return { status: "failed", reason: `cannot read: ${(error as InputError).reason}`, ms }
  return { status: "failed", reason: error instanceof Error ? error.message : String(error), ms }
}

const hashFile = async (path: string): Promise<string> => {
  const hasher = new Bun.CryptoHasher("sha256")
  for await (const chunk of Bun.file(path).stream()) hasher.update(chunk)
  return hasher.digest("hex")
}

/**
 * The store of a dry run: markers get their hashes, so the counts are those of a real run, but
 * nothing is written.
 */
export const RetainNothingStore = Layer.succeed(OriginalsStore, {
  enabled: true,
  put: () => Effect.void,
  get: () => Effect.succeed(undefined),
})
