import type { TokenCount, TokenizerShape } from "../tokens/index.ts"

/** A text whose token count is computed at most once, and only as precisely as a decision needs. */
export class Measured {
  private cheap: TokenCount | undefined
  private precise: number | undefined

  constructor(
    readonly text: string,
    private readonly tokenizer: TokenizerShape,
  ) {}

  /** Sampled estimate for long texts, exact for short ones. */
  get estimate(): TokenCount {
    if (this.precise !== undefined) return this.exactCount()
    this.cheap ??= this.tokenizer.estimate(this.text)
    return this.cheap
  }

  get exact(): number {
    if (this.precise === undefined) {
      this.precise = this.cheap?.exact === true ? this.cheap.tokens : this.tokenizer.count(this.text)
    }
    return this.precise
  }

  /** The best count already known (exact if it was ever computed), for reporting. */
  get best(): TokenCount {
    return this.precise !== undefined ? this.exactCount() : this.estimate
  }

  private exactCount(): TokenCount {
    return { tokens: this.precise!, exact: !this.tokenizer.approximate }
  }
}

// Sampled estimates of real text land within ~10% of the exact count; when the output estimate
// is below this share of the input estimate, no such error can make it the larger one.
const CLEAR_MARGIN = 0.7

/**
 * The never-worse test: does `after` have fewer tokens than `before`? Decided on sampled
 * estimates when the gap is wide, on exact counts when it is close.
 */
export const hasFewerTokens = (after: Measured, before: Measured): boolean => {
  const a = after.estimate
  const b = before.estimate
  if (a.exact && b.exact) return a.tokens < b.tokens
  if (a.tokens < b.tokens * CLEAR_MARGIN) return true
  return after.exact < before.exact
}
