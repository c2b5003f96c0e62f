import { expect, test } from "bun:test"
import { PluginSpecError, definePlugin, toPlugin } from "./plugin.ts"

test("a plain stage spec is a plugin with one block hook", () => {
  const run = () => undefined
  expect(toPlugin({ name: "drop-debug", description: "d", kinds: ["log"], timeoutMs: 100, run })).toEqual({
    name: "drop-debug",
    description: "d",
    purpose: "compress",
    timeoutMs: 100,
    hooks: ["block"],
    spec: { name: "drop-debug", description: "d", timeoutMs: 100, block: { kinds: ["log"], run } },
  })
})

test("definePlugin returns the spec, checked", () => {
  const spec = { name: "strip", purpose: "redact" as const, line: () => undefined, request: () => undefined }
  expect(definePlugin(spec)).toBe(spec)
  expect(toPlugin(spec).hooks).toEqual(["line", "request"])
})

test("a spec that is not a plugin says what is wrong", () => {
  const problem = (value: unknown) => {
    try {
      toPlugin(value)
      return "no error"
    } catch (e) {
      expect(e).toBeInstanceOf(PluginSpecError)
      return (e as Error).message
    }
  }
  expect(problem(undefined)).toBe("no default export")
  expect(problem(() => {})).toBe("the default export is a function, not a plugin")
  expect(problem({ name: "x" })).toBe("no hook: give at least one of block, line, request, responseEvent")
  expect(problem({ name: "x", respnseEvent: () => {} })).toBe('unknown field "respnseEvent" (did you mean "responseEvent"?)')
  expect(problem({ name: "has space", line: () => {} })).toBe(`"name" must be letters, digits, ".", "_" or "-" (got the string "has space")`)
  expect(problem({ name: "a/b", line: () => {} })).toStartWith(`"name" must be`)
  expect(problem({ name: "x", purpose: "shrink", line: () => {} })).toBe(`"purpose" must be "compress" or "redact" (got the string "shrink")`)
  expect(problem({ name: "x", timeoutMs: 0, line: () => {} })).toBe(`"timeoutMs" must be a positive whole number of milliseconds`)
  expect(problem({ name: "x", block: { kinds: ["logs"], run: () => {} } })).toBe(
    'unknown kind "logs"; kinds: log, json, diff, search, stacktrace, code, markdown, html, text, binary',
  )
  expect(problem({ name: "x", block: () => {} })).toBe(`"block" must be an object with a run(block, ctx) function`)
  expect(problem({ name: "x", line: "drop" })).toBe(`"line" must be a function`)
})
