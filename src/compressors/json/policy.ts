import type { Strategy } from "../../sdk/stage.ts"
import type { TableLimits } from "./render.ts"
import type { SelectionLimits } from "./select.ts"
import type { StringLimits } from "./strings.ts"

/** How much of a JSON document each strategy keeps. Balanced is tuned on API and tool outputs. */
export interface JsonPolicy {
  /** Items of long arrays are selected (the rest omitted) and long strings shortened. */
  readonly lossy: boolean
  readonly selection: SelectionLimits
  /** Values held by at most this many items are rare. */
  readonly rareMax: number
  /** Fields with at most this many values keep the first item holding each (0: off). */
  readonly representatives: number
  readonly strings: StringLimits
  /** Runs of three or more identical items fold into the first (conservative; lossy modes dedupe anyway). */
  readonly foldRepeats: boolean
  /** Objects and arrays at least this long (minified) that repeat an earlier one become a reference to it. */
  readonly sameAsChars: number | undefined
  readonly tables: TableLimits
}

const NO_SELECTION: SelectionLimits = { keepAll: Infinity, keepAllStrings: Infinity, head: 0, tail: 0, maxImportant: 0, importantShare: 0, changePoints: 0 }
const NO_SHORTENING: StringLimits = { max: Infinity, head: 0, tail: 0 }

/** `--lossless`: only encodings `headroom expand` undoes. */
export const LOSSLESS_POLICY: JsonPolicy = {
  lossy: false,
  selection: NO_SELECTION,
  rareMax: 0,
  representatives: 0,
  strings: NO_SHORTENING,
  foldRepeats: false,
  sameAsChars: undefined,
  tables: { minRows: 2, minGain: 0, documentGain: 0 },
}

export const JSON_POLICIES: Record<Strategy, JsonPolicy> = {
  // Lossless encodings, plus exact duplicates folded: nothing that differs from what is kept is
  // dropped. Plain JSON unless tables save as much as balanced asks of them.
  conservative: {
    ...LOSSLESS_POLICY,
    foldRepeats: true,
    sameAsChars: 400,
    tables: { minRows: 2, minGain: 0.05, documentGain: 0.2 },
  },
  balanced: {
    lossy: true,
    selection: { keepAll: 12, keepAllStrings: 64, head: 2, tail: 1, maxImportant: 24, importantShare: 0.4, changePoints: 3 },
    rareMax: 2,
    representatives: 6,
    strings: { max: 800, head: 480, tail: 160 },
    foldRepeats: false,
    sameAsChars: 240,
    tables: { minRows: 2, minGain: 0.05, documentGain: 0.2 },
  },
  aggressive: {
    lossy: true,
    selection: { keepAll: 5, keepAllStrings: 16, head: 1, tail: 1, maxImportant: 8, importantShare: 0.2, changePoints: 1 },
    rareMax: 1,
    representatives: 0,
    strings: { max: 240, head: 160, tail: 40 },
    foldRepeats: false,
    sameAsChars: 120,
    tables: { minRows: 3, minGain: 0.05, documentGain: 0.1 },
  },
}

/**
 * A lossy policy scaled down for a token budget: `level` 1 is the policy itself, 0 keeps one
 * item per long array and 64 characters per long string.
 */
export const scalePolicy = (policy: JsonPolicy, level: number): JsonPolicy => {
  if (level >= 1) return policy
  const scale = (n: number, floor = 0) => Math.max(floor, Math.floor(n * level))
  const s = policy.selection
  const strings = policy.strings
  const max = Math.round(64 + (Math.min(strings.max, 4096) - 64) * level)
  return {
    ...policy,
    selection: {
      keepAll: scale(s.keepAll),
      keepAllStrings: scale(s.keepAllStrings),
      head: scale(s.head, 1),
      tail: scale(s.tail),
      maxImportant: scale(s.maxImportant),
      importantShare: s.importantShare * level,
      changePoints: scale(s.changePoints),
    },
    strings: { max, head: Math.round(max * 0.6), tail: Math.round(max * 0.2) },
    sameAsChars: Math.min(policy.sameAsChars ?? 240, 240),
  }
}
