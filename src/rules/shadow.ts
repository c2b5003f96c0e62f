import type { Rule, RuleActions, RuleMatch } from "./rule.ts"

/** An earlier rule whose settings a later rule overrides wherever the earlier one applies. */
export interface Shadowing {
  /** Index of the shadowed (earlier) rule in the rule set. */
  readonly index: number
  /** The settings it loses, as written in YAML (`strategy`, `max_tokens`, `disable text`…). */
  readonly settings: ReadonlyArray<string>
  /** It loses every setting it has and has no line filters: it no longer does anything. */
  readonly full: boolean
}

/**
 * For each rule of `rules` (in order), the earlier rules it shadows. Rule B shadows an earlier
 * rule A when every condition of B is also a condition of A with the same value (so B matches
 * whenever A does) and B sets a setting A sets: the last matching rule wins a setting (see
 * resolve.ts), so A's value never takes effect. Line filters add up and are never shadowed.
 */
export const shadowsOf = (rules: ReadonlyArray<Rule>): ReadonlyArray<ReadonlyArray<Shadowing>> => {
  const settings = rules.map((r) => settingsOf(r.actions))
  return rules.map((b, j) => {
    const found: Array<Shadowing> = []
    for (let i = 0; i < j; i++) {
      const a = rules[i]!
      if (!impliedBy(b.match, a.match)) continue
      const lost = [...settings[i]!.keys()].filter((key) => settings[j]!.has(key))
      if (lost.length === 0) continue
      found.push({ index: i, settings: lost, full: lost.length === settings[i]!.size && !hasLineFilters(a.actions) })
    }
    return found
  })
}

/** The settings `actions` sets, by YAML name (a switched stage counts as a setting of its own). */
const settingsOf = (a: RuleActions): ReadonlySet<string> => {
  const keys = new Set<string>()
  if (a.compress !== undefined) keys.add("compress")
  if (a.strategy !== undefined) keys.add("strategy")
  if (a.maxTokens !== undefined) keys.add("max_tokens")
  if (a.minCompressRatio !== undefined) keys.add("min_compress_ratio")
  if (a.dedup !== undefined) keys.add("dedup")
  if (a.head !== undefined) keys.add("head")
  if (a.tail !== undefined) keys.add("tail")
  for (const name of [...(a.enable ?? []), ...(a.disable ?? [])]) keys.add(`enable/disable ${name}`)
  return keys
}

const hasLineFilters = (a: RuleActions): boolean =>
  (a.keepLines?.length ?? 0) + (a.stripLines?.length ?? 0) + (a.onlyLines?.length ?? 0) + (a.replace?.length ?? 0) > 0

/** Every condition of `b` is a condition of `a` with the same value: `b` matches whenever `a` does. */
const impliedBy = (b: RuleMatch, a: RuleMatch): boolean =>
  sameRegex(b.path, a.path) &&
  sameRegex(b.tool, a.tool) &&
  sameRegex(b.model, a.model) &&
  sameRegex(b.content, a.content) &&
  sameKinds(b.kinds, a.kinds) &&
  same(b.sizeAbove, a.sizeAbove) &&
  same(b.sizeBelow, a.sizeBelow) &&
  same(b.tokensAbove, a.tokensAbove) &&
  same(b.tokensBelow, a.tokensBelow)

// Each helper: `b` has no such condition, or `a` has the same one.
const same = (b: number | undefined, a: number | undefined): boolean => b === undefined || b === a

const sameRegex = (b: RegExp | undefined, a: RegExp | undefined): boolean =>
  b === undefined || (a !== undefined && a.source === b.source && a.flags === b.flags)

const sameKinds = (b: ReadonlyArray<string> | undefined, a: ReadonlyArray<string> | undefined): boolean =>
  b === undefined || (a !== undefined && a.length === b.length && a.every((k) => b.includes(k)))
