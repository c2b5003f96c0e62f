import { Context } from "effect"
import type { ProxyContext } from "../context.ts"
import { VERSION } from "../../version.ts"
import { ToolResultCompressor } from "../compress/tool-results.ts"

/** `GET /health`: what monitoring and `curl` users check first. */
export const health = (ctx: ProxyContext) => ({
  status: "healthy",
  version: VERSION,
  optimize: ctx.settings.optimize,
  upstreams: { anthropic: ctx.upstreams.anthropic, openai: ctx.upstreams.openai },
  stats: {
    total_requests: ctx.stats.totalRequests,
    tokens_saved: ctx.stats.tokensSaved,
    savings_percent: ctx.stats.savingsPercent,
  },
})

/** `GET /stats`: every live counter. */
export const stats = (ctx: ProxyContext) => {
  const { memo } = Context.get(ctx.services, ToolResultCompressor)
  return {
    version: VERSION,
    optimize: ctx.settings.optimize,
    ...ctx.stats.snapshot(),
    memo: { entries: memo.entries, chars: memo.bytes },
    memory: { rss_bytes: process.memoryUsage.rss() },
  }
}
