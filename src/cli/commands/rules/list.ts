import type { Rule, RuleActions, RuleMatch } from "../../../rules/rule.ts"
import { shadowsOf } from "../../../rules/shadow.ts"

/**
 * Every rule in the order it applies: id and source, its conditions ("if") and actions ("then")
 * in short, and the earlier rules it shadows.
 */
export const formatRuleList = (rules: ReadonlyArray<Rule>): string => {
  const shadows = shadowsOf(rules)
  const blocks = rules.map((rule, i) => {
    const lines = [`${rule.id}  ${rule.source.file}:${rule.source.line}`]
    lines.push(`  if    ${conditions(rule.match)}`)
    lines.push(`  then  ${actions(rule.actions)}`)
    for (const s of shadows[i]!) {
      const a = rules[s.index]!
      const what = s.full ? "fully: it no longer does anything" : `its ${s.settings.join(", ")}`
      lines.push(`  shadows ${a.id} (${a.source.file}:${a.source.line}): ${what}`)
    }
    return lines.join("\n")
  })
  const files = new Set(rules.map((r) => r.source.file)).size
  blocks.push(`${rules.length} ${rules.length === 1 ? "rule" : "rules"} from ${files} ${files === 1 ? "file" : "files"}`)
  return blocks.join("\n")
}

const conditions = (m: RuleMatch): string => {
  const parts: Array<string> = []
  if (m.path !== undefined) parts.push(`pattern ${regex(m.path)}`)
  if (m.tool !== undefined) parts.push(`tool ${regex(m.tool)}`)
  if (m.kinds !== undefined) parts.push(`type ${m.kinds.join("|")}`)
  if (m.model !== undefined) parts.push(`model ${regex(m.model)}`)
  if (m.content !== undefined) parts.push(`content ${regex(m.content)}`)
  if (m.sizeAbove !== undefined) parts.push(`size_above ${m.sizeAbove}`)
  if (m.sizeBelow !== undefined) parts.push(`size_below ${m.sizeBelow}`)
  if (m.tokensAbove !== undefined) parts.push(`tokens_above ${m.tokensAbove}`)
  if (m.tokensBelow !== undefined) parts.push(`tokens_below ${m.tokensBelow}`)
  return parts.length === 0 ? "always" : parts.join("; ")
}

const actions = (a: RuleActions): string => {
  const parts: Array<string> = []
  if (a.compress !== undefined) parts.push(`compress ${a.compress}`)
  if (a.strategy !== undefined) parts.push(`strategy ${a.strategy}`)
  if (a.maxTokens !== undefined) parts.push(`max_tokens ${a.maxTokens}`)
  if (a.minCompressRatio !== undefined) parts.push(`min_compress_ratio ${a.minCompressRatio}`)
  if (a.dedup !== undefined) parts.push(`dedup ${a.dedup}`)
  const filters: Array<[string, ReadonlyArray<unknown> | undefined]> = [
    ["keep_lines", a.keepLines],
    ["strip_lines", a.stripLines],
    ["only_lines", a.onlyLines],
    ["replace", a.replace],
  ]
  for (const [name, list] of filters) if (list !== undefined && list.length > 0) parts.push(`${name} ×${list.length}`)
  if (a.head !== undefined) parts.push(`head ${a.head}`)
  if (a.tail !== undefined) parts.push(`tail ${a.tail}`)
  if (a.enable !== undefined && a.enable.length > 0) parts.push(`enable ${a.enable.join(",")}`)
  if (a.disable !== undefined && a.disable.length > 0) parts.push(`disable ${a.disable.join(",")}`)
  return parts.length === 0 ? "nothing" : parts.join("; ")
}

const MAX_REGEX = 48

/** `/source/` as written (a leading `(?i)` for the case-insensitive flag), cut short. */
const regex = (re: RegExp): string => {
  const source = `${re.flags.includes("i") ? "(?i)" : ""}${re.source}`
  return `/${source.length > MAX_REGEX ? `${source.slice(0, MAX_REGEX - 1)}…` : source}/`
}
