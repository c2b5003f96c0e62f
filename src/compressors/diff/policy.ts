import type { Strategy } from "../../sdk/stage.ts"

/** How much of a diff each strategy keeps. File headers, hunk headers and changed lines always stay. */
export interface DiffPolicy {
  /** Unchanged lines kept on each side of a change (git itself shows 3). */
  readonly context: number
  /** Lock, generated, vendored and minified files are summarised once their section is longer than this. */
  readonly generatedLines: number
}

export const DIFF_POLICIES: Record<Strategy, DiffPolicy> = {
  conservative: { context: 2, generatedLines: 40 },
  balanced: { context: 1, generatedLines: 12 },
  aggressive: { context: 0, generatedLines: 0 },
}

/** A changed line this long is minified or data: the file is summarised whatever its name. */
export const MINIFIED_LINE_CHARS = 1000

/** Context is left out of a file only where it holds this many times the characters of its marker. */
export const MARKER_PAYBACK = 1.5
