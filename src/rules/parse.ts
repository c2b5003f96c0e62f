import type { Node } from "yaml"
import { CONTENT_KINDS, type ContentKind } from "../sdk/block.ts"
import { STRATEGIES } from "../sdk/stage.ts"
import { inFileOrder, type ConfigIssue } from "../config/issues.ts"
import { anyText, boolean, choice, compileRegex, numberBetween, oneOrList, regex, size, text, wholeNumber, type ValueType } from "../config/values.ts"
import { entries, items, parseYaml, positionOf, report, type YamlFile } from "../config/yaml.ts"
import type { LineReplacement, Rule, RuleActions, RuleMatch, RuleSource, RuleTest } from "./rule.ts"

export { formatIssue, type ConfigIssue } from "../config/issues.ts"

/**
 * Every key a rule may have, with its type and what it does: validation reads this, and so do the
 * docs (src/config/README.md). Conditions all have to hold; actions apply when they do.
 */
export const RULE_KEYS = {
  name: { type: text, role: "metadata", description: "the rule's id (default `<file>#<n>`); unique within a file" },
  description: { type: text, role: "metadata", description: "what the rule is for" },
  pattern: { type: regex(), role: "condition", description: "regex searched in the input's path (`/`-separated)" },
  tool: { type: regex(), role: "condition", description: "regex searched in the tool name of a tool result (proxy)" },
  type: { type: oneOrList(choice(CONTENT_KINDS)), role: "condition", description: "the detected kind is this one (or one of these)" },
  model: { type: regex(), role: "condition", description: "regex searched in the model name" },
  content: { type: regex("m"), role: "condition", description: "regex searched in the first 2 MB of the text (`^`/`$` match at lines)" },
  size_above: { type: size, role: "condition", description: "the input is larger than this" },
  size_below: { type: size, role: "condition", description: "the input is smaller than this" },
  tokens_above: { type: wholeNumber(0), role: "condition", description: "the input has more tokens than this" },
  tokens_below: { type: wholeNumber(0), role: "condition", description: "the input has fewer tokens than this" },
  compress: { type: boolean, role: "action", description: "false passes the input through untouched (only `dedup` still applies)" },
  strategy: { type: choice(STRATEGIES), role: "action", description: "compression strategy" },
  max_tokens: { type: wholeNumber(1), role: "action", description: "token budget" },
  min_compress_ratio: {
    type: numberBetween(0, 1),
    role: "action",
    description: "keep the original unless at least this fraction of its tokens is saved",
  },
  dedup: { type: boolean, role: "action", description: "replace repeated runs of lines by a marker pointing at their first copy" },
  keep_lines: { type: oneOrList(regex()), role: "action", description: "lines matching are never removed" },
  strip_lines: { type: oneOrList(regex()), role: "action", description: "lines matching are removed (behind a marker)" },
  only_lines: { type: oneOrList(regex()), role: "action", description: "lines not matching are removed (behind a marker)" },
  replace: { type: null, role: "action", description: "rewrites applied to each line; `with` may use `$1` for groups" },
  head: { type: wholeNumber(1), role: "action", description: "keep only the first N lines" },
  tail: { type: wholeNumber(1), role: "action", description: "keep only the last N lines" },
  enable: { type: oneOrList(text), role: "action", description: "stages or plugins to switch on" },
  disable: { type: oneOrList(text), role: "action", description: "stages or plugins to switch off" },
  tests: { type: null, role: "metadata", description: "inline tests run by `headroom rules test`" },
} as const

const RULE_KEY_NAMES = Object.keys(RULE_KEYS)
const REPLACE_KEYS = ["pattern", "with"]
const TEST_KEYS = ["name", "input", "path", "tool", "type", "strategy", "keeps", "removes", "max_tokens"]
const RULE_FILE_KEYS = ["rules", "description"]

/**
 * Parses a rule pack: a YAML file whose top level holds a `rules:` list (and optionally a
 * `description`). Every problem is reported with its position; any problem means no rules.
 */
export const parseRuleFile = (
  source: string,
  file: string,
  layer: RuleSource["layer"],
): { readonly rules: ReadonlyArray<Rule> } | { readonly errors: ReadonlyArray<ConfigIssue> } => {
  const y = parseYaml(source, file)
  if (y.issues.length > 0) return { errors: y.issues }
  const top = entries(y, y.root, "a rule file", RULE_FILE_KEYS)
  const rulesEntry = top?.find((e) => e.key === "rules")
  if (top !== undefined && rulesEntry === undefined) report(y, y.root, 'a rule file needs a top-level "rules:" list')
  const description = top?.find((e) => e.key === "description")
  if (description !== undefined) text.read(y, description.value, "description")
  const rules = rulesEntry === undefined ? [] : parseRules(y, rulesEntry.value, layer)
  return y.issues.length > 0 ? { errors: inFileOrder(y.issues) } : { rules }
}

/** The rules of a `rules:` list in `y` (a pack or a config file); problems go to `y.issues`. */
export const parseRules = (y: YamlFile, node: Node | null, layer: RuleSource["layer"]): Array<Rule> => {
  const list = items(y, node, "rules") ?? []
  const firstByName = new Map<string, number>()
  const rules: Array<Rule> = []
  list.forEach((item, i) => {
    const rule = parseRule(y, item, i + 1, layer)
    if (rule === undefined) return
    const earlier = firstByName.get(rule.id)
    if (earlier !== undefined) {
      report(y, item, `duplicate rule name "${rule.id}" (first used at line ${earlier})`)
      return
    }
    firstByName.set(rule.id, rule.source.line)
    rules.push(rule)
  })
  return rules
}

