/** Live counters of one proxy process, for /health, /stats and the log. */
export class ProxyStats {
  readonly started = Date.now()
  totalRequests = 0
  /** Requests whose body had at least one tool result compressed. */
  compressedRequests = 0
  bypassed = 0
  /** Compression failures that let the original through (fail open). */
  failOpen = 0
  upstreamErrors = 0
  clientErrors = 0
  /** Tokens of tool results before and after compression (requests that had any). */
  tokensBefore = 0
  tokensAfter = 0
  /** What providers reported using, read from their responses. */
  readonly usage = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 }
  readonly byApi = new Map<string, number>()
  readonly transforms = new Map<string, number>()
  compressMs = 0
  active = 0

  get tokensSaved(): number {
    return this.tokensBefore - this.tokensAfter
  }

  get savingsPercent(): number {
    return this.tokensBefore === 0 ? 0 : Math.round((this.tokensSaved / this.tokensBefore) * 1000) / 10
  }

  snapshot() {
    return {
      uptime_seconds: Math.round((Date.now() - this.started) / 1000),
      total_requests: this.totalRequests,
      active_requests: this.active,
      compressed_requests: this.compressedRequests,
      bypassed_requests: this.bypassed,
      fail_open: this.failOpen,
      upstream_errors: this.upstreamErrors,
      client_errors: this.clientErrors,
      tokens_before: this.tokensBefore,
      tokens_after: this.tokensAfter,
      tokens_saved: this.tokensSaved,
      savings_percent: this.savingsPercent,
      compress_ms_total: Math.round(this.compressMs * 10) / 10,
      usage: {
        input_tokens: this.usage.input,
        output_tokens: this.usage.output,
        cache_read_input_tokens: this.usage.cacheRead,
        cache_creation_input_tokens: this.usage.cacheWrite,
      },
      requests_by_api: Object.fromEntries([...this.byApi].sort(([a], [b]) => (a < b ? -1 : 1))),
      transforms: Object.fromEntries([...this.transforms].sort(([a], [b]) => (a < b ? -1 : 1))),
    }
  }
}
