import { logCompressor } from "../compressors/log/index.ts"
import { textCompressor } from "../compressors/text/index.ts"
import type { Stage } from "../sdk/stage.ts"

/**
 * The built-in stages, in the order they run on a block. Adding a compressor means adding its
 * folder under src/compressors/ and one line here; routing is by each stage's `kinds`.
 */
export const BUILT_IN_STAGES: ReadonlyArray<Stage> = [logCompressor, textCompressor]
