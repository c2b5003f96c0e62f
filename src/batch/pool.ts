import type { FromWorker, Job, JobOutcome, ToWorker, WorkerSetup } from "./protocol.ts"
import { workerUrl } from "../io/workers.ts"

export const BATCH_WORKER_URL = workerUrl("batch/worker.ts")

export interface PoolEvents {
  readonly chunk: (job: Job, bytes: Uint8Array) => void
  readonly progress: (job: Job, bytesRead: number) => void
  readonly done: (job: Job, outcome: JobOutcome) => void
}

/**
 * Runs `jobs` on up to `size` worker threads, one job per worker at a time, in the order given.
 * A worker that dies (an uncaught error, an exit) fails the job it had, and a fresh worker takes
 * the next one: one bad file never stops the batch.
 */
export const runPool = (options: {
  readonly url?: string
  readonly size: number
  readonly setup: WorkerSetup
  readonly fingerprint: string
  readonly jobs: ReadonlyArray<Job>
  readonly events: PoolEvents
}): Promise<void> =>
  new Promise((resolve) => {
    const { setup, jobs, events } = options
    const url = options.url ?? BATCH_WORKER_URL
    let next = 0
    let running = 0
    let finished = false
    const retirements = new Set<() => void>()

    const finish = () => {
      if (finished) return
      finished = true
      for (const retire of [...retirements]) retire()
      resolve()
    }

    const launch = () => {
      const worker = new Worker(url)
      let current: Job | undefined
      let dead = false
      const retire = () => {
        dead = true
        retirements.delete(retire)
        worker.terminate()
      }
      retirements.add(retire)
      const feed = () => {
        if (next >= jobs.length) {
          retire()
          if (running === 0) finish()
          return
        }
        current = jobs[next++]!
        running++
        worker.postMessage({ type: "job", job: current } satisfies ToWorker)
      }
      const settle = (outcome: JobOutcome) => {
        const job = current!
        current = undefined
        running--
        events.done(job, outcome)
      }
      const die = (reason: string) => {
        if (dead) return
        retire()
        if (current !== undefined) settle({ status: "failed", reason: `worker stopped: ${reason}`, ms: 0 })
        if (next < jobs.length) launch()
        else if (running === 0) finish()
      }
      worker.onmessage = (event: MessageEvent<FromWorker>) => {
        const message = event.data
        if (dead || current === undefined || message.id !== current.id) return
        if (message.type === "chunk") events.chunk(current, message.bytes)
        else if (message.type === "progress") events.progress(current, message.bytesRead)
        else {
          settle(message.outcome)
          feed()
        }
      }
      worker.onerror = (event) => {
        event.preventDefault()
        die(errorLine(event))
      }
      worker.addEventListener("close", () => die("exited"))
      worker.postMessage({ type: "setup", setup, fingerprint: options.fingerprint } satisfies ToWorker)
      feed()
    }

    if (jobs.length === 0) return resolve()
    for (let i = 0; i < Math.max(1, Math.min(options.size, jobs.length)); i++) launch()
  })

/** Bun's message for an uncaught error in a worker quotes the source; the "error:" line says what happened. */
const errorLine = (event: ErrorEvent): string => {
  if (event.error instanceof Error) return event.error.message
  const message = event.message ?? ""
  return /^error: (.*)$/m.exec(message)?.[1] ?? (message.trim().split("\n")[0] || "uncaught error")
}
