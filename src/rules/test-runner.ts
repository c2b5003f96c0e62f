import { Effect } from "effect"
import { compressRequestFor } from "../cli/request.ts"
import type { Config } from "../config/index.ts"
import { compileRegex } from "../config/values.ts"
import { MARKER_PATTERN } from "../markers/index.ts"
import { compressText, type CompressRequest } from "../pipeline/stream.ts"
import { Tokenizer } from "../tokens/index.ts"
import type { Rule, RuleTest } from "./rule.ts"

/** What one inline test is run as: its input compressed as if it came from its path/tool/type. */
export type RequestForTest = (test: RuleTest, rules: ReadonlyArray<Rule>) => CompressRequest

/**
 * Requests under `config` for tests: its tokenizer settings, but otherwise the defaults whatever
 * the loaded files, environment or flags say (no budget, no --keep or --lossless, nothing
 * disabled, no plugins, the test's own strategy or balanced), so a test passes or fails the same
 * everywhere. The rules are the tested file's alone.
 */
export const testRequests =
  (config: Config): RequestForTest =>
  (test, rules) => {
    const { maxTokens: _budget, maxSavings: _cap, ...settings } = config.settings
    return compressRequestFor(
      {
        ...config,
        rules,
        pinned: new Set(),
        settings: { ...settings, strategy: test.strategy ?? "balanced", lossless: false, keep: [], keepSymbols: [], disable: [], plugins: [] },
      },
      {
        ...(test.path === undefined ? {} : { path: test.path }),
        ...(test.tool === undefined ? {} : { tool: test.tool }),
        ...(test.kind === undefined ? {} : { kind: test.kind }),
        force: true,
        counts: "none",
      },
    )
  }

export interface TestOutcome {
  /** `<rule id>`, plus the test's name or number when the rule has several tests. */
  readonly name: string
  readonly rule: Rule
  readonly test: RuleTest
  /** Empty when the test passed. */
  readonly failures: ReadonlyArray<string>
}

/**
 * Runs every inline test of `rules` through the real pipeline, each with `rules` as the whole
 * rule set (a file's tests exercise that file's rules, whatever else is configured). A test
 * passes when its rule applied to the input, every `keeps` entry is in the output, no `removes`
 * entry is in the output outside markers (a marker may quote what it hides), and the output fits
 * `max_tokens`.
 */
export const runRuleTests = (rules: ReadonlyArray<Rule>, requestFor: RequestForTest) =>
  Effect.gen(function* () {
    const tokenizer = yield* Tokenizer
    const outcomes: Array<TestOutcome> = []
    for (const rule of rules) {
      for (const [i, test] of rule.tests.entries()) {
        const { text, summary } = yield* compressText(test.input, requestFor(test, rules))
        const failures: Array<string> = []
        if (!summary.rules.includes(rule.id)) failures.push("the rule did not match the input")
        for (const expected of test.keeps) if (!found(expected, text)) failures.push(`keeps ${quote(expected)}: not in the output`)
        const outsideMarkers = text.replace(MARKER_PATTERN, "")
        for (const unwanted of test.removes) if (found(unwanted, outsideMarkers)) failures.push(`removes ${quote(unwanted)}: still in the output`)
        if (test.maxTokens !== undefined) {
          const tokens = tokenizer.count(text)
          if (tokens > test.maxTokens) failures.push(`max_tokens ${test.maxTokens}: the output has ${tokens}`)
        }
        if (failures.length > 0 && summary.stages.some((s) => s.stage === "rule-lines" && s.outcome === "reverted")) {
          failures.push("(the line filters' result was not smaller than the input, so the input was kept: give the test a longer input)")
        }
        outcomes.push({ name: testName(rule, test, i), rule, test, failures })
      }
    }
    return outcomes
  })

const testName = (rule: Rule, test: RuleTest, index: number): string => {
  if (test.name !== undefined) return `${rule.id}: ${test.name}`
  return rule.tests.length === 1 ? rule.id : `${rule.id} #${index + 1}`
}

/** A `keeps`/`removes` entry: `/regex/flags`, or else a plain substring. */
const found = (expected: string, text: string): boolean => {
  const m = /^\/(.+)\/([a-z]*)$/s.exec(expected)
  if (m === null) return text.includes(expected)
  // parse.ts has checked the expression; a stateful `g` would be meaningless here.
  const re = compileRegex(m[1]!, m[2]!.replace("g", ""))
  return typeof re !== "string" && re.test(text)
}

const quote = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 59)}…` : s)
