/**
 * Example plugin: drops DEBUG lines from logs before the built-in log compressor sees them.
 *
 * A plugin is a module whose default export is a stage spec. It needs no imports at run time
 * (the type import below is erased), so the compiled binary can load it from disk as it is.
 */
import type { StageSpec } from "../src/sdk/index.ts"

const DEBUG = /^\S*\s*\S*\s*(?:DEBUG|TRACE)\b|\b(?:DEBUG|TRACE)\b/

const dropDebugLines: StageSpec = {
  name: "drop-debug-lines",
  description: "removes DEBUG and TRACE lines from logs (redeemable through one marker)",
  kinds: ["log"],
  run: (block, ctx) => {
    const lines = block.text.split("\n")
    const kept = lines.filter((line) => !DEBUG.test(line.slice(0, 120)))
    const dropped = lines.length - kept.length
    if (dropped === 0) return undefined // unchanged
    // Keep the original redeemable and say what went, in the shared marker format.
    const hash = ctx.retain(block.text)
    const marker = ctx.marker({ summary: `${dropped} DEBUG/TRACE lines omitted`, hash })
    return { ...block, text: `${kept.join("\n")}\n${marker}` }
  },
}

export default dropDebugLines
