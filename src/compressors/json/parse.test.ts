import { describe, expect, test } from "bun:test"
import { parseJson } from "./parse.ts"
import { serializeJson } from "./serialize.ts"

const roundTrip = (text: string, extended = false) => {
  const parsed = parseJson(text, { extended })
  if (!parsed.ok) throw new Error(`${parsed.message} at ${parsed.line}:${parsed.column}`)
  return serializeJson(parsed.values)
}

describe("parseJson", () => {
  test("keeps what JSON.parse loses: number spellings, key order, duplicate keys", () => {
    const text = '{"b": 1.0, "a": [1e5, -0, 12345678901234567890, 0.1000], "b": "x\\u00e9"}'
    expect(roundTrip(text)).toBe('{"b":1.0,"a":[1e5,-0,12345678901234567890,0.1000],"b":"x\\u00e9"}')
  })

  test("reads several top-level values (jq output) as one document", () => {
    expect(roundTrip('{"a":1}\n{"a":2}\n[3]\n')).toBe('{"a":1}\n{"a":2}\n[3]')
  })

  test("reports malformed input with its position instead of throwing", () => {
    for (const bad of ["", "   ", '{"a":1', "[1,2,]", '{"a" 1}', "[01]", '"abc', "{'a':1}", "[1] x", '"\u0001"', "[1.]", "nul"]) {
      const parsed = parseJson(bad)
      expect(parsed.ok).toBe(false)
    }
    const parsed = parseJson('{\n  "a": [1,\n  2,,3]\n}')
    expect(parsed).toMatchObject({ ok: false, reason: "syntax", line: 3, column: 5 })
  })

  test("parses nesting far past any recursion limit", () => {
    const depth = 100_000
    const parsed = parseJson(`${"[".repeat(depth)}${"]".repeat(depth)}`)
    expect(parsed.ok && parsed.depth).toBe(depth)
    expect(parseJson(`${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`).ok).toBe(true)
  })

  test("records the line each value starts on, for marker ranges", () => {
    const parsed = parseJson('[\n  {"a": 1},\n  {\n    "a": 2\n  }\n]', { lines: true })
    if (!parsed.ok) throw new Error("parse")
    const root = parsed.values[0] as { lines: Array<number>; items: Array<{ line: number; endLine: number }> }
    expect(root.lines).toEqual([2, 3])
    expect(root.items[1]).toMatchObject({ line: 3, endLine: 5 })
  })
})

describe("parseJson, extended", () => {
  test("turns a table back into the objects it stands for", () => {
    const table = '{"pods":[#3{name,ready,node="kind-worker",restarts,status:{phase,reason},"the ips":[{v4}]}\n"a",true,0,"Running",,"10.0.0.1"\n"b",false,12,"Waiting","CrashLoopBackOff",\n"c",true,,"Running",,"10.0.0.3"\n]}'
    expect(JSON.parse(roundTrip(table, true))).toEqual({
      pods: [
        { name: "a", ready: true, node: "kind-worker", restarts: 0, status: { phase: "Running" }, "the ips": [{ v4: "10.0.0.1" }] },
        { name: "b", ready: false, node: "kind-worker", restarts: 12, status: { phase: "Waiting", reason: "CrashLoopBackOff" } },
        { name: "c", ready: true, node: "kind-worker", status: { phase: "Running" }, "the ips": [{ v4: "10.0.0.3" }] },
      ],
    })
  })

  test("reads raw strings and nested tables", () => {
    expect(roundTrip('[#2{a,b}\n``x`"\ny``,[#2{c}\n1\n2\n]\n`q`,\n]', true)).toBe('[{"a":"x`\\"\\ny","b":[{"c":1},{"c":2}]},{"a":"q"}]')
  })

  test("refuses tables whose rows do not match their header", () => {
    expect(parseJson("[#3{a}\n1\n2\n]", { extended: true })).toMatchObject({ ok: false, reason: "syntax" })
    expect(parseJson("[#1{a,b}\n1\n]", { extended: true })).toMatchObject({ ok: false, reason: "syntax" })
  })

  test("tells lossy output apart: markers and arrays missing items", () => {
    expect(parseJson("[1,[… 3 items omitted · retrieve 3f9a1c2b7d4e],5]", { extended: true })).toMatchObject({ ok: false, reason: "lossy" })
    expect(parseJson("[#9 1,2]", { extended: true })).toMatchObject({ ok: false, reason: "lossy" })
  })

  test("plain JSON parsing rejects the extended syntax", () => {
    expect(parseJson("[#1{a}\n1\n]").ok).toBe(false)
    expect(parseJson("`raw`").ok).toBe(false)
  })
})
