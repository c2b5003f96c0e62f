import { Unchanged, defineStage, originalMarkers, type Block, type StageContext } from "../../sdk/index.ts"
import { newGoState, readGoSegment } from "./go.ts"
import { readJest } from "./jest.ts"
import { readJUnit } from "./junit.ts"
import { readMocha } from "./mocha.ts"
import { TEST_REPORT_POLICIES } from "./policy.ts"
import { renderReport } from "./render.ts"
import { countLines, type Report } from "./report.ts"
import { sniffFormat } from "./sniff.ts"

/**
 * Test-runner reports (go test -json, mocha and jest JSON, JUnit XML) reduced to what a reader
 * acts on: the counts (totals, then per package or suite), and each failure with its message,
 * expected/actual and the useful part of its output or stack. Passing tests and their output
 * are dropped behind one marker that redeems the whole original; cut parts of a failure's output
 * get markers of their own, with line ranges where lines map. The result is plain text.
 */
export const testReportCompressor = defineStage({
  name: "test-report",
  description: "test reports reduced to counts and failures (go test -json, mocha/jest JSON, JUnit XML)",
  // JUnit XML is not always detected as XML text: pytest writes it on a few long lines with
  // Python source in its failures (detected as code), and without a prolog a Java report's stack
  // traces can carry it (detected as a stack trace). The match decides.
  kinds: ["log", "json", "text", "code", "stacktrace"],
  match: (block) => sniffFormat(block.text) !== undefined,
  timeoutMs: 30_000,
  run: (block, ctx) => {
    if (ctx.options.lossless) return Unchanged
    const report = readReport(block, ctx)
    if (report === undefined) return Unchanged
    const text = renderReport(
      report,
      TEST_REPORT_POLICIES[ctx.strategy],
      {
        marker: originalMarkers(ctx, block.text),
        countTokens: ctx.countTokens,
      },
      ctx.maxTokens,
    )
    return { ...block, text, kind: "text" }
  },
})

const readReport = (block: Block, ctx: StageContext): Report | undefined => {
  const format = sniffFormat(block.text)
  const keep = ctx.options.keepPatterns
  if (format === "go") {
    return readGoSegment({ text: block.text, index: ctx.segment.index, last: ctx.segment.last, keepPatterns: keep }, ctx.state(newGoState))
  }
  // The other formats are documents: only a whole one can be read.
  if (format === undefined || ctx.segment.index !== 0 || !ctx.segment.last) return undefined
  if (format === "junit") return readJUnit(block.text, keep)
  let value: unknown
  try {
    value = JSON.parse(block.text)
  } catch {
    return undefined
  }
  const lines = countLines(block.text)
  return format === "mocha" ? readMocha(value, keep, lines) : readJest(value, keep, lines)
}
