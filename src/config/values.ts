import { isAbsolute, join, resolve } from "node:path"
import { isSeq, type Node } from "yaml"
import { closest } from "../cli/args.ts"
import { parseDuration } from "../store/settings.ts"
import { describeNode, describeValue, items, report, scalarValue, type YamlFile } from "./yaml.ts"

/** A value read from text: an environment variable or a flag. */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string; readonly hint?: string }

/** Where relative paths (and `~/`) in a value are taken from. */
export interface Base {
  readonly dir: string
  readonly home: string
}

/**
 * The type of a setting or rule key: how it reads from YAML (reporting at the node) and from
 * text (environment variables, flags), and how docs and messages describe it.
 */
export interface ValueType<T> {
  readonly describe: string
  readonly read: (y: YamlFile, node: Node | null, key: string) => T | undefined
  readonly parse: (text: string, key: string, base: Base) => Parsed<T>
}

type Check<T> = (value: unknown, key: string, base: Base) => Parsed<T>

const fail = (message: string, hint?: string): Parsed<never> => ({ ok: false, message, ...(hint === undefined ? {} : { hint }) })
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value })
const wrong = (key: string, describe: string, value: unknown) => fail(`${key} must be ${describe}, got ${describeValue(value)}`)

/** A type whose YAML form is one scalar; `fromText` turns environment text into that scalar. */
const scalar = <T>(describe: string, check: Check<T>, fromText: (text: string) => unknown = (t) => t): ValueType<T> => ({
  describe,
  read: (y, node, key) => {
    const value = scalarValue(node)
    const result =
      value === undefined ? fail(`${key} must be ${describe}, got ${describeNode(node)}`) : check(value, key, { dir: y.dir, home: y.home })
    if (result.ok) return result.value
    report(y, node, result.message, result.hint)
    return undefined
  },
  parse: (text, key, base) => check(fromText(text), key, base),
})

const TRUE = ["1", "true", "yes", "on"]
const FALSE = ["0", "false", "no", "off"]

export const boolean: ValueType<boolean> = scalar(
  "true or false",
  (v, key) => (typeof v === "boolean" ? ok(v) : wrong(key, "true or false", v)),
  (t) => (TRUE.includes(t.toLowerCase()) ? true : FALSE.includes(t.toLowerCase()) ? false : t),
)

const asNumber = (v: unknown): number | undefined =>
  typeof v === "number" ? v : typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : undefined

export const wholeNumber = (min: number): ValueType<number> => {
  const describe = `a whole number ≥ ${min}`
  return scalar(describe, (v, key) => {
    const n = asNumber(v)
    return n !== undefined && Number.isSafeInteger(n) && n >= min ? ok(n) : wrong(key, describe, v)
  })
}

export const numberBetween = (min: number, max: number): ValueType<number> => {
  const describe = `a number from ${min} to ${max}`
  return scalar(describe, (v, key) => {
    const n = asNumber(v)
    return n !== undefined && n >= min && n <= max ? ok(n) : wrong(key, describe, v)
  })
}

export const positiveNumber: ValueType<number> = scalar("a number > 0", (v, key) => {
  const n = asNumber(v)
  return n !== undefined && n > 0 ? ok(n) : wrong(key, "a number > 0", v)
})

export const text: ValueType<string> = scalar("text", (v, key) => (typeof v === "string" && v !== "" ? ok(v) : wrong(key, "text", v)))

/** Text that may be empty (a replacement). */
/** An http(s) URL, without a trailing slash. */
export const url: ValueType<string> = scalar("an http(s) URL", (v, key) => {
  if (typeof v !== "string" || !URL.canParse(v) || !/^https?:$/.test(new URL(v).protocol)) return wrong(key, "an http(s) URL", v)
  return ok(v.replace(/\/+$/, ""))
})

/** Words a marker puts before its hash: no `]`, `·` or line break, which would end the marker. */
export const markerVerb: ValueType<string> = scalar("text without ], · or line breaks", (v, key) =>
  typeof v === "string" && /^[^\]·\r\n]*[^\]·\s]$/.test(v) && !/^\s/.test(v) ? ok(v) : wrong(key, "text without ], · or line breaks", v),
)

