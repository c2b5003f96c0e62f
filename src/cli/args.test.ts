import { describe, expect, test } from "bun:test"
import { flagBoolean, flagNumber, flagString, parseArgs, type CommandSpec } from "./args.ts"
import { UsageError } from "./errors.ts"

const SPEC: CommandSpec = {
  name: "compress",
  summary: "compress text",
  usage: ["headroom compress [flags] [file...]"],
  flags: [
    { name: "output", short: "o", type: "string", placeholder: "path", description: "write here" },
    { name: "max-tokens", type: "integer", placeholder: "n", min: 1, description: "token budget" },
    { name: "level", short: "l", type: "integer", placeholder: "n", min: 0, description: "level" },
    { name: "type", short: "t", type: "choice", choices: ["log", "json", "code", "text"], description: "content kind" },
    { name: "stats", short: "s", type: "boolean", description: "print stats" },
    { name: "verbose", short: "v", type: "boolean", description: "talk more" },
    { name: "no-store", type: "boolean", description: "keep no originals" },
  ],
  positionals: { name: "file", min: 0, max: 2, description: "inputs" },
  examples: [],
}

const ONE_REQUIRED: CommandSpec = { ...SPEC, name: "retrieve", positionals: { name: "reference", min: 1, max: 1, description: "ref" } }

