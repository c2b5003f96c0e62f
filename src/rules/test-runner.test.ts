import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { formatIssue, readConfig } from "../config/index.ts"
import { DisabledStore } from "../store/index.ts"
import { TokenizerLayer } from "../tokens/index.ts"
import { parseRuleFile } from "./parse.ts"
import { runRuleTests, testRequests } from "./test-runner.ts"

const empty = mkdtempSync(join(tmpdir(), "headroom-rule-tests-"))
afterAll(() => rmSync(empty, { recursive: true, force: true }))

const config = (() => {
  const c = readConfig({ cwd: empty, env: { HOME: empty }, flags: {} })
  if ("issues" in c) throw new Error(c.issues.map(formatIssue).join("\n"))
  return c
})()

const run = (yaml: string) => {
  const parsed = parseRuleFile(yaml, "rules.yaml", "project")
  if ("errors" in parsed) throw new Error(parsed.errors.map(formatIssue).join("\n"))
  return Effect.runPromise(
    runRuleTests(parsed.rules, testRequests(config)).pipe(Effect.provide(Layer.merge(TokenizerLayer("o200k_base"), DisabledStore))),
  )
}

const downloads = Array.from({ length: 8 }, (_, i) => `Downloading https://mirror.example.org/pool/main/libfoo${i}_1.${i}.0_amd64.deb (${(i + 1) * 37} kB)`)
const input = JSON.stringify(`${["Fetching packages", ...downloads, "E: Unable to fetch libbar_2.0.0_amd64.deb: 404 Not Found"].join("\n")}\n`)

describe("rule test runner", () => {
  test("passes when the rule applies, keeps are kept, removes are gone outside markers, and the budget holds", async () => {
    const [outcome] = await run(`
rules:
  - name: mirror/downloads
    content: "^Downloading https://"
    strip_lines: "^Downloading https://"
    tests:
      - input: ${input}
        keeps: ["E: Unable to fetch libbar", "/^Fetching packages$/m"]
        removes: ["libfoo3_1.3.0", "/\\\\(\\\\d+ kB\\\\)/"]
        max_tokens: 60
`)
    expect(outcome!.name).toBe("mirror/downloads")
    expect(outcome!.failures).toEqual([])
  })

  test("reports each unmet expectation, and a rule that never matched", async () => {
    const outcomes = await run(`
rules:
  - name: mirror/downloads
    content: "^Downloading https://"
    strip_lines: "^Downloading https://"
    tests:
      - name: too strict
        input: ${input}
        keeps: ["E: Unable to fetch libqux"]
        removes: ["Fetching packages"]
        max_tokens: 5
  - name: mirror/other
    content: "^Uploading "
    strip_lines: "^Uploading "
    tests:
      - input: ${input}
`)
    expect(outcomes.map((o) => [o.name, o.failures])).toEqual([
      [
        "mirror/downloads: too strict",
        ['keeps "E: Unable to fetch libqux": not in the output', 'removes "Fetching packages": still in the output', expect.stringMatching(/^max_tokens 5: the output has \d+$/)],
      ],
      ["mirror/other", ["the rule did not match the input"]],
    ])
  })

  test("a test sees only its own file's rules, under default settings whatever the configuration", async () => {
    const strict = { ...config, settings: { ...config.settings, lossless: true, strategy: "aggressive" as const } }
    const parsed = parseRuleFile(
      `
rules:
  - name: mirror/downloads
    content: "^Downloading https://"
    strip_lines: "^Downloading https://"
    tests:
      - input: ${input}
        removes: ["libfoo3_1.3.0"]
`,
      "rules.yaml",
      "project",
    )
    if ("errors" in parsed) throw new Error("unreachable")
    const request = testRequests(strict)(parsed.rules[0]!.tests[0]!, parsed.rules)
    expect(request.strategy).toBe("balanced")
    expect(request.options?.lossless).toBe(false)
    expect(request.rules).toEqual(parsed.rules)
  })
})
