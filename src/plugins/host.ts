import { fileHash } from "./files.ts"
import type { HostMessage, PluginDescriptor, WorkerMessage } from "./protocol.ts"
import type { Env } from "./files.ts"
import { workerUrl } from "../io/workers.ts"

const WORKER_URL = workerUrl("plugins/host-worker.ts")

/** Timeouts or crashes in a row after which a plugin sits out the rest of the run. */
export const MAX_STRIKES = 3

/** A hook call's outcome: the worker's reply, a failure to report, or silence (the plugin is off). */
export type CallResult =
  | { readonly ok: true; readonly reply: WorkerMessage }
  | { readonly ok: false; readonly message: string }
  | { readonly ok: false; readonly off: true }

export type LoadResult = { readonly ok: true; readonly plugin: PluginDescriptor } | { readonly ok: false; readonly message: string }

type Call = HostMessage extends infer M ? (M extends { id: number } ? Omit<M, "id"> : never) : never
type Received = WorkerMessage | { readonly type: "crash"; readonly message: string }

const OFF: CallResult = { ok: false, off: true }

/**
 * One plugin on a worker thread of its own. Calls are queued and sent one at a time, each with
 * the plugin's time limit; a call that runs past it (a `while (true)` included) terminates the
 * thread, which is started again, with the plugin loaded afresh, for the next call. A plugin
 * that times out or crashes `MAX_STRIKES` times in a row is off for the rest of the run, so a
 * hanging plugin costs at most that many time limits. Nothing here throws or rejects.
 */
export class PluginHost {
  private worker: Worker | undefined
  private plugin: PluginDescriptor | undefined
  private receive: ((message: Received) => void) | undefined
  private queue: Promise<unknown> = Promise.resolve()
  private nextId = 0
  private strikes = 0
  private off = false

  constructor(
    /** Absolute path of the plugin's module. */
    readonly file: string,
    /** The path as messages show it. */
    readonly display: string,
    /** The file's hash when it was found (and trusted): a file changed since is not loaded. */
    private readonly hash: string,
    private readonly env: Env,
    /** Limit for loading, and for calls when the plugin sets none. */
    readonly loadTimeoutMs: number,
  ) {}

  /** "plugin NAME (FILE)", or "plugin FILE" before it has loaded. */
  get label(): string {
    return this.plugin === undefined ? `plugin ${this.display}` : `plugin ${this.plugin.name} (${this.display})`
  }

  get timeoutMs(): number {
    return this.plugin?.timeoutMs ?? this.loadTimeoutMs
  }

  load(): Promise<LoadResult> {
    return this.enqueue(() => this.start())
  }

  call(message: Call): Promise<CallResult> {
    return this.enqueue(() => this.send(message))
  }

  close(): void {
    this.off = true
    this.kill()
  }

  private enqueue<A>(task: () => Promise<A>): Promise<A> {
    const result = this.queue.then(task)
    this.queue = result
    return result
  }

  private async send(message: Call): Promise<CallResult> {
    if (this.off) return OFF
    if (this.worker === undefined) {
      const restarted = await this.start()
      if (!restarted.ok) {
        this.off = true
        return { ok: false, message: `${this.label} could not be started again (${restarted.message}): it is off for the rest of the run` }
      }
    }
    const id = this.nextId++
    const timeoutMs = this.timeoutMs
    return new Promise<CallResult>((resolve) => {
      const timer = setTimeout(() => {
        this.receive = undefined
        this.kill()
        resolve(this.strike(`timed out after ${timeoutMs} ms`))
      }, timeoutMs)
      this.receive = (reply) => {
        if ("id" in reply && reply.id !== id) return
        clearTimeout(timer)
        this.receive = undefined
        if (reply.type === "crash") return resolve(this.strike(`stopped: ${reply.message}`))
        this.strikes = 0
        resolve(reply.type === "failed" ? { ok: false, message: `${this.label} ${reply.message}` } : { ok: true, reply })
      }
      try {
        this.worker!.postMessage({ ...message, id })
      } catch (error) {
        clearTimeout(timer)
        this.receive = undefined
        resolve({ ok: false, message: `${this.label} could not be sent its input: ${error instanceof Error ? error.message : String(error)}` })
      }
    })
  }

  private strike(reason: string): CallResult {
    this.strikes++
    if (this.strikes < MAX_STRIKES) return { ok: false, message: `${this.label} ${reason}` }
    this.off = true
    return { ok: false, message: `${this.label} ${reason} (${MAX_STRIKES} times in a row: it is off for the rest of the run)` }
  }

  /** Starts the thread and loads the plugin into it, within the default time limit. */
  private start(): Promise<LoadResult> {
    let hash: string
    try {
      hash = fileHash(this.file)
    } catch (error) {
      return Promise.resolve({ ok: false, message: `cannot read it: ${error instanceof Error ? error.message : String(error)}` })
    }
    if (hash !== this.hash) return Promise.resolve({ ok: false, message: "the file changed since it was found" })
    return new Promise<LoadResult>((resolve) => {
      let worker: Worker
      try {
        const env = Object.fromEntries(Object.entries(this.env).filter((e): e is [string, string] => e[1] !== undefined))
        worker = new Worker(WORKER_URL, { env })
      } catch (error) {
        return resolve({ ok: false, message: `no worker thread: ${error instanceof Error ? error.message : String(error)}` })
      }
      worker.unref()
      this.worker = worker
      worker.onmessage = (event: MessageEvent<WorkerMessage>) => {
        if (worker === this.worker) this.receive?.(event.data)
      }
      const crashed = (message: string) => {
        if (worker !== this.worker) return
        this.kill()
        this.receive?.({ type: "crash", message })
      }
      worker.addEventListener("error", (event) => crashed(`uncaught ${uncaught((event as ErrorEvent).message)}`))
      worker.addEventListener("close", () => crashed("its thread exited"))
      const timer = setTimeout(() => {
        this.receive = undefined
        this.kill()
        resolve({ ok: false, message: `took longer than ${this.loadTimeoutMs} ms to load` })
      }, this.loadTimeoutMs)
      this.receive = (reply) => {
        clearTimeout(timer)
        this.receive = undefined
        if (reply.type === "loaded") {
          this.plugin = reply.plugin
          return resolve({ ok: true, plugin: reply.plugin })
        }
        this.kill()
        resolve({ ok: false, message: reply.type === "load-failed" || reply.type === "crash" ? reply.message : `answered ${reply.type} to load` })
      }
      worker.postMessage({ type: "load", file: this.file } satisfies HostMessage)
    })
  }

  private kill(): void {
    const worker = this.worker
    this.worker = undefined
    worker?.terminate()
  }
}

/** The error line of the report Bun gives for an uncaught error (source excerpt, error, stack). */
const uncaught = (report: string): string => {
  const line = report.split("\n").find((l) => /^\w*(?:Error|error)\b.*?: /.test(l))
  return line === undefined ? "error" : line.replace(/^error: /, "Error: ")
}
