import { closeSync, mkdirSync, openSync, writeSync } from "node:fs"
import { dirname } from "node:path"

/** One line of `--log-file`: what a request cost and what headroom did to it. Never headers. */
export interface RequestLogEntry {
  readonly ts: string
  readonly id: string
  readonly method: string
  readonly path: string
  readonly api?: string
  readonly model?: string
  readonly stream?: boolean
  readonly status: number
  readonly outcome: string
  readonly bypass?: boolean
  readonly tool_results?: number
  readonly compressed?: number
  readonly tokens_before?: number
  readonly tokens_after?: number
  readonly tokens_saved?: number
  readonly transforms?: ReadonlyArray<string>
  readonly ccr_hashes?: ReadonlyArray<string>
  readonly usage?: Record<string, number>
  readonly timings_ms: { readonly compress?: number; readonly upstream_headers?: number; readonly total: number }
  readonly errors?: ReadonlyArray<string>
  /** Only with --log-bodies: the body as forwarded. */
  readonly body?: string
}

/** JSON Lines, appended one whole line per write (O_APPEND), so concurrent writers never interleave. */
export class RequestLog {
  private readonly fd: number

  constructor(
    readonly path: string,
    readonly logBodies: boolean,
  ) {
    mkdirSync(dirname(path), { recursive: true })
    this.fd = openSync(path, "a", 0o600)
  }

  write(entry: RequestLogEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`)
  }

  close(): void {
    closeSync(this.fd)
  }
}
