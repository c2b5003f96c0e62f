import { HELP_FLAG, closest, type CommandSpec, type FlagSpec } from "../../args.ts"
import { UsageError } from "../../errors.ts"
import { COMMANDS } from "../registry.ts"

const NAME_WIDTH = Math.max(...COMMANDS.map((c) => c.name.length))

export const overview = (version: string): string =>
  [
    `headroom ${version} — cuts the tokens that logs and tool output cost an LLM, without losing what matters`,
    "",
    "Usage: headroom <command> [flags]",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(NAME_WIDTH)} ${c.summary}`),
    `  ${"help".padEnd(NAME_WIDTH)} show help for a command`,
    "",
    "Flags: --version, --help",
    'Run "headroom help <command>" for a command\'s flags and examples.',
  ].join("\n")

export const commandHelp = (spec: CommandSpec): string => {
  const flags = [...spec.flags, HELP_FLAG]
  const left = flags.map(flagLabel)
  const width = Math.max(...left.map((l) => l.length)) + 2
  return [
    `headroom ${spec.name} — ${spec.summary}`,
    "",
    "Usage:",
    ...spec.usage.map((u) => `  ${u}`),
    "",
    ...(spec.positionals.max === 0 ? [] : [`Arguments:\n  ${spec.positionals.name.padEnd(width - 2)}${spec.positionals.description}`, ""]),
    "Flags:",
    ...flags.map((f, i) => `  ${left[i]!.padEnd(width)}${f.description}`),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
    ...(spec.notes === undefined ? [] : ["", ...spec.notes]),
  ].join("\n")
}

const flagLabel = (f: FlagSpec): string => {
  const short = f.short === undefined ? "    " : `-${f.short}, `
  const value = f.type === "boolean" ? "" : f.type === "choice" ? ` ${f.choices.join("|")}` : ` ${f.placeholder}`
  return `${short}--${f.name}${value}`
}

export const helpFor = (name: string | undefined, version: string): string => {
  if (name === undefined) return overview(version)
  const spec = COMMANDS.find((c) => c.name === name)
  if (spec === undefined) {
    const hint = closest(name, COMMANDS.map((c) => c.name))
    throw new UsageError({ command: "help", message: `no command "${name}"${hint ? ` (did you mean ${hint}?)` : ""}` })
  }
  return commandHelp(spec)
}
