import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { Effect, Layer } from "effect"
import { formatIssue, readConfig } from "../config/index.ts"
import { DisabledStore } from "../store/index.ts"
import { TokenizerLayer } from "../tokens/index.ts"
import { PACKS } from "./packs.ts"
import { parseRuleFile } from "./parse.ts"
import { runRuleTests, testRequests } from "./test-runner.ts"

const root = resolve(import.meta.dir, "../..")
const empty = mkdtempSync(join(tmpdir(), "headroom-packs-"))
afterAll(() => rmSync(empty, { recursive: true, force: true }))

describe("built-in rule packs", () => {
  test("every rules/**/*.yaml is built in, and nothing else", () => {
    const files = [...new Bun.Glob("rules/**/*.yaml").scanSync({ cwd: root })].sort()
    expect(PACKS.map((p) => p.file).sort()).toEqual(files)
  })

  test("every pack parses, every rule is named pack/rule and described, and has tests", () => {
    for (const pack of PACKS) {
      const parsed = parseRuleFile(pack.text, pack.file, "pack")
      if ("errors" in parsed) throw new Error(parsed.errors.map(formatIssue).join("\n"))
      for (const rule of parsed.rules) {
        expect(rule.id).toMatch(/^[a-z0-9-]+\/[a-z0-9-]+$/)
        expect(rule.description?.length ?? 0).toBeGreaterThan(20)
        expect(rule.tests.length).toBeGreaterThan(0)
      }
    }
  })

  test("every inline test of every pack passes (what `headroom rules test` runs)", async () => {
    const config = readConfig({ cwd: empty, env: { HOME: empty }, flags: {} })
    if ("issues" in config) throw new Error(config.issues.map(formatIssue).join("\n"))
    const services = Layer.merge(TokenizerLayer("o200k_base"), DisabledStore)
    const failures: Array<string> = []
    let tests = 0
    for (const pack of PACKS) {
      const rules = config.rules.filter((r) => r.source.file === pack.file)
      const outcomes = await Effect.runPromise(runRuleTests(rules, testRequests(config)).pipe(Effect.provide(services)))
      tests += outcomes.length
      for (const o of outcomes) if (o.failures.length > 0) failures.push(`${o.name}: ${o.failures.join("; ")}`)
    }
    expect(failures).toEqual([])
    expect(tests).toBeGreaterThanOrEqual(PACKS.length)
  })
})