export const anyText: ValueType<string> = scalar("text", (v, key) => (typeof v === "string" ? ok(v) : wrong(key, "text", v)))

export const choice = <C extends string>(choices: ReadonlyArray<C>): ValueType<C> => {
  const describe = `one of ${choices.join(", ")}`
  return scalar(describe, (v, key) =>
    typeof v === "string" && (choices as ReadonlyArray<string>).includes(v)
      ? ok(v as C)
      : fail(`${key} must be ${describe}, got ${describeValue(v)}`, typeof v === "string" ? closest(v, choices) : undefined),
  )
}

/**
 * A JavaScript regular expression source; a leading `(?i)` makes it case-insensitive. `flags`
 * adds e.g. `m` for patterns searched in whole texts. Never `g`: rules are compiled once and shared.
 */
export const compileRegex = (source: string, flags = ""): RegExp | string => {
  const insensitive = source.startsWith("(?i)")
  try {
    return new RegExp(insensitive ? source.slice(4) : source, insensitive ? `${flags}i` : flags)
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

export const regex = (flags = ""): ValueType<RegExp> =>
  scalar("a regular expression", (v, key) => {
    if (typeof v !== "string" || v === "") return wrong(key, "a regular expression", v)
    const compiled = compileRegex(v, flags)
    return typeof compiled === "string" ? fail(`${key}: bad regular expression ${JSON.stringify(v)}: ${compiled}`) : ok(compiled)
  })

const SIZE_UNITS: Record<string, number> = { "": 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 }
const SIZE_DESCRIBE = 'a size: bytes, or "10KB", "2MB", "1.5GB"'

/** Bytes from `1234`, `"10KB"`, `"2MB"`, `"1.5GB"` (units of 1024). */
export const size: ValueType<number> = scalar(SIZE_DESCRIBE, (v, key) => {
  if (typeof v === "number") return Number.isSafeInteger(v) && v >= 0 ? ok(v) : wrong(key, SIZE_DESCRIBE, v)
  const m = typeof v === "string" ? /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?)\s*$/i.exec(v) : null
  if (m === null) return wrong(key, SIZE_DESCRIBE, v)
  return ok(Math.round(Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!))
})

const DURATION_DESCRIBE = 'a duration: seconds, or "30m", "12h", "7d"'

/** Milliseconds from `"30m"`, `"12h"`, `"7d"` or a number of seconds. */
export const duration: ValueType<number> = scalar(DURATION_DESCRIBE, (v, key) => {
  const ms = typeof v === "number" || typeof v === "string" ? parseDuration(String(v)) : undefined
  return ms === undefined ? wrong(key, DURATION_DESCRIBE, v) : ok(ms)
})

/** A file path, made absolute: relative to the file that names it (or the working directory). */
export const path: ValueType<string> = scalar("a path", (v, key, base) => {
  if (typeof v !== "string" || v === "") return wrong(key, "a path", v)
  if (v === "~" || v.startsWith("~/")) return ok(join(base.home, v.slice(1)))
  return ok(isAbsolute(v) ? v : resolve(base.dir, v))
})

/** A list type: one value or a list of them in YAML. */
export interface ListType<T> extends ValueType<ReadonlyArray<T>> {
  /** The type of each value (a repeatable flag gives them one by one). */
  readonly item: ValueType<T>
}

/**
 * One value or a list of them. From text (an environment variable), values are separated by
 * `separator`; without one, the text is a single value.
 */
export const oneOrList = <T>(type: ValueType<T>, separator?: string): ListType<T> => ({
  describe: `${type.describe}, or a list of them`,
  item: type,
  read: (y, node, key) => {
    if (!isSeq(node)) {
      const one = type.read(y, node, key)
      return one === undefined ? undefined : [one]
    }
    const list = items(y, node, key) ?? []
    const values = list.map((item) => type.read(y, item, key))
    return values.every((v) => v !== undefined) ? (values as Array<T>) : undefined
  },
  parse: (t, key, base) => {
    const values: Array<T> = []
    for (const part of separator === undefined ? [t] : t.split(separator).filter((p) => p !== "")) {
      const one = type.parse(part, key, base)
      if (!one.ok) return one
      values.push(one.value)
    }
    return ok(values)
  },
})
