import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { formatMarker, parseMarkers } from "../../markers/index.ts"
import type { ContentKind } from "../../sdk/block.ts"
import { Unchanged, makeBlock } from "../../sdk/index.ts"
import { FAKE_HASH, fakeContext } from "../../../test/support/context.ts"
import { squeeze, textCompressor } from "./index.ts"


/** Original lines `from`..`to` (1-based, inclusive) of the retained text. */
const originalLines = (original: string, from: number, to: number): Array<string> => original.split("\n").slice(from - 1, to)

const lines = (...ls: ReadonlyArray<string>): string => `${ls.join("\n")}\n`

describe("squeeze: whitespace, for every kind", () => {
  const KINDS: ReadonlyArray<ContentKind> = ["text", "markdown", "code", "json", "search"]

  test("trailing spaces and tabs are removed; leading indentation is kept", () => {
    for (const kind of KINDS.filter((k) => k !== "markdown")) {
      const { ctx, retained } = fakeContext()
      expect(squeeze(lines("  alpha   ", "\tbeta\t \t", "gamma"), kind, ctx)).toBe(lines("  alpha", "\tbeta", "gamma"))
      expect(retained).toEqual([])
    }
  })

  test("CRLF line endings survive trailing-whitespace removal", () => {
    const { ctx } = fakeContext()
    expect(squeeze("one  \r\ntwo\t\r\n", "code", ctx)).toBe("one\r\ntwo\r\n")
  })

  test("runs of blank lines collapse to one blank line", () => {
    for (const kind of KINDS) {
      const { ctx } = fakeContext()
      expect(squeeze(lines("a", "", "", "", "", "b", "", "", "c", "", "d"), kind, ctx)).toBe(lines("a", "", "b", "", "c", "", "d"))
    }
  })

  test("whitespace-only lines count as blank", () => {
    const { ctx } = fakeContext()
    expect(squeeze(lines("a", "   ", "\t", " \t ", "b"), "code", ctx)).toBe(lines("a", "", "b"))
  })

  test("leading and trailing blank lines are dropped", () => {
    for (const kind of KINDS) {
      const { ctx } = fakeContext()
      expect(squeeze(lines("", "", "  ", "first", "last", "", "", ""), kind, ctx)).toBe(lines("first", "last"))
    }
  })

  test("the trailing newline is preserved, and not invented", () => {
    const { ctx } = fakeContext()
    expect(squeeze("x  \ny  \n", "text", ctx)).toBe("x\ny\n")
    expect(squeeze("x  \ny  ", "text", ctx)).toBe("x\ny")
  })

  test("already-tidy text is returned as is", () => {
    const text = lines("# Title", "", "Some prose here.", "", "- item one", "- item two")
    const { ctx, retained } = fakeContext()
    expect(squeeze(text, "markdown", ctx)).toBe(text)
    expect(retained).toEqual([])
  })
})

describe("squeeze: repeated lines in prose", () => {
  test("a run of ≥3 identical lines becomes the line and a marker for the rest", () => {
    const input = lines("start", "retrying…", "retrying…", "retrying…", "retrying…", "done")
    const { ctx, retained, markers } = fakeContext()
    const out = squeeze(input, "text", ctx)
    expect(out).toBe(lines("start", "retrying…", formatMarker({ summary: "3 identical lines omitted", hash: FAKE_HASH, range: { from: 3, to: 5 } }), "done"))
    expect(retained).toEqual([input])
    expect(markers.length).toBe(1)
    const range = markers[0]!.range!
    expect(originalLines(retained[0]!, range.from, range.to)).toEqual(["retrying…", "retrying…", "retrying…"])
    // The marker in the output can be parsed back and names the retained original.
    expect(parseMarkers(out)).toEqual([{ summary: "3 identical lines omitted", hash: FAKE_HASH.slice(0, 12), range: { from: 3, to: 5 } }])
  })

  test("two identical lines are left alone", () => {
    const input = lines("same", "same", "other")
    const { ctx, retained } = fakeContext()
    expect(squeeze(input, "text", ctx)).toBe(input)
    expect(retained).toEqual([])
  })

  test("lines identical except for trailing whitespace count as identical", () => {
    const input = lines("x", "ok", "ok  ", "ok\t", "y")
    const { ctx, markers } = fakeContext()
    expect(squeeze(input, "text", ctx)).toBe(lines("x", "ok", formatMarker({ summary: "2 identical lines omitted", hash: FAKE_HASH, range: { from: 3, to: 4 } }), "y"))
    expect(markers[0]?.range).toEqual({ from: 3, to: 4 })
  })

  test("several runs: each gets its own marker with the right original lines; the original is retained once", () => {
    const input = lines("", "", "head", "a", "a", "a", "", "", "", "mid", "b", "b", "b", "b", "b", "tail")
    const { ctx, retained, markers } = fakeContext()
    const out = squeeze(input, "markdown", ctx)
    expect(retained.length).toBe(1)
    expect(markers.map((m) => m.range)).toEqual([
      { from: 5, to: 6 },
      { from: 12, to: 15 },
    ])
    expect(originalLines(retained[0]!, 5, 6)).toEqual(["a", "a"])
    expect(originalLines(retained[0]!, 12, 15)).toEqual(["b", "b", "b", "b"])
    expect(out.split("\n").filter((l) => l.startsWith("[… "))).toHaveLength(2)
    expect(out.startsWith("head\na\n[… 2 identical lines omitted")).toBe(true)
  })

  test("a run at the very end, without trailing newline", () => {
    const { ctx, markers } = fakeContext()
    const out = squeeze("x\nz\nz\nz", "text", ctx)
    expect(out).toBe(`x\nz\n${formatMarker({ summary: "2 identical lines omitted", hash: FAKE_HASH, range: { from: 3, to: 4 } })}`)
    expect(markers).toHaveLength(1)
  })
})

