import { describe, expect, test } from "bun:test"
import { parseRuleFile } from "./parse.ts"
import type { Rule } from "./rule.ts"
import { shadowsOf } from "./shadow.ts"

const rules = (yaml: string): ReadonlyArray<Rule> => {
  const parsed = parseRuleFile(yaml, "test.yaml", "project")
  if ("errors" in parsed) throw new Error(parsed.errors.map((e) => e.message).join("\n"))
  return parsed.rules
}

/** For each rule, `shadowed-id: settings` (or `shadowed-id: fully`). */
const shadows = (yaml: string): Array<Array<string>> => {
  const set = rules(yaml)
  return shadowsOf(set).map((list) => list.map((s) => `${set[s.index]!.id}: ${s.full ? "fully" : s.settings.join(", ")}`))
}

describe("rule shadowing", () => {
  test("a later rule with the same or fewer conditions overrides the settings both set", () => {
    const found = shadows(`
rules:
  - name: py
    pattern: "\\\\.py$"
    type: code
    strategy: conservative
    max_tokens: 900
    strip_lines: "^# noqa"
  - name: all-code
    type: code
    strategy: aggressive
  - name: everything
    max_tokens: 400
    strategy: balanced
`)
    expect(found).toEqual([[], ["py: strategy"], ["py: strategy, max_tokens", "all-code: fully"]])
  })

  test("a later rule with a condition the earlier one lacks, or a different value, shadows nothing", () => {
    const found = shadows(`
rules:
  - name: logs
    type: log
    strategy: conservative
  - name: big-logs
    type: log
    size_above: 1MB
    strategy: aggressive
  - name: text
    type: [text, log]
    strategy: aggressive
`)
    expect(found).toEqual([[], [], []])
  })

  test("line filters add up and are never shadowed; switches of the same stage are", () => {
    const found = shadows(`
rules:
  - name: a
    content: "^npm "
    disable: [text, json]
    strip_lines: "^npm timing"
  - name: b
    content: "^npm "
    enable: text
    strip_lines: "^npm http"
`)
    expect(found).toEqual([[], ["a: enable/disable text"]])
  })
})
