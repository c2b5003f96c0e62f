import { resolve } from "node:path"
import { Effect } from "effect"
import {
  displayName,
  formatIssue,
  parseConfigFile,
  readConfigText,
  userHome,
  type ConfigIssue,
} from "../../../config/index.ts"
import { parseRuleFile } from "../../../rules/parse.ts"
import type { Rule } from "../../../rules/rule.ts"
import { runRuleTests, testRequests, type TestOutcome } from "../../../rules/test-runner.ts"
import { unknownSubcommand, type ParsedArgs } from "../../args.ts"
import { loadCommandConfig } from "../../config-flags.ts"
import { EXIT, UsageError } from "../../errors.ts"
import { configServices } from "../../services.ts"
import { formatRuleList } from "./list.ts"
import { RULES_SUBCOMMANDS } from "./schema.ts"

type Env = Record<string, string | undefined>

/** `rules test` and `rules list`, chosen by the first argument. */
export const runRules = (args: ParsedArgs, env: Env) =>
  Effect.suspend(() => {
    const [subcommand, ...rest] = args.positionals
    switch (subcommand) {
      case "test":
        return runTest(args, env, rest[0])
      case "list":
        if (rest.length > 0) throw new UsageError({ command: "rules", message: `rules list takes no arguments, got ${rest.join(" ")}` })
        return runList(args, env)
      default:
        throw unknownSubcommand("rules", subcommand, RULES_SUBCOMMANDS)
    }
  })

const runList = (args: ParsedArgs, env: Env) =>
  Effect.gen(function* () {
    const config = yield* loadCommandConfig(args, env)
    process.stdout.write(`${formatRuleList(config.rules)}\n`)
    return EXIT.ok as number
  })

/** Runs the tests of FILE, or of every rule file the configuration loads, each file on its own. */
const runTest = (args: ParsedArgs, env: Env, file: string | undefined) =>
  Effect.gen(function* () {
    const config = yield* loadCommandConfig(args, env)
    let groups: ReadonlyArray<ReadonlyArray<Rule>>
    if (file === undefined) groups = byFile(config.rules)
    else {
      const read = readRuleFile(resolve(process.cwd(), file), env)
      if ("issues" in read) {
        for (const issue of read.issues) process.stderr.write(`${formatIssue(issue)}\n`)
        return EXIT.usage as number
      }
      groups = [read.rules]
    }
    // Tests compress with the configured tokenizer, and keep no originals.
    const services = configServices({ ...config, settings: { ...config.settings, store: { ...config.settings.store, enabled: false } } })
    const outcomes: Array<TestOutcome> = []
    for (const rules of groups) outcomes.push(...(yield* runRuleTests(rules, testRequests(config)).pipe(Effect.provide(services))))
    for (const o of outcomes) {
      const where = `${o.rule.source.file}:${o.test.line}`
      process.stdout.write(o.failures.length === 0 ? `PASS ${o.name}\n` : `FAIL ${o.name} (${where}): ${o.failures.join("; ")}\n`)
    }
    process.stdout.write(`${totals(outcomes, groups.length, file)}\n`)
    return outcomes.some((o) => o.failures.length > 0) ? EXIT.failure : EXIT.ok
  })

/** The rules of one file each, in the order they apply. */
const byFile = (rules: ReadonlyArray<Rule>): Array<Array<Rule>> => {
  const groups = new Map<string, Array<Rule>>()
  for (const rule of rules) {
    const group = groups.get(rule.source.file)
    if (group === undefined) groups.set(rule.source.file, [rule])
    else group.push(rule)
  }
  return [...groups.values()]
}

const totals = (outcomes: ReadonlyArray<TestOutcome>, files: number, file: string | undefined): string => {
  if (outcomes.length === 0) return `${file ?? "the rule files"}: no tests`
  const failed = outcomes.filter((o) => o.failures.length > 0).length
  const where = file ?? `${files} ${files === 1 ? "file" : "files"}`
  return `${outcomes.length - failed} passed, ${failed} failed (${outcomes.length} ${outcomes.length === 1 ? "test" : "tests"} in ${where})`
}

/**
 * A rule pack (a top-level `rules:` list) or a config file, whichever FILE is: read as both, the
 * reading with fewer problems wins, so a broken file is reported in the terms it was meant in.
 */
const readRuleFile = (path: string, env: Env): { readonly rules: ReadonlyArray<Rule> } | { readonly issues: ReadonlyArray<ConfigIssue> } => {
  const home = userHome(env)
  const asConfig = { path, layer: "project" as const, name: displayName(path, process.cwd(), home) }
  const unreadable: Array<ConfigIssue> = []
  const text = readConfigText(asConfig, unreadable)
  if (text === undefined) return { issues: unreadable }
  const pack = parseRuleFile(text, asConfig.name, "project")
  if ("rules" in pack) return pack
  const config = parseConfigFile(text, asConfig, home)
  if (config.issues.length === 0) return { rules: config.rules }
  return config.issues.length < pack.errors.length ? { issues: config.issues } : { issues: pack.errors }
}
