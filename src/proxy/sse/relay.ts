import { Cause, Effect, Exit, Result, Stream, type Array as Arr } from "effect"
import type { SseEvent } from "../../sdk/plugin.ts"
import { encodeSseEvent, sseFrames, type SseFrame } from "./decode.ts"
import { usageFromEvents, type ApiKind, type Usage } from "./usage.ts"

export interface RelayOptions {
  readonly api: ApiKind
  /** Per event: return a changed event, null to drop it, undefined to keep its raw bytes. */
  readonly onEvent?: (frame: SseFrame) => Effect.Effect<SseEvent | null | undefined>
  /** Once, when the stream ends (completed, failed or cancelled), with the usage seen. */
  readonly onEnd?: (end: {
    readonly usage: Usage
    readonly outcome: "completed" | "failed" | "cancelled"
    readonly error?: unknown
  }) => void
}

/** Comments, keep-alives and stray blank lines: no event to show a hook, just bytes to pass on. */
const isEvent = (frame: SseFrame): boolean => frame.data !== "" || frame.event !== undefined || frame.id !== undefined

/**
 * Joins views that sit side by side in one buffer (unchanged events of one upstream chunk) so
 * the client gets one write per chunk rather than one per event.
 */
const joinAdjacent = <A>(items: Arr.NonEmptyReadonlyArray<A>, bytesOf: (item: A) => Uint8Array): Arr.NonEmptyArray<Uint8Array> => {
  let last = bytesOf(items[0])
  const out: Arr.NonEmptyArray<Uint8Array> = [last]
  for (let i = 1; i < items.length; i++) {
    const view = bytesOf(items[i]!)
    if (last.buffer === view.buffer && last.byteOffset + last.byteLength === view.byteOffset) {
      last = new Uint8Array(last.buffer, last.byteOffset, last.byteLength + view.byteLength)
      out[out.length - 1] = last
    } else {
      out.push(view)
      last = view
    }
  }
  return out
}

/**
 * Relays an upstream SSE response to the client event by event: each event is written as soon
 * as its blank line arrives, as its original bytes unless `onEvent` changes or drops it, so with
 * no changes the client gets exactly the upstream bytes. Usage is read on the way. Cancelling the
 * returned stream (the client went away) cancels the upstream one; an upstream error errors it.
 */
export const relaySse = (upstream: ReadableStream<Uint8Array>, options: RelayOptions): ReadableStream<Uint8Array> => {
  const meter = usageFromEvents(options.api)
  const frames = sseFrames(Stream.fromReadableStream({ evaluate: () => upstream, onError: (error) => error }))
  const { onEvent, onEnd } = options

  const bytes: Stream.Stream<Uint8Array, unknown> =
    onEvent === undefined
      ? Stream.mapArray(frames, (batch) =>
          joinAdjacent(batch, (frame) => {
            meter.observe(frame)
            return frame.raw
          }),
        )
      : frames.pipe(
          Stream.filterMapEffect((frame) => {
            meter.observe(frame)
            if (!isEvent(frame)) return Effect.succeed(Result.succeed(frame.raw))
            return Effect.suspend(() => onEvent(frame)).pipe(
              Effect.map((changed) =>
                changed === undefined ? Result.succeed(frame.raw) : changed === null ? Result.failVoid : Result.succeed(encodeSseEvent(changed)),
              ),
              // A hook that breaks must not break the response: the event goes through as it came.
              Effect.catchDefect(() => Effect.succeed(Result.succeed(frame.raw))),
            )
          }),
          Stream.mapArray((batch) => joinAdjacent(batch, (raw) => raw)),
        )

  const ended = bytes.pipe(
    Stream.onExit((exit) =>
      Effect.sync(() => {
        if (onEnd === undefined) return
        const usage = meter.usage()
        try {
          if (Exit.isSuccess(exit)) onEnd({ usage, outcome: "completed" })
          else if (Cause.hasInterruptsOnly(exit.cause)) onEnd({ usage, outcome: "cancelled" })
          else onEnd({ usage, outcome: "failed", error: Cause.squash(exit.cause) })
        } catch {
          // Accounting must never break the response it accounts for.
        }
      }),
    ),
  )
  // The client's stream errors without a reason: Bun would print a stack trace for a reason, on
  // every upstream that drops a stream; onEnd has already been told what happened.
  return Stream.toReadableStream(Stream.mapError(ended, () => undefined))
}
