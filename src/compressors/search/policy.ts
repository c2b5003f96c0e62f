import type { Strategy } from "../../sdk/stage.ts"

/** How many matches of each file each strategy keeps. Every file stays listed with its count. */
export interface SearchPolicy {
  /** Matches kept per file: the first ones, then the most distinct of the rest. */
  readonly matchesPerFile: number
  /** Of those, how many are simply the file's first matches. */
  readonly firstMatches: number
  /** Context lines (grep -C) kept on each side of a kept match. */
  readonly context: number
  /** A file with more matches than this (or a lock, minified, generated or vendored file) keeps only `bulkyMatches`. */
  readonly bulkyFile: number
  readonly bulkyMatches: number
  /** Longer lines (minified code, data) are cut to this many characters around the match. */
  readonly lineChars: number
}

export const SEARCH_POLICIES: Record<Strategy, SearchPolicy> = {
  conservative: { matchesPerFile: 20, firstMatches: 10, context: 2, bulkyFile: 200, bulkyMatches: 5, lineChars: 400 },
  balanced: { matchesPerFile: 8, firstMatches: 4, context: 1, bulkyFile: 100, bulkyMatches: 3, lineChars: 200 },
  aggressive: { matchesPerFile: 3, firstMatches: 2, context: 0, bulkyFile: 40, bulkyMatches: 1, lineChars: 120 },
}

/** Lines are left out only where they hold this many times the characters of their marker. */
export const MARKER_PAYBACK = 1.5
