/**
 * Messages between the batch coordinator (main thread) and its workers. A worker gets `setup`
 * once, then one `job` at a time; it answers with `chunk`s of output (written by the main thread,
 * which alone owns output files, so an interrupted or crashed run leaves no temp file behind),
 * `progress` while it reads, and one `done`.
 */
import type { FlagSettings } from "../config/index.ts"

/** What a worker needs to build the same request the main thread would: nothing else travels. */
export interface WorkerSetup {
  readonly cwd: string
  readonly env: Record<string, string | undefined>
  readonly flags: FlagSettings
  readonly configPath?: string
  /** Compress binary-looking input as text (`--force`). */
  readonly force: boolean
  /** Compress and count, write nothing: no output chunks, no originals stored (`--dry-run`). */
  readonly dryRun: boolean
}

export interface Job {
  readonly id: number
  /** Absolute path to read. */
  readonly path: string
  /** The path as the user names it: what rules match on and detection reads the extension of. */
  readonly source: string
  readonly size: number
  /** Set when only the input's modification time moved: same content hash ⇒ up to date. */
  readonly expectSha256?: string
}

export type ToWorker =
  /** `fingerprint` is the main thread's: a worker that loads other settings or plugins refuses to work. */
  | { readonly type: "setup"; readonly setup: WorkerSetup; readonly fingerprint: string }
  | { readonly type: "job"; readonly job: Job }

export type FromWorker =
  | { readonly type: "chunk"; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: "progress"; readonly id: number; readonly bytesRead: number }
  | { readonly type: "done"; readonly id: number; readonly outcome: JobOutcome }

export type JobOutcome =
  | {
      readonly status: "compressed" | "unchanged"
      readonly sha256: string
      readonly bytesIn: number
      readonly bytesOut: number
      readonly tokensBefore: number
      readonly tokensAfter: number
      readonly warnings: ReadonlyArray<string>
      readonly ms: number
    }
  | { readonly status: "up-to-date"; readonly sha256: string; readonly ms: number }
  | { readonly status: "skipped" | "failed"; readonly reason: string; readonly ms: number }
