/**
 * The benchmark's load generator: `concurrency` clients on keep-alive connections, each taking
 * the next request number until `total` have been sent, timing every response with
 * performance.now() from just before the request to its first body bytes (time to first byte)
 * and to its end (completion). Bodies are built before the clock starts. Every response is read
 * whole and its size checked against the mock's `x-bench-bytes`.
 */

export interface Shot {
  readonly url: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Uint8Array
}

export interface LoadResult {
  readonly ttfb: Array<number>
  readonly total: Array<number>
  wallMs: number
  /** Responses that were not 200, or that failed. */
  readonly errors: Array<string>
  /** Responses whose size differed from what the mock sent. */
  wrongBytes: number
  /** The last response's headers: the proxy's `x-headroom-*` ones say what compression did. */
  lastHeaders?: Headers
}

export const runLoad = async (options: {
  readonly concurrency: number
  readonly total: number
  readonly shot: (index: number) => Shot
  /**
   * Clients start spread evenly over this many ms rather than all at once, so that streams of a
   * fixed length arrive spread out as independent users' do, not in lockstep bursts.
   */
  readonly spreadMs?: number
  /** After each response, with how many have completed so far. */
  readonly onResponse?: (completed: number) => void
}): Promise<LoadResult> => {
  const result: LoadResult = { ttfb: [], total: [], wallMs: 0, errors: [], wrongBytes: 0 }
  let next = 0
  let completed = 0
  const client = async (_: unknown, k: number) => {
    if (options.spreadMs !== undefined) await Bun.sleep((options.spreadMs * k) / options.concurrency)
    for (let index = next++; index < options.total; index = next++) {
      const { url, headers, body } = options.shot(index)
      const started = performance.now()
      try {
        const response = await fetch(url, { method: "POST", headers, body })
        const reader = response.body!.getReader()
        let first = -1
        let bytes = 0
        for (;;) {
          const { done, value } = await reader.read()
          if (done) break
          if (first < 0) first = performance.now()
          bytes += value.byteLength
        }
        const ended = performance.now()
        if (response.status !== 200) {
          result.errors.push(`HTTP ${response.status}`)
        } else {
          result.ttfb.push(first - started)
          result.total.push(ended - started)
          if (bytes !== Number(response.headers.get("x-bench-bytes"))) result.wrongBytes++
          result.lastHeaders = response.headers
        }
      } catch (error) {
        result.errors.push(error instanceof Error ? error.message : String(error))
      }
      options.onResponse?.(++completed)
    }
  }
  const started = performance.now()
  await Promise.all(Array.from({ length: options.concurrency }, client))
  result.wallMs = performance.now() - started
  return result
}

/** The value at quantile `q` (0–1) of `values`, nearest rank. */
export const quantile = (values: ReadonlyArray<number>, q: number): number => {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}
