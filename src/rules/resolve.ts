import type { Strategy } from "../sdk/stage.ts"
import type { LineReplacement, Rule, RuleMatch, RuleSubject } from "./rule.ts"

/** The line filters of every matching rule, accumulated in rule order. */
export interface LineFilter {
  readonly keep: ReadonlyArray<RegExp>
  readonly strip: ReadonlyArray<RegExp>
  readonly only: ReadonlyArray<RegExp>
  readonly replace: ReadonlyArray<LineReplacement>
  readonly head: number | undefined
  readonly tail: number | undefined
}

/** What the rules that match one input ask for, combined. */
export interface ResolvedRules {
  /** Ids of the rules that matched, in the order they were applied. */
  readonly applied: ReadonlyArray<string>
  readonly compress: boolean
  readonly strategy: Strategy | undefined
  readonly maxTokens: number | undefined
  readonly minCompressRatio: number | undefined
  readonly dedup: boolean
  readonly lines: LineFilter
  /** Final on/off state of each stage or plugin a matching rule named (unnamed ones keep theirs). */
  readonly switches: ReadonlyMap<string, boolean>
}

export const NO_RULES: ResolvedRules = {
  applied: [],
  compress: true,
  strategy: undefined,
  maxTokens: undefined,
  minCompressRatio: undefined,
  dedup: false,
  lines: { keep: [], strip: [], only: [], replace: [], head: undefined, tail: undefined },
  switches: new Map(),
}

/** True when every condition of `match` holds for `subject`. */
export const matches = (match: RuleMatch, subject: RuleSubject): boolean => {
  if (match.path !== undefined && (subject.path === undefined || !search(match.path, normalizePath(subject.path)))) return false
  if (match.tool !== undefined && (subject.tool === undefined || !search(match.tool, subject.tool))) return false
  if (match.model !== undefined && (subject.model === undefined || !search(match.model, subject.model))) return false
  if (match.kinds !== undefined && !match.kinds.includes(subject.kind)) return false
  if (match.sizeAbove !== undefined && !(subject.bytes > match.sizeAbove)) return false
  if (match.sizeBelow !== undefined && !(subject.bytes < match.sizeBelow)) return false
  if (match.tokensAbove !== undefined || match.tokensBelow !== undefined) {
    const tokens = subject.tokens()
    if (match.tokensAbove !== undefined && !(tokens > match.tokensAbove)) return false
    if (match.tokensBelow !== undefined && !(tokens < match.tokensBelow)) return false
  }
  // Content last: it is the only condition that reads the text.
  if (match.content !== undefined && !search(match.content, subject.sample)) return false
  return true
}

/**
 * Combines the rules that match `subject`. Rules are taken in order (built-in packs, then the
 * user file, then the project file; top to bottom within a file) and, like CSS:
 * - a setting (`compress`, `strategy`, `max_tokens`, `min_compress_ratio`, `dedup`, `head`,
 *   `tail`) takes the value of the last matching rule that sets it;
 * - line filters (`keep_lines`, `strip_lines`, `only_lines`, `replace`) add up over every
 *   matching rule, in order;
 * - `enable`/`disable` switch a stage or plugin on or off; the last rule naming it wins.
 */
export const resolveRules = (rules: ReadonlyArray<Rule>, subject: RuleSubject): ResolvedRules => {
  const applied: Array<string> = []
  let compress = true
  let strategy: Strategy | undefined
  let maxTokens: number | undefined
  let minCompressRatio: number | undefined
  let dedup = false
  let head: number | undefined
  let tail: number | undefined
  const keep: Array<RegExp> = []
  const strip: Array<RegExp> = []
  const only: Array<RegExp> = []
  const replace: Array<LineReplacement> = []
  const switches = new Map<string, boolean>()
  for (const rule of rules) {
    if (!matches(rule.match, subject)) continue
    applied.push(rule.id)
    const a = rule.actions
    if (a.compress !== undefined) compress = a.compress
    if (a.strategy !== undefined) strategy = a.strategy
    if (a.maxTokens !== undefined) maxTokens = a.maxTokens
    if (a.minCompressRatio !== undefined) minCompressRatio = a.minCompressRatio
    if (a.dedup !== undefined) dedup = a.dedup
    if (a.head !== undefined) head = a.head
    if (a.tail !== undefined) tail = a.tail
    keep.push(...(a.keepLines ?? []))
    strip.push(...(a.stripLines ?? []))
    only.push(...(a.onlyLines ?? []))
    replace.push(...(a.replace ?? []))
    for (const name of a.disable ?? []) switches.set(name, false)
    for (const name of a.enable ?? []) switches.set(name, true)
  }
  if (applied.length === 0) return NO_RULES
  return { applied, compress, strategy, maxTokens, minCompressRatio, dedup, lines: { keep, strip, only, replace, head, tail }, switches }
}

/** True when the filter would touch no line. */
export const isEmptyFilter = (f: LineFilter): boolean =>
  f.strip.length === 0 && f.only.length === 0 && f.replace.length === 0 && f.head === undefined && f.tail === undefined

const normalizePath = (path: string): string => path.replaceAll("\\", "/")

// Rules are compiled once and shared: a `g` or `y` flag would make `test` stateful.
const search = (re: RegExp, text: string): boolean => {
  re.lastIndex = 0
  return re.test(text)
}
