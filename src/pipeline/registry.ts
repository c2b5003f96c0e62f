import { budgetCutter } from "../compressors/budget/index.ts"
import { codeCompressor } from "../compressors/code/index.ts"
import { diffCompressor } from "../compressors/diff/index.ts"
import { htmlCompressor } from "../compressors/html/index.ts"
import { jsonCompressor } from "../compressors/json/index.ts"
import { logCompressor } from "../compressors/log/index.ts"
import { searchCompressor } from "../compressors/search/index.ts"
import { stackTraceCompressor } from "../compressors/stacktrace/index.ts"
import { testReportCompressor } from "../compressors/test-report/index.ts"
import { textCompressor } from "../compressors/text/index.ts"
import type { Stage } from "../sdk/stage.ts"

/**
 * The built-in stages, in the order they run on a block. Adding a compressor means adding its
 * folder under src/compressors/ and one line here; routing is by each stage's `kinds`.
 */
export const BUILT_IN_STAGES: ReadonlyArray<Stage> = [testReportCompressor, diffCompressor, searchCompressor, htmlCompressor, stackTraceCompressor, codeCompressor, jsonCompressor, logCompressor, textCompressor, budgetCutter]