const parseRule = (y: YamlFile, node: Node | null, n: number, layer: RuleSource["layer"]): Rule | undefined => {
  const fields = entries(y, node, `rule ${n}`, RULE_KEY_NAMES)
  if (fields === undefined) return undefined
  const get = <T>(key: keyof typeof RULE_KEYS, type: ValueType<T>): T | undefined => {
    const entry = fields.find((f) => f.key === key)
    return entry === undefined ? undefined : type.read(y, entry.value, key)
  }
  const k = RULE_KEYS
  const name = get("name", k.name.type)
  const description = get("description", k.description.type)
  const match = compact<RuleMatch>({
    path: get("pattern", k.pattern.type),
    tool: get("tool", k.tool.type),
    kinds: get("type", k.type.type),
    model: get("model", k.model.type),
    content: get("content", k.content.type),
    sizeAbove: get("size_above", k.size_above.type),
    sizeBelow: get("size_below", k.size_below.type),
    tokensAbove: get("tokens_above", k.tokens_above.type),
    tokensBelow: get("tokens_below", k.tokens_below.type),
  })
  const replaceEntry = fields.find((f) => f.key === "replace")
  const actions = compact<RuleActions>({
    compress: get("compress", k.compress.type),
    strategy: get("strategy", k.strategy.type),
    maxTokens: get("max_tokens", k.max_tokens.type),
    minCompressRatio: get("min_compress_ratio", k.min_compress_ratio.type),
    dedup: get("dedup", k.dedup.type),
    keepLines: get("keep_lines", k.keep_lines.type),
    stripLines: get("strip_lines", k.strip_lines.type),
    onlyLines: get("only_lines", k.only_lines.type),
    replace: replaceEntry === undefined ? undefined : parseReplace(y, replaceEntry.value),
    head: get("head", k.head.type),
    tail: get("tail", k.tail.type),
    enable: get("enable", k.enable.type),
    disable: get("disable", k.disable.type),
  })
  const testsEntry = fields.find((f) => f.key === "tests")
  const tests = testsEntry === undefined ? [] : (items(y, testsEntry.value, "tests") ?? []).flatMap((t, i) => parseTest(y, t, i + 1) ?? [])
  const source: RuleSource = { file: y.file, ...positionOf(y, node), layer }
  return { id: name ?? `${y.file}#${n}`, ...(description === undefined ? {} : { description }), source, match, actions, tests }
}

const parseReplace = (y: YamlFile, node: Node | null): ReadonlyArray<LineReplacement> | undefined => {
  const list = items(y, node, "replace")
  if (list === undefined) return undefined
  const result: Array<LineReplacement> = []
  for (const item of list) {
    const fields = entries(y, item, "a replace entry", REPLACE_KEYS)
    if (fields === undefined) continue
    const patternEntry = fields.find((f) => f.key === "pattern")
    const withEntry = fields.find((f) => f.key === "with")
    if (patternEntry === undefined || withEntry === undefined) {
      report(y, item, "a replace entry needs both pattern and with")
      continue
    }
    const pattern = regex().read(y, patternEntry.value, "pattern")
    // `with` may be empty: replacing a match with nothing is a common rewrite.
    const replacement = withEntry.value === null ? "" : anyText.read(y, withEntry.value, "with")
    if (pattern !== undefined && replacement !== undefined) result.push({ pattern, with: replacement })
  }
  return result
}

/** A `keeps`/`removes` entry: a substring, or `/regex/flags` (checked here, matched by the runner). */
const expectation: ValueType<string> = {
  ...text,
  read: (y, node, key) => {
    const value = text.read(y, node, key)
    const m = value === undefined ? null : /^\/(.+)\/([a-z]*)$/s.exec(value)
    if (m !== null) {
      const compiled = compileRegex(m[1]!, m[2]!)
      if (typeof compiled === "string") {
        report(y, node, `${key}: bad regular expression ${value}: ${compiled}`)
        return undefined
      }
    }
    return value
  },
}

const parseTest = (y: YamlFile, node: Node | null, n: number): RuleTest | undefined => {
  const fields = entries(y, node, `test ${n}`, TEST_KEYS)
  if (fields === undefined) return undefined
  const get = <T>(key: string, type: ValueType<T>): T | undefined => {
    const entry = fields.find((f) => f.key === key)
    return entry === undefined ? undefined : type.read(y, entry.value, key)
  }
  const inputEntry = fields.find((f) => f.key === "input")
  if (inputEntry === undefined) report(y, node, `test ${n} needs an input`)
  const input = inputEntry === undefined ? undefined : text.read(y, inputEntry.value, "input")
  const kind: ContentKind | undefined = get("type", choice(CONTENT_KINDS))
  const test = compact<Omit<RuleTest, "input" | "keeps" | "removes" | "line">>({
    name: get("name", text),
    path: get("path", text),
    tool: get("tool", text),
    kind,
    strategy: get("strategy", choice(STRATEGIES)),
    maxTokens: get("max_tokens", wholeNumber(1)),
  })
  if (input === undefined) return undefined
  return {
    ...test,
    input,
    keeps: get("keeps", oneOrList(expectation)) ?? [],
    removes: get("removes", oneOrList(expectation)) ?? [],
    line: positionOf(y, node).line,
  }
}

/** `o` without its undefined properties (optional properties must be absent, not undefined). */
const compact = <T extends object>(o: { [K in keyof T]-?: T[K] | undefined }): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
