/**
 * A compress-batch worker thread: loads the batch's settings from the same flags and environment
 * as the main thread (so it builds the same requests), then compresses one file per `job`,
 * posting the output back in chunks. Built into the binary as an entry point (scripts/build.ts).
 */
import { Effect, ManagedRuntime } from "effect"
import { configServices } from "../cli/services.ts"
import { RetainNothingStore, compressFile } from "./compress-file.ts"
import type { FromWorker, Job, JobOutcome, ToWorker, WorkerSetup } from "./protocol.ts"
import { loadBatchSettings } from "./settings.ts"

declare const self: Worker

const post = (message: FromWorker, transfer?: Array<ArrayBuffer>) => self.postMessage(message, transfer ?? [])

const start = async (setup: WorkerSetup, fingerprint: string) => {
  // The main thread has reported the plugins' warnings; the plugins' threads end with this one.
  const settings = await Effect.runPromise(loadBatchSettings(setup))
  // Outputs must not depend on which thread made them: a plugin that loaded on the main thread
  // but not here (or the reverse) would silently change them.
  if (settings.fingerprint !== fingerprint) {
    throw new Error(`this worker loaded other settings or plugins than the main thread${settings.warnings.length > 0 ? `: ${settings.warnings.join("; ")}` : ""}`)
  }
  // One tokenizer and one store connection for every file this worker compresses.
  const runtime = ManagedRuntime.make(configServices(settings.config))
  const dryRunStore = setup.dryRun && settings.config.settings.store.enabled
  return (job: Job): Promise<JobOutcome> => {
    const request = settings.requestFor(job)
    const run = compressFile(job, request, {
      chunk: setup.dryRun
        ? undefined
        : (bytes) => {
            // Moved, not copied, when the bytes own their buffer (they usually do).
            const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
            const owned = whole ? bytes : bytes.slice()
            post({ type: "chunk", id: job.id, bytes: owned }, [owned.buffer as ArrayBuffer])
          },
      progress: (bytesRead) => post({ type: "progress", id: job.id, bytesRead }),
    })
    return runtime.runPromise(dryRunStore ? run.pipe(Effect.provide(RetainNothingStore)) : run)
  }
}

let compress: Promise<(job: Job) => Promise<JobOutcome>> | undefined

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data
  if (message.type === "setup") {
    compress = start(message.setup, message.fingerprint)
    return
  }
  const { job } = message
  const started = performance.now()
  // The pool sends the setup before any job.
  compress!
    .then((run) => run(job))
    .catch((e: unknown): JobOutcome => ({ status: "failed", reason: e instanceof Error ? e.message : String(e), ms: performance.now() - started }))
    .then((outcome) => post({ type: "done", id: job.id, outcome }))
}
