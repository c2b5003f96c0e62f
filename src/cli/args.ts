import { UsageError } from "./errors.ts"

/** One flag of a command, declared once: parsing, validation and help all read this. */
export type FlagSpec =
  | { readonly name: string; readonly short?: string; readonly type: "boolean"; readonly description: string }
  | {
      readonly name: string
      readonly short?: string
      readonly type: "string"
      readonly placeholder: string
      /** May be given several times; the values are collected in order. */
      readonly repeatable?: boolean
      readonly description: string
    }
  | {
      readonly name: string
      readonly short?: string
      readonly type: "integer"
      readonly placeholder: string
      readonly min: number
      readonly description: string
    }
  | {
      readonly name: string
      readonly short?: string
      readonly type: "choice"
      readonly choices: ReadonlyArray<string>
      readonly default?: string
      readonly description: string
    }

export interface CommandSpec {
  readonly name: string
  readonly summary: string
  readonly usage: ReadonlyArray<string>
  readonly flags: ReadonlyArray<FlagSpec>
  /** Positional arguments: `min`..`max` of them (`max` Infinity for a list). */
  readonly positionals: { readonly name: string; readonly min: number; readonly max: number; readonly description: string }
  readonly examples: ReadonlyArray<string>
  readonly notes?: ReadonlyArray<string>
}

export type FlagValue = boolean | string | number | ReadonlyArray<string>
export interface ParsedArgs {
  readonly flags: ReadonlyMap<string, FlagValue>
  readonly positionals: ReadonlyArray<string>
}

export const HELP_FLAG: FlagSpec = { name: "help", short: "h", type: "boolean", description: "show this help" }

/**
 * Parses `argv` against `spec`. `--flag value`, `--flag=value`, `-x value`, `--no-flag` for
 * booleans, `--` to end flags, and a lone `-` as a positional (standard input).
 */
export const parseArgs = (spec: CommandSpec, argv: ReadonlyArray<string>): ParsedArgs => {
  const flags = new Map<string, FlagValue>()
  const positionals: Array<string> = []
  const all = [...spec.flags, HELP_FLAG]
  const byName = new Map(all.map((f) => [f.name, f]))
  const byShort = new Map(all.filter((f) => f.short !== undefined).map((f) => [f.short!, f]))
  let i = 0
  while (i < argv.length) {
    const arg = argv[i]!
    i++
    if (arg === "--") {
      positionals.push(...argv.slice(i))
      break
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg)
      continue
    }
    let name: string
    let inline: string | undefined
    let spec_: FlagSpec | undefined
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=")
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
      inline = eq === -1 ? undefined : arg.slice(eq + 1)
      spec_ = byName.get(name)
      if (spec_ === undefined && name.startsWith("no-")) {
        const negated = byName.get(name.slice(3))
        if (negated?.type === "boolean" && inline === undefined) {
          flags.set(negated.name, false)
          continue
        }
      }
    } else {
      name = arg.slice(1, 2)
      inline = arg.length > 2 ? arg.slice(2) : undefined
      spec_ = byShort.get(name)
    }
    if (spec_ === undefined) throw unknownFlag(spec, arg)
    if (spec_.type === "boolean") {
      if (inline !== undefined) throw new UsageError({ command: spec.name, message: `--${spec_.name} takes no value` })
      flags.set(spec_.name, true)
      continue
    }
    let value = inline
    if (value === undefined) {
      if (i >= argv.length) throw new UsageError({ command: spec.name, message: `--${spec_.name} needs a value (${describeValue(spec_)})` })
      value = argv[i]!
      i++
    }
    const converted = convert(spec, spec_, value)
    if (spec_.type === "string" && spec_.repeatable === true) {
      const earlier = flags.get(spec_.name)
      flags.set(spec_.name, [...(Array.isArray(earlier) ? earlier : []), converted as string])
    } else flags.set(spec_.name, converted)
  }
  if (flags.get("help") === true) return { flags, positionals }
  const { min, max, name } = spec.positionals
  if (positionals.length < min) throw new UsageError({ command: spec.name, message: `missing ${name}` })
  if (positionals.length > max) {
    throw new UsageError({ command: spec.name, message: `too many arguments: ${positionals.slice(max).join(" ")}` })
  }
  return { flags, positionals }
}

const convert = (command: CommandSpec, flag: FlagSpec, value: string): FlagValue => {
  switch (flag.type) {
    case "string":
      return value
    case "integer": {
      const n = /^\d+$/.test(value) ? Number(value) : Number.NaN
      if (!Number.isSafeInteger(n) || n < flag.min) {
        throw new UsageError({ command: command.name, message: `--${flag.name} must be a whole number ≥ ${flag.min}, got "${value}"` })
      }
      return n
    }
    case "choice": {
      if (flag.choices.includes(value)) return value
      const hint = closest(value, flag.choices)
      throw new UsageError({
        command: command.name,
        message: `--${flag.name} must be one of ${flag.choices.join(", ")}; got "${value}"${hint ? ` (did you mean ${hint}?)` : ""}`,
      })
    }
    case "boolean":
      return true
  }
}

const describeValue = (flag: FlagSpec): string =>
  flag.type === "choice" ? flag.choices.join("|") : flag.type === "boolean" ? "" : flag.placeholder

const unknownFlag = (spec: CommandSpec, arg: string): UsageError => {
  const names = [...spec.flags, HELP_FLAG].map((f) => `--${f.name}`)
  const hint = closest(arg.split("=")[0]!, names)
  return new UsageError({
    command: spec.name,
    message: `unknown flag ${arg}${hint ? ` (did you mean ${hint}?)` : ""}\nvalid flags for ${spec.name}: ${names.join(", ")}`,
  })
}

/** The usage error for a subcommand `command` doesn't have, with a suggestion when one is close. */
export const unknownSubcommand = (command: string, given: string | undefined, choices: ReadonlyArray<string>): UsageError => {
  const hint = closest(given ?? "", choices)
  return new UsageError({
    command,
    message: `${given === undefined ? "missing subcommand" : `unknown subcommand "${given}"`}${hint ? ` (did you mean ${hint}?)` : ""}; ${command} subcommands: ${choices.join(", ")}`,
  })
}

/** The candidate within edit distance 2 (or sharing a prefix) of `word`, for "did you mean". */
export const closest = (word: string, candidates: ReadonlyArray<string>): string | undefined => {
  let best: string | undefined
  let bestDistance = 3
  for (const c of candidates) {
    const d = editDistance(word, c)
    if (d < bestDistance) {
      bestDistance = d
      best = c
    }
  }
  return best
}

const editDistance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length]!
}

export const flagString = (args: ParsedArgs, name: string): string | undefined => {
  const v = args.flags.get(name)
  return typeof v === "string" ? v : undefined
}
export const flagStrings = (args: ParsedArgs, name: string): ReadonlyArray<string> => {
  const v = args.flags.get(name)
  return Array.isArray(v) ? v : typeof v === "string" ? [v] : []
}
export const flagNumber = (args: ParsedArgs, name: string): number | undefined => {
  const v = args.flags.get(name)
  return typeof v === "number" ? v : undefined
}
export const flagBoolean = (args: ParsedArgs, name: string): boolean => args.flags.get(name) === true
