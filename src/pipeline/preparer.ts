import { Effect } from "effect"
import type { PrepareReply, PrepareRequest } from "./prepare-worker.ts"
import { workerUrl } from "../io/workers.ts"

const WORKER_URL = workerUrl("pipeline/prepare-worker.ts")

/**
 * Runs built-in stages' `prepare` on a worker thread, one segment ahead of compression, so a long
 * stream uses a second core. Anything going wrong here only costs speed: the stage then prepares
 * inline, and the output is the same.
 */
export class Preparer {
  private worker: Worker | undefined
  private failed = false
  private nextId = 0
  private readonly pending = new Map<number, (prepared: Record<string, unknown> | undefined) => void>()

  /** Prepared data by stage name, or undefined when the worker is unavailable. */
  prepare(bytes: Uint8Array, stages: ReadonlyArray<string>): Effect.Effect<Record<string, unknown> | undefined> {
    if (stages.length === 0) return Effect.succeed(undefined)
    return Effect.promise(
      () =>
        new Promise<Record<string, unknown> | undefined>((resolve) => {
          const worker = this.start()
          if (worker === undefined) return resolve(undefined)
          const id = this.nextId++
          this.pending.set(id, resolve)
          // The main thread still needs the bytes: hand over a copy, moved rather than cloned.
          const copy = bytes.slice()
          worker.postMessage({ id, bytes: copy, stages } satisfies PrepareRequest, [copy.buffer])
        }),
    )
  }

  close(): void {
    this.worker?.terminate()
    this.worker = undefined
    this.settleAll()
  }

  private start(): Worker | undefined {
    if (this.worker !== undefined || this.failed) return this.worker
    try {
      const worker = new Worker(WORKER_URL)
      worker.unref()
      worker.onmessage = (event: MessageEvent<PrepareReply>) => {
        const resolve = this.pending.get(event.data.id)
        this.pending.delete(event.data.id)
        resolve?.(event.data.error === undefined ? event.data.prepared : undefined)
      }
      worker.onerror = () => {
        this.failed = true
        this.close()
      }
      this.worker = worker
      return worker
    } catch {
      this.failed = true
      return undefined
    }
  }

  private settleAll(): void {
    for (const resolve of this.pending.values()) resolve(undefined)
    this.pending.clear()
  }
}
