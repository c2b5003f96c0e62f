import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { RULE_KEYS } from "../rules/parse.ts"
import { parseConfigFile } from "./load.ts"
import { SETTINGS, SETTING_KEYS } from "./schema.ts"

const readme = readFileSync(resolve(import.meta.dir, "README.md"), "utf8")

const code = (s: string | undefined) => (s === undefined ? "" : `\`${s}\``)

const settingsTable = (): string =>
  [
    "| key | type | default | environment | flag | what it does |",
    "|---|---|---|---|---|---|",
    ...SETTING_KEYS.map((key) => {
      const s = SETTINGS[key]
      return `| \`${key}\` | ${s.type.describe} | ${s.shownDefault} | ${code(s.env)} | ${code(s.flag)} | ${s.description} |`
    }),
  ].join("\n")

const LIST_TYPES: Record<string, string> = { replace: "list of `{pattern, with}`", tests: "list of tests (below)" }

const ruleTable = (): string =>
  [
    "| key | kind | type | what it does |",
    "|---|---|---|---|",
    ...Object.entries(RULE_KEYS).map(
      ([key, k]) => `| \`${key}\` | ${k.role} | ${k.type === null ? LIST_TYPES[key] : k.type.describe} | ${k.description} |`,
    ),
  ].join("\n")

test("README lists every setting as the schema declares it", () => {
  expect(readme).toContain(settingsTable())
})

test("README lists every rule key as the parser reads it", () => {
  expect(readme).toContain(ruleTable())
})

test("README's example is the one the tests load", () => {
  const example = readFileSync(resolve(import.meta.dir, "../../test/fixtures/config/example.yaml"), "utf8")
  expect(readme).toContain(`\`\`\`yaml\n${example}\`\`\``)
})

test("every YAML example in README is a valid config file", () => {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!)
  expect(blocks.length).toBeGreaterThanOrEqual(3)
  for (const block of blocks) {
    const contents = parseConfigFile(block, { path: "/project/headroom-config.yaml", layer: "project", name: "README" }, "/home")
    expect(contents.issues).toEqual([])
  }
})