/** The UsageError `parseArgs` throws for `argv`. */
const usageError = (argv: ReadonlyArray<string>, spec: CommandSpec = SPEC): UsageError => {
  try {
    parseArgs(spec, argv)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    const e = error as UsageError
    expect(e._tag).toBe("UsageError")
    expect(e.command).toBe(spec.name)
    return e
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(argv)}`)
}

describe("parseArgs: values", () => {
  test("--flag value, --flag=value and -x value", () => {
    expect(flagString(parseArgs(SPEC, ["--output", "out.txt"]), "output")).toBe("out.txt")
    expect(flagString(parseArgs(SPEC, ["--output=out.txt"]), "output")).toBe("out.txt")
    expect(flagString(parseArgs(SPEC, ["-o", "out.txt"]), "output")).toBe("out.txt")
    expect(flagString(parseArgs(SPEC, ["-oout.txt"]), "output")).toBe("out.txt")
  })

  test("--flag=value keeps everything after the first =, including an empty value", () => {
    expect(flagString(parseArgs(SPEC, ["--output=a=b"]), "output")).toBe("a=b")
    expect(flagString(parseArgs(SPEC, ["--output="]), "output")).toBe("")
  })

  test("a value may start with a dash when given as the next argument", () => {
    expect(flagString(parseArgs(SPEC, ["--output", "-"]), "output")).toBe("-")
  })

  test("the last occurrence of a flag wins", () => {
    expect(flagString(parseArgs(SPEC, ["-o", "a", "--output", "b"]), "output")).toBe("b")
  })

  test("integers are parsed to numbers", () => {
    const args = parseArgs(SPEC, ["--max-tokens", "2000", "--level=0"])
    expect(flagNumber(args, "max-tokens")).toBe(2000)
    expect(flagNumber(args, "level")).toBe(0)
    expect(args.flags.get("max-tokens")).toBe(2000)
  })

  test("choices are accepted as given", () => {
    expect(flagString(parseArgs(SPEC, ["--type", "json"]), "type")).toBe("json")
    expect(flagString(parseArgs(SPEC, ["-t", "log"]), "type")).toBe("log")
  })

  test("unset flags are absent", () => {
    const args = parseArgs(SPEC, [])
    expect(args.flags.size).toBe(0)
    expect(flagString(args, "output")).toBeUndefined()
    expect(flagNumber(args, "max-tokens")).toBeUndefined()
    expect(flagBoolean(args, "stats")).toBe(false)
  })
})

describe("parseArgs: booleans", () => {
  test("--flag and -x set true", () => {
    expect(flagBoolean(parseArgs(SPEC, ["--stats"]), "stats")).toBe(true)
    expect(flagBoolean(parseArgs(SPEC, ["-v"]), "verbose")).toBe(true)
  })

  test("--no-<boolean> sets false, and the later flag wins", () => {
    const off = parseArgs(SPEC, ["--no-stats"])
    expect(off.flags.get("stats")).toBe(false)
    expect(flagBoolean(off, "stats")).toBe(false)
    expect(parseArgs(SPEC, ["--stats", "--no-stats"]).flags.get("stats")).toBe(false)
    expect(parseArgs(SPEC, ["--no-stats", "--stats"]).flags.get("stats")).toBe(true)
  })

  test("a flag literally named no-store is itself, not the negation of 'store'", () => {
    const args = parseArgs(SPEC, ["--no-store"])
    expect(args.flags.get("no-store")).toBe(true)
    expect(args.flags.has("store")).toBe(false)
  })

  test("a boolean given a value is an error", () => {
    expect(usageError(["--stats=yes"]).message).toBe("--stats takes no value")
  })

  test("--no- only negates booleans", () => {
    const e = usageError(["--no-output"])
    expect(e.message).toStartWith("unknown flag --no-output")
    expect(usageError(["--no-stats=1"]).message).toStartWith("unknown flag --no-stats=1")
  })
})

describe("parseArgs: positionals", () => {
  test("positionals are kept in order around flags", () => {
    const args = parseArgs(SPEC, ["a.log", "--stats", "b.log"])
    expect(args.positionals).toEqual(["a.log", "b.log"])
    expect(flagBoolean(args, "stats")).toBe(true)
  })

  test("a lone - is a positional (standard input)", () => {
    const args = parseArgs(SPEC, ["-", "--stats"])
    expect(args.positionals).toEqual(["-"])
    expect(flagBoolean(args, "stats")).toBe(true)
  })

  test("-- ends flags: what follows is positional even if it looks like a flag", () => {
    const args = parseArgs(SPEC, ["--stats", "--", "--verbose", "-o"])
    expect(args.positionals).toEqual(["--verbose", "-o"])
    expect(flagBoolean(args, "verbose")).toBe(false)
    expect(args.flags.has("output")).toBe(false)
  })

  test("too many positionals names the extra ones", () => {
    expect(usageError(["a", "b", "c", "d"]).message).toBe("too many arguments: c d")
  })

  test("too few positionals names the missing one", () => {
    expect(usageError([], ONE_REQUIRED).message).toBe("missing reference")
    expect(parseArgs(ONE_REQUIRED, ["3f9a1c2b7d4e"]).positionals).toEqual(["3f9a1c2b7d4e"])
  })

  test("--help short-circuits the positional checks", () => {
    expect(flagBoolean(parseArgs(ONE_REQUIRED, ["--help"]), "help")).toBe(true)
    expect(flagBoolean(parseArgs(ONE_REQUIRED, ["-h"]), "help")).toBe(true)
    expect(parseArgs(SPEC, ["a", "b", "c", "--help"]).positionals).toEqual(["a", "b", "c"])
  })

  test("--help does not excuse bad flag values", () => {
    expect(usageError(["--help", "--max-tokens", "x"]).message).toContain("--max-tokens must be")
  })
})

describe("parseArgs: errors", () => {
  test("unknown flag: lists the valid flags and suggests the closest", () => {
    const e = usageError(["--verbsoe"])
    const [first, second] = e.message.split("\n")
    expect(first).toBe("unknown flag --verbsoe (did you mean --verbose?)")
    expect(second).toBe("valid flags for compress: --output, --max-tokens, --level, --type, --stats, --verbose, --no-store, --help")
  })

  test("unknown flag with an inline value suggests from the name alone", () => {
    expect(usageError(["--outptu=x.txt"]).message).toStartWith("unknown flag --outptu=x.txt (did you mean --output?)")
    expect(usageError(["--max-token", "10"]).message).toStartWith("unknown flag --max-token (did you mean --max-tokens?)")
  })

  test("unknown flag far from every valid one: no suggestion, still the list", () => {
    const e = usageError(["--frobnicate"])
    expect(e.message).not.toContain("did you mean")
    expect(e.message).toStartWith("unknown flag --frobnicate\n")
    expect(e.message).toContain("valid flags for compress: ")
  })

  test("unknown short flag", () => {
    const e = usageError(["-z"])
    expect(e.message).toStartWith("unknown flag -z")
    expect(e.message).toContain("valid flags for compress: ")
  })

  test("choice outside the list: lists the choices and suggests the closest", () => {
    expect(usageError(["--type", "jsno"]).message).toBe('--type must be one of log, json, code, text; got "jsno" (did you mean json?)')
    expect(usageError(["--type=xml-document"]).message).toBe('--type must be one of log, json, code, text; got "xml-document"')
  })

  test("integers: negative, non-numeric, fractional and below min are rejected", () => {
    expect(usageError(["--level", "-1"]).message).toBe('--level must be a whole number ≥ 0, got "-1"')
    expect(usageError(["--max-tokens", "lots"]).message).toBe('--max-tokens must be a whole number ≥ 1, got "lots"')
    expect(usageError(["--max-tokens=1.5"]).message).toBe('--max-tokens must be a whole number ≥ 1, got "1.5"')
    expect(usageError(["--max-tokens", "0"]).message).toBe('--max-tokens must be a whole number ≥ 1, got "0"')
    expect(usageError(["--max-tokens", ""]).message).toBe('--max-tokens must be a whole number ≥ 1, got ""')
    expect(usageError(["--max-tokens", "99999999999999999999"]).message).toContain("must be a whole number")
  })

  test("missing value names the flag and what it expects", () => {
    expect(usageError(["--output"]).message).toBe("--output needs a value (path)")
    expect(usageError(["a.log", "--type"]).message).toBe("--type needs a value (log|json|code|text)")
    expect(usageError(["-l"]).message).toBe("--level needs a value (n)")
  })
})