describe("squeeze: duplicate paragraphs in prose", () => {
  const PARAGRAPH = [
    "The build failed because the dependency resolver could not find a compatible",
    "version of the logging library for the selected runtime.",
  ]

  test("a repeated paragraph of ≥80 chars becomes a marker naming the earlier paragraph's line", () => {
    const input = lines("Intro line.", "", ...PARAGRAPH, "", "Something else.", "", "", ...PARAGRAPH, "", "Outro.")
    const { ctx, retained, markers } = fakeContext()
    const out = squeeze(input, "text", ctx)
    // First copy at original lines 3-4; second at lines 9-10.
    const marker = formatMarker({ summary: "2 lines omitted, same as the paragraph at line 3", hash: FAKE_HASH, range: { from: 9, to: 10 } })
    expect(out).toBe(lines("Intro line.", "", ...PARAGRAPH, "", "Something else.", "", marker, "", "Outro."))
    expect(markers).toHaveLength(1)
    expect(originalLines(retained[0]!, 9, 10)).toEqual(PARAGRAPH)
    expect(originalLines(retained[0]!, 3, 4)).toEqual(PARAGRAPH)
  })

  test("every later copy points at the first one", () => {
    const input = lines(...PARAGRAPH, "", ...PARAGRAPH, "", ...PARAGRAPH)
    const { ctx, markers } = fakeContext()
    squeeze(input, "text", ctx)
    expect(markers.map((m) => [m.summary, m.range])).toEqual([
      ["2 lines omitted, same as the paragraph at line 1", { from: 4, to: 5 }],
      ["2 lines omitted, same as the paragraph at line 1", { from: 7, to: 8 }],
    ])
  })

  test("short repeated paragraphs (<80 chars) are kept", () => {
    const input = lines("Short para.", "", "Other.", "", "Short para.")
    const { ctx, retained } = fakeContext()
    expect(squeeze(input, "text", ctx)).toBe(input)
    expect(retained).toEqual([])
  })
})

describe("squeeze: code and JSON keep every line", () => {
  test("code: repeated lines and paragraphs are not removed", () => {
    const block = ["  x += 1", "  x += 1", "  x += 1", "  x += 1"]
    const para = ["def handler(event, context):", "    return process(event['records'], context.aws_request_id)  # same"]
    const input = lines("def f(x):", ...block, "", ...para, "", ...para)
    const { ctx, retained, markers } = fakeContext()
    expect(squeeze(input, "code", ctx)).toBe(input)
    expect(retained).toEqual([])
    expect(markers).toEqual([])
  })

  test("code: only whitespace changes", () => {
    const input = lines("", "fn main() {   ", "    let a = 1;", "    let a = 1;", "    let a = 1;", "", "", "", "}", "")
    const { ctx, markers } = fakeContext()
    expect(squeeze(input, "code", ctx)).toBe(lines("fn main() {", "    let a = 1;", "    let a = 1;", "    let a = 1;", "", "}"))
    expect(markers).toEqual([])
  })

  test("json: identical array entries are all kept", () => {
    const input = lines("[", '  {"id": 1},', '  {"id": 1},', '  {"id": 1},', '  {"id": 1}', "]")
    const { ctx, markers } = fakeContext()
    expect(squeeze(input, "json", ctx)).toBe(input)
    expect(markers).toEqual([])
  })
})

describe("textCompressor stage", () => {
  test("returns the squeezed block, keeping kind and other fields", async () => {
    const block = makeBlock(lines("a  ", "", "", "", "b"), { kind: "text", confidence: 0.7, origin: { path: "notes.txt" } })
    const { ctx } = fakeContext()
    const result = await Effect.runPromise(textCompressor.run(block, ctx))
    expect(result).not.toBe(Unchanged)
    if (result === Unchanged) return
    expect(result.text).toBe(lines("a", "", "b"))
    expect(result.kind).toBe("text")
    expect(result.confidence).toBe(0.7)
    expect(result.origin).toEqual({ path: "notes.txt" })
  })

  test("is Unchanged when there is nothing to squeeze", async () => {
    const { ctx, retained } = fakeContext()
    expect(await Effect.runPromise(textCompressor.run(makeBlock(lines("tidy", "", "text")), ctx))).toBe(Unchanged)
    expect(retained).toEqual([])
  })

  test("is routed to prose, code, JSON and search output", () => {
    expect(textCompressor.name).toBe("text")
    // Code is not squeezed here: whitespace inside a string literal is content.
    expect(textCompressor.kinds).toEqual(["text", "markdown", "json", "search"])
  })
})

describe("squeeze: whitespace that means something", () => {
  test("markdown keeps two-space line breaks and everything inside code fences", () => {
    const { ctx } = fakeContext()
    const input = lines("first line  ", "second line", "", "", "", "```", "code   ", "", "", "", "more", "```", "after")
    expect(squeeze(input, "markdown", ctx)).toBe(lines("first line  ", "second line", "", "```", "code   ", "", "", "", "more", "```", "after"))
  })

  test("CRLF text stays CRLF, including the blank lines and markers it inserts", () => {
    const { ctx } = fakeContext()
    expect(squeeze("a\r\n\r\n\r\n\r\nb\r\n", "text", ctx)).toBe("a\r\n\r\nb\r\n")
    const out = squeeze("a\r\nx\r\nx\r\nx\r\nb\r\n", "text", ctx)
    expect(out.split("\n").slice(0, -1).every((l) => l.endsWith("\r"))).toBe(true)
  })
})

