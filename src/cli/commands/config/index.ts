import { resolve } from "node:path"
import { Effect } from "effect"
import {
  discoverFiles,
  displayName,
  formatIssue,
  parseConfigFile,
  readConfigText,
  userHome,
  type ConfigFile,
  type ConfigIssue,
} from "../../../config/index.ts"
import { unknownSubcommand, flagBoolean, type ParsedArgs } from "../../args.ts"
import { EXIT, UsageError } from "../../errors.ts"
import { configPath as configFlag, loadCommandConfig } from "../../config-flags.ts"
import { CONFIG_SUBCOMMANDS } from "./schema.ts"
import { showJson, showText } from "./show.ts"

type Env = Record<string, string | undefined>

/** `config show` and `config check`, chosen by the first argument. */
export const runConfig = (args: ParsedArgs, env: Env) =>
  Effect.suspend(() => {
    const [subcommand, ...rest] = args.positionals
    switch (subcommand) {
      case "show":
        if (rest.length > 0) throw new UsageError({ command: "config", message: `config show takes no arguments, got ${rest.join(" ")}` })
        return runShow(args, env)
      case "check":
        return runCheck(args, env, rest[0])
      default:
        throw unknownSubcommand("config", subcommand, CONFIG_SUBCOMMANDS)
    }
  })

const runShow = (args: ParsedArgs, env: Env) =>
  Effect.gen(function* () {
    const config = yield* loadCommandConfig(args, env)
    process.stdout.write(`${flagBoolean(args, "json") ? showJson(config) : showText(config)}\n`)
    return EXIT.ok as number
  })

/** Validates FILE, or the files loadConfig would load: `NAME: ok (N rules)` or the issues. */
const runCheck = (args: ParsedArgs, env: Env, file: string | undefined) =>
  Effect.sync(() => {
    const cwd = process.cwd()
    const home = userHome(env)
    const configPath = configFlag(args)
    const { files, issues } =
      file === undefined
        ? discoverFiles({ cwd, env, ...(configPath === undefined ? {} : { configPath }) })
        : named(resolve(cwd, file), cwd, home)
    const problems: Array<ConfigIssue> = [...issues]
    if (files.length === 0 && issues.length === 0) {
      process.stdout.write("no config file found (./headroom-config.yaml, ~/.config/headroom/config.yaml): nothing to check\n")
    }
    for (const f of files) {
      const text = readConfigText(f, problems)
      if (text === undefined) continue
      const contents = parseConfigFile(text, f, home)
      if (contents.issues.length === 0) process.stdout.write(`${f.name}: ok (${contents.rules.length} rule${contents.rules.length === 1 ? "" : "s"})\n`)
      problems.push(...contents.issues)
    }
    for (const issue of problems) process.stderr.write(`${formatIssue(issue)}\n`)
    return problems.length === 0 ? EXIT.ok : EXIT.usage
  })

const named = (path: string, cwd: string, home: string): { files: Array<ConfigFile>; issues: Array<ConfigIssue> } => ({
  files: [{ path, layer: "project", name: displayName(path, cwd, home) }],
  issues: [],
})

