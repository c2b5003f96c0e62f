import type { Strategy } from "../../sdk/stage.ts"

/** What each strategy keeps of a source file. Signatures and declaration headers are kept by all. */
export interface CodePolicy {
  /** Function bodies with more non-blank lines than this become one marker (Infinity: none do). */
  readonly bodyLines: number
  /** First line of doc comments and docstrings. */
  readonly docSummaries: boolean
  /** Lines of a member after its first: initializers, the rest of a type alias or of a top-level statement. */
  readonly memberRests: boolean
  /** Closing lines (`}`, `end`) of declarations. */
  readonly closers: boolean
  /**
   * Left-out stretches within this many lines share one marker, placed after them, whose range
   * spans the kept lines between: an outline then costs one marker per screenful, not one per body.
   * 0: one marker per stretch.
   */
  readonly groupLines: number
}

export const CODE_POLICIES: Record<Strategy, CodePolicy> = {
  conservative: { bodyLines: Infinity, docSummaries: true, memberRests: true, closers: true, groupLines: 0 },
  balanced: { bodyLines: 6, docSummaries: true, memberRests: true, closers: true, groupLines: 0 },
  aggressive: { bodyLines: 0, docSummaries: false, memberRests: false, closers: false, groupLines: 150 },
}

/** Above this size a file is left alone: parsing it would cost more time and memory than it saves. */
export const MAX_CODE_CHARS = 4_000_000

/** A parse with more of its lines in error regions than this is not trusted: the file goes through unchanged. */
export const MAX_ERROR_SHARE = 0.2
