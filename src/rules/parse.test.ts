import { describe, expect, test } from "bun:test"
import { formatIssue, parseRuleFile, type ConfigIssue } from "./parse.ts"
import type { Rule } from "./rule.ts"

const FILE = "rules/test.yaml"

const rules = (yaml: string): ReadonlyArray<Rule> => {
  const result = parseRuleFile(yaml, FILE, "pack")
  if ("errors" in result) throw new Error(result.errors.map(formatIssue).join("\n"))
  return result.rules
}

/** Regexes as `/source/flags`: equal regexes can differ in how their source escapes `/`. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (_, v) => (v instanceof RegExp ? String(v) : v)))

const errors = (yaml: string): Array<string> => {
  const result = parseRuleFile(yaml, FILE, "pack")
  if ("rules" in result) throw new Error("expected errors")
  return result.errors.map(formatIssue)
}

describe("parseRuleFile", () => {
  test("reads conditions and actions into a rule with its position", () => {
    const [rule, ...rest] = rules(`rules:
  - name: ci
    description: CI logs
    pattern: "ci-logs/"
    tool: "(?i)^bash$"
    type: [log, text]
    model: claude
    content: "^##\\\\[group\\\\]"
    size_above: 10KB
    size_below: "1.5GB"
    tokens_above: 100
    tokens_below: 100000
    compress: true
    strategy: aggressive
    max_tokens: 500
    min_compress_ratio: 0.25
    dedup: true
    keep_lines: "ERROR"
    strip_lines: ["^\\\\s*$", "DEBUG"]
    only_lines: "."
    replace:
      - { pattern: "\\\\d{4}-\\\\d\\\\d-\\\\d\\\\dT\\\\S+", with: "<ts>" }
      - { pattern: "x", with: "" }
    head: 10
    tail: 20
    enable: dedup
    disable: [json, redact-secrets]
`)
    expect(rest).toEqual([])
    expect(rule!.id).toBe("ci")
    expect(rule!.description).toBe("CI logs")
    expect(rule!.source).toEqual({ file: FILE, line: 2, column: 5, layer: "pack" })
    expect(plain(rule!.match)).toEqual({
      path: "/ci-logs\\//",
      tool: "/^bash$/i",
      kinds: ["log", "text"],
      model: "/claude/",
      content: "/^##\\[group\\]/m",
      sizeAbove: 10240,
      sizeBelow: Math.round(1.5 * 1024 ** 3),
      tokensAbove: 100,
      tokensBelow: 100000,
    })
    expect(plain(rule!.actions)).toEqual({
      compress: true,
      strategy: "aggressive",
      maxTokens: 500,
      minCompressRatio: 0.25,
      dedup: true,
      keepLines: ["/ERROR/"],
      stripLines: ["/^\\s*$/", "/DEBUG/"],
      onlyLines: ["/./"],
      replace: [
        { pattern: "/\\d{4}-\\d\\d-\\d\\dT\\S+/", with: "<ts>" },
        { pattern: "/x/", with: "" },
      ],
      head: 10,
      tail: 20,
      enable: ["dedup"],
      disable: ["json", "redact-secrets"],
    })
  })

  test("names unnamed rules <file>#<n> and gives a type list or a single kind", () => {
    const parsed = rules("rules:\n  - type: log\n    compress: false\n  - pattern: x\n    size_above: 1234\n")
    expect(parsed.map((r) => r.id)).toEqual([`${FILE}#1`, `${FILE}#2`])
    expect(parsed[0]!.match.kinds).toEqual(["log"])
    expect(parsed[1]!.match.sizeAbove).toBe(1234)
    expect(parsed[0]!.tests).toEqual([])
  })

  test("reads inline tests", () => {
    const [rule] = rules(`rules:
  - name: strip-debug
    strip_lines: DEBUG
    tests:
      - name: drops debug
        input: |
          DEBUG a
          ERROR b
        path: build.log
        type: log
        strategy: conservative
        keeps: ERROR b
        removes: ["DEBUG a", "/^debug/im"]
        max_tokens: 50
      - input: "x"
`)
    expect(rule!.tests).toEqual([
      {
        name: "drops debug",
        input: "DEBUG a\nERROR b\n",
        path: "build.log",
        kind: "log",
        strategy: "conservative",
        keeps: ["ERROR b"],
        removes: ["DEBUG a", "/^debug/im"],
        maxTokens: 50,
        line: 5,
      },
      { input: "x", keeps: [], removes: [], line: 15 },
    ])
  })

  test("reports unknown keys and values with position and a did-you-mean", () => {
    expect(errors("rules:\n  - patern: x\n    strategy: agressive\n    type: [log, jsn]\n")).toEqual([
      `${FILE}:2:5: unknown key "patern" in rule 1 (did you mean pattern?)`,
      `${FILE}:3:15: strategy must be one of conservative, balanced, aggressive, got "agressive" (did you mean aggressive?)`,
      `${FILE}:4:17: type must be one of log, json, diff, search, stacktrace, code, markdown, html, text, binary, got "jsn" (did you mean json?)`,
    ])
  })

  test("reports wrong types", () => {
    expect(
      errors(`rules:
  - max_tokens: "x"
    min_compress_ratio: 1.5
    compress: "no"
    size_above: 10 parsecs
    head: [1]
    keep_lines: {a: 1}
`),
    ).toEqual([
      `${FILE}:2:17: max_tokens must be a whole number ≥ 1, got "x"`,
      `${FILE}:3:25: min_compress_ratio must be a number from 0 to 1, got 1.5`,
      `${FILE}:4:15: compress must be true or false, got "no"`,
      `${FILE}:5:17: size_above must be a size: bytes, or "10KB", "2MB", "1.5GB", got "10 parsecs"`,
      `${FILE}:6:11: head must be a whole number ≥ 1, got a list`,
      `${FILE}:7:17: keep_lines must be a regular expression, got a mapping`,
    ])
  })

  test("reports a bad regex with the regex error", () => {
    const [issue] = errors('rules:\n  - strip_lines: ["ok", "(unclosed"]\n')
    expect(issue).toStartWith(`${FILE}:2:25: strip_lines: bad regular expression "(unclosed": `)
    expect(issue).toEndWith("Invalid regular expression: missing )")
    expect(errors('rules:\n  - pattern: x\n    tests:\n      - input: a\n        keeps: "/[a/"\n')[0]).toStartWith(
      `${FILE}:5:16: keeps: bad regular expression /[a/: `,
    )
  })

  test("reports YAML syntax errors with their position", () => {
    const [issue, ...rest] = errors("rules:\n  - pattern: [x\n    compress: false\n")
    expect(rest).toEqual([])
    expect(issue).toMatch(/^rules\/test\.yaml:\d+:\d+: YAML syntax: /)
    expect(errors("rules:\n  - pattern: a\n    pattern: b\n")).toEqual([`${FILE}:3:5: YAML syntax: Map keys must be unique`])
  })

  test("refuses duplicate names, tests without input, a missing rules list and a bad replace", () => {
    expect(errors("rules:\n  - name: a\n    dedup: true\n  - name: a\n    dedup: false\n")).toEqual([
      `${FILE}:4:5: duplicate rule name "a" (first used at line 2)`,
    ])
    expect(errors("rules:\n  - dedup: true\n    tests:\n      - keeps: x\n")).toEqual([`${FILE}:4:9: test 1 needs an input`])
    expect(errors("description: nothing here\n")).toEqual([`${FILE}:1:1: a rule file needs a top-level "rules:" list`])
    expect(errors("rules: {pattern: x}\n")).toEqual([`${FILE}:1:8: rules must be a list, got a mapping`])
    expect(errors("rules:\n  - replace: [{pattern: x}]\n")).toEqual([`${FILE}:2:15: a replace entry needs both pattern and with`])
  })

  test("formats issues without a position as file: message", () => {
    const issue: ConfigIssue = { file: "environment", line: 0, column: 0, message: "HEADROOM_JOBS must be a whole number ≥ 1, got \"x\"" }
    expect(formatIssue(issue)).toBe('environment: HEADROOM_JOBS must be a whole number ≥ 1, got "x"')
  })
})
