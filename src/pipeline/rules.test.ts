/** How rules, plugins' redaction and the savings bounds shape a run of the real pipeline. */
import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parseRuleFile } from "../rules/parse.ts"
import type { Rule } from "../rules/rule.ts"
import { defineStage, withText } from "../sdk/index.ts"
import { redeemAll, withStore } from "../../test/support/pipeline.ts"

const store = withStore()
afterAll(() => store.cleanup())

const rulesOf = (yaml: string): ReadonlyArray<Rule> => {
  const parsed = parseRuleFile(yaml, "headroom-config.yaml", "project")
  if ("errors" in parsed) throw new Error(parsed.errors.map((e) => e.message).join("\n"))
  return parsed.rules
}

const example = rulesOf(readFileSync(join(import.meta.dir, "../../test/fixtures/config/example.yaml"), "utf8"))

// A build log with one error among many near-identical lines: every strategy compresses it.
const buildLog = [
  ...Array.from({ length: 400 }, (_, i) => `2024-05-01T10:00:${String(i % 60).padStart(2, "0")}Z INFO fetched chunk ${i * 7} of artifact cache in ${i % 13} ms`),
  "2024-05-01T10:07:00Z ERROR upload failed: connection reset by peer (attempt 3)",
  ...Array.from({ length: 100 }, (_, i) => `2024-05-01T10:08:${String(i % 60).padStart(2, "0")}Z INFO retrying chunk ${i}`),
].join("\n") + "\n"

const python = readFileSync(join(import.meta.dir, "../../test/fixtures/code/requests_sessions.py"), "utf8")

describe("the documented example configuration", () => {
  test("ci-logs/ gets aggressive with a 500-token budget", async () => {
    const { text, summary } = await store.compress(buildLog, { path: "ci-logs/build.log", rules: example })
    expect(summary.rules).toEqual(["headroom-config.yaml#3"])
    expect(summary.after!.tokens).toBeLessThanOrEqual(500)
    expect(text).toContain("ERROR upload failed")
    const plain = await store.compress(buildLog, { path: "logs/build.log", rules: example, maxTokens: 500, strategy: "aggressive" })
    expect(text).toBe(plain.text)
  })

  test("test_*.py is not compressed at all", async () => {
    const { text, summary } = await store.compress(python, { path: "tests/test_sessions.py", rules: example, strategy: "aggressive" })
    expect(text).toBe(python)
    expect(summary.rules).toEqual(["headroom-config.yaml#1", "headroom-config.yaml#2"])
    expect(summary.transforms).toEqual([])
  })

  test("*.py keeps the original unless at least half the tokens go", async () => {
    const conservative = await store.compress(python, { path: "src/sessions.py", rules: example, strategy: "conservative" })
    expect(conservative.text).toBe(python)
    expect(conservative.summary.notes.join()).toContain("saved less than the minimum of 50%")
    const aggressive = await store.compress(python, { path: "src/sessions.py", rules: example, strategy: "aggressive" })
    expect(aggressive.summary.after!.tokens).toBeLessThan(aggressive.summary.before!.tokens / 2)
  })

  test("openapi*.yaml is only deduplicated", async () => {
    const schema = ["    type: object", "    properties:", "      id: {type: string}", "      name: {type: string}", "      created: {type: string, format: date-time}"]
    const yaml = ["openapi: 3.0.0", "components:", "  schemas:", ...["User", "Team", "Org"].flatMap((n) => [`  ${n}:`, ...schema]), ""].join("\n")
    const { text, summary } = await store.compress(yaml, { path: "api/openapi.v2.yaml", rules: example, strategy: "aggressive" })
    expect(summary.transforms).toEqual(["dedup"])
    expect(text).toContain("  Team:")
    expect(text.split("type: object").length - 1).toBe(1)
    expect((await redeemAll(store, text)).join("")).toContain(schema.join("\n"))
  })
})

describe("how rules meet the run's own settings", () => {
  const aggressiveLogs = rulesOf(`rules:\n  - type: log\n    strategy: aggressive\n    max_tokens: 300\n`)

  test("a strategy given on the command line (pinned) beats a rule's", async () => {
    const ruled = await store.compress(buildLog, { rules: aggressiveLogs, strategy: "conservative" })
    const pinned = await store.compress(buildLog, { rules: aggressiveLogs, strategy: "conservative", pinned: new Set(["strategy", "maxTokens"]) })
    const plain = await store.compress(buildLog, { strategy: "conservative" })
    expect(ruled.summary.after!.tokens).toBeLessThanOrEqual(300)
    expect(pinned.text).toBe(plain.text)
  })

  test("keep_lines protects lines from the compressors, as --keep does", async () => {
    const rules = rulesOf(`rules:\n  - keep_lines: "fetched chunk 2100 "\n`)
    const { text } = await store.compress(buildLog, { rules, strategy: "aggressive" })
    expect(text).toContain("fetched chunk 2100 of artifact")
  })

  test("a stage switched off everywhere comes back where a rule enables it", async () => {
    const rules = rulesOf(`rules:\n  - pattern: "\\\\.log$"\n    enable: log\n`)
    const off = await store.compress(buildLog, { path: "a.txt", rules, disabled: ["log"], kind: "log" })
    expect(off.summary.transforms).not.toContain("log")
    const on = await store.compress(buildLog, { path: "a.log", rules, disabled: ["log"] })
    expect(on.summary.transforms).toContain("log")
  })

  test("strip_lines removes noise before compression, behind markers that redeem it", async () => {
    const rules = rulesOf(`rules:\n  - strip_lines: "INFO retrying chunk"\n`)
    const { text } = await store.compress(buildLog, { rules, strategy: "conservative" })
    expect(text).not.toContain("INFO retrying chunk 50")
    expect((await redeemAll(store, text)).join("\n")).toContain("INFO retrying chunk 50")
  })
})

describe("savings bounds and redaction", () => {
  test("--max-savings steps down to a gentler strategy, then keeps the original", async () => {
    const aggressive = await store.compress(python, { strategy: "aggressive" })
    const saved = 1 - aggressive.summary.after!.tokens / aggressive.summary.before!.tokens
    const capped = await store.compress(python, { strategy: "aggressive", maxSavings: Math.floor(saved * 100) - 1 })
    expect(capped.summary.after!.tokens).toBeGreaterThan(aggressive.summary.after!.tokens)
    expect(capped.summary.transforms).toContain("strategy:balanced")
    const none = await store.compress(python, { strategy: "aggressive", maxSavings: 1 })
    expect(none.text).toBe(python)
    expect(none.summary.notes.join()).toContain("cap of 1%")
  })

  test("a redaction stage is kept even when it adds tokens, runs first, and what it hid is never stored", async () => {
    const secret = "AKIA" + "Z7QXJ2M4N6P8R1T3"
    const redact = defineStage({
      name: "mask",
      purpose: "redact",
      run: (block) => withText(block, block.text.replaceAll(secret, "[REDACTED: an access key id that was here]")),
    })
    const log = buildLog.replace("connection reset", `connection reset for ${secret}`)
    const { text, summary } = await store.compress(log, { plugins: { redact: [redact], compress: [] } })
    expect(summary.transforms[0]).toBe("mask")
    expect(text).not.toContain(secret)
    for (const original of await redeemAll(store, text)) expect(original).not.toContain(secret)
    const short = "key " + secret + "\n"
    const alone = await store.compress(short, { plugins: { redact: [redact], compress: [] } })
    expect(alone.text).toBe("key [REDACTED: an access key id that was here]\n")
  })
})
