import { describe, expect, test } from "bun:test"
import { applyEdits, locateValues, type JsonPath } from "./json-spans.ts"

const valueAt = (doc: unknown, path: JsonPath): unknown => path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], doc)

/** Every path to a leaf of `doc`. */
const leaves = (doc: unknown, at: Array<string | number> = []): Array<JsonPath> => {
  if (Array.isArray(doc)) return doc.flatMap((v, i) => leaves(v, [...at, i]))
  if (typeof doc === "object" && doc !== null) return Object.entries(doc).flatMap(([k, v]) => leaves(v, [...at, k]))
  return [at]
}

describe("locateValues", () => {
  test("finds each leaf in compact, pretty and oddly spaced JSON, escapes included", () => {
    const doc = {
      model: "claude",
      "we\"ird\\key": { "é": ["a\"b", "c\\\\", 1.5e3, true, null, { deep: "x\u2028y" }] },
      messages: [{ role: "user", content: [{ type: "tool_result", content: "line 1\nline \"2\"\t\u0001" }] }],
      empty: [],
      none: {},
    }
    const texts = [JSON.stringify(doc), JSON.stringify(doc, null, 2), JSON.stringify(doc, null, "\t").replaceAll(": ", " :  ")]
    for (const text of texts) {
      const paths = leaves(doc)
      const spans = locateValues(text, paths)
      for (const [i, path] of paths.entries()) {
        const span = spans[i]!
        expect(JSON.parse(text.slice(span.start, span.end))).toEqual(valueAt(doc, path))
      }
    }
  })

  test("a path that isn't there is undefined; a repeated key resolves to the last, as JSON.parse does", () => {
    const text = '{"a":{"b":"first"},"a":{"b":"last"}}'
    const [missing, b] = locateValues(text, [["a", "c"], ["a", "b"]])
    expect(missing).toBeUndefined()
    expect(text.slice(b!.start, b!.end)).toBe('"last"')
  })

  test("deep nesting outside the paths is skipped without recursion", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000)
    const text = `{"skip":${deep},"x":"found"}`
    const [x] = locateValues(text, [["x"]])
    expect(text.slice(x!.start, x!.end)).toBe('"found"')
  })
})

describe("applyEdits", () => {
  test("changes only the edited spans: every other byte stays the client's", () => {
    const text = '{ "system" : "caf\\u00e9", "messages":[ {"content":"old one"}, {"content": "old two", "cache_control":{"type":"ephemeral"}} ] }'
    const spans = locateValues(text, [["messages", 0, "content"], ["messages", 1, "content"]])
    const out = applyEdits(text, [
      { ...spans[1]!, text: JSON.stringify("new two") },
      { ...spans[0]!, text: JSON.stringify("new \"one\"") },
    ])
    expect(out).toBe('{ "system" : "caf\\u00e9", "messages":[ {"content":"new \\"one\\""}, {"content": "new two", "cache_control":{"type":"ephemeral"}} ] }')
  })

  test("refuses overlapping edits", () => {
    expect(() => applyEdits("0123456789", [{ start: 1, end: 5, text: "x" }, { start: 4, end: 6, text: "y" }])).toThrow()
  })
})
