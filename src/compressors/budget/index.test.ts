import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { formatMarker, parseMarkers, type Marker } from "../../markers/index.ts"
import { Unchanged, makeBlock, type Block, type StageContext } from "../../sdk/index.ts"
import { makeTokenizer } from "../../tokens/index.ts"
import { FAKE_HASH, fakeContext as fakeStageContext } from "../../../test/support/context.ts"
import { budgetCutter } from "./index.ts"

const countTokens = makeTokenizer("o200k_base").count
const fakeContext = (maxTokens: number | undefined) => fakeStageContext({ maxTokens, countTokens, state: <T>(init: () => T): T => init() })

const run = (block: Block, ctx: StageContext) => Effect.runPromise(budgetCutter.run(block, ctx))

const numbered = (n: number, trailingNewline = true): string => {
  const ls: Array<string> = []
  for (let i = 1; i <= n; i++) ls.push(`line ${i}: worker-${i % 7} handled request ${(i * 7919) % 10007} in ${i % 97} ms`)
  return ls.join("\n") + (trailingNewline ? "\n" : "")
}

/** Checks the cut output of `input` and returns the kept head and tail line counts. */
const checkCut = (input: string, output: string, max: number, markers: ReadonlyArray<Marker>, retained: ReadonlyArray<string>) => {
  expect(countTokens(output)).toBeLessThanOrEqual(max)
  expect(markers).toHaveLength(1)
  expect(retained).toEqual([input])
  const marker = markers[0]!
  const range = marker.range!
  const original = input.endsWith("\n") ? input.slice(0, -1).split("\n") : input.split("\n")
  const out = input.endsWith("\n") ? output.slice(0, -1).split("\n") : output.split("\n")
  const markerAt = out.findIndex((l) => l.startsWith("[… "))
  expect(markerAt).toBeGreaterThanOrEqual(0)
  const head = out.slice(0, markerAt)
  const tail = out.slice(markerAt + 1)
  // Head and tail are verbatim original lines; the marker covers exactly what lies between them.
  expect(head).toEqual(original.slice(0, head.length))
  expect(tail).toEqual(original.slice(original.length - tail.length))
  expect(range).toEqual({ from: head.length + 1, to: original.length - tail.length })
  expect(marker.summary).toBe(`${range.to - range.from + 1} lines omitted to fit ${max} tokens`)
  expect(out[markerAt]).toBe(formatMarker(marker))
  expect(parseMarkers(output)).toEqual([{ summary: marker.summary, hash: FAKE_HASH.slice(0, 12), range }])
  return { head: head.length, tail: tail.length }
}

describe("budgetCutter", () => {
  test("a 500-line text over budget keeps head and tail around one marker and fits", async () => {
    const input = numbered(500)
    expect(countTokens(input)).toBeGreaterThan(200)
    const { ctx, retained, markers } = fakeContext(200)
    const result = await run(makeBlock(input, { kind: "log", origin: { path: "app.log" } }), ctx)
    expect(result).not.toBe(Unchanged)
    if (result === Unchanged) return
    expect(result.kind).toBe("log")
    expect(result.origin).toEqual({ path: "app.log" })
    expect(result.text.endsWith("\n")).toBe(true)
    const { head, tail } = checkCut(input, result.text, 200, markers.slice(-1), retained)
    expect(head).toBeGreaterThan(0)
    expect(tail).toBeGreaterThan(0)
    // Head gets the extra line when the kept count is odd.
    expect(head - tail === 0 || head - tail === 1).toBe(true)
    expect(result.text.startsWith("line 1: ")).toBe(true)
    expect(result.text).toContain("\nline 500: ")
  })

  test("keeps as many lines as fit: one more line would go over budget", async () => {
    const input = numbered(500)
    const { ctx, retained, markers } = fakeContext(200)
    const result = await run(makeBlock(input), ctx)
    if (result === Unchanged) throw new Error("expected a cut")
    const { head, tail } = checkCut(input, result.text, 200, markers.slice(-1), retained)
    const original = input.slice(0, -1).split("\n")
    const keep = head + tail + 1
    const nextHead = Math.ceil(keep / 2)
    const nextTail = keep - nextHead
    const from = nextHead + 1
    const to = original.length - nextTail
    const bigger = `${[
      ...original.slice(0, nextHead),
      formatMarker({ summary: `${to - from + 1} lines omitted to fit 200 tokens`, hash: FAKE_HASH, range: { from, to } }),
      ...original.slice(original.length - nextTail),
    ].join("\n")}\n`
    expect(countTokens(bigger)).toBeGreaterThan(200)
  })

  test("without trailing newline, none is added", async () => {
    const input = numbered(300, false)
    const { ctx, retained, markers } = fakeContext(150)
    const result = await run(makeBlock(input), ctx)
    if (result === Unchanged) throw new Error("expected a cut")
    expect(result.text.endsWith("\n")).toBe(false)
    checkCut(input, result.text, 150, markers.slice(-1), retained)
  })

  test("a tight budget can leave just the marker", async () => {
    const input = numbered(50)
    const { ctx, markers } = fakeContext(25)
    const result = await run(makeBlock(input), ctx)
    if (result === Unchanged) throw new Error("expected a cut")
    expect(countTokens(result.text)).toBeLessThanOrEqual(25)
    expect(markers.at(-1)?.range).toEqual({ from: 1, to: 50 })
    expect(result.text).toBe(`${formatMarker({ summary: "50 lines omitted to fit 25 tokens", hash: FAKE_HASH, range: { from: 1, to: 50 } })}\n`)
  })

  test("no --max-tokens: Unchanged, nothing retained", async () => {
    const { ctx, retained, markers } = fakeContext(undefined)
    expect(await run(makeBlock(numbered(500)), ctx)).toBe(Unchanged)
    expect(retained).toEqual([])
    expect(markers).toEqual([])
  })

  test("already within budget: Unchanged, nothing retained", async () => {
    const input = numbered(5)
    const { ctx, retained } = fakeContext(countTokens(input))
    expect(await run(makeBlock(input), ctx)).toBe(Unchanged)
    expect(retained).toEqual([])
  })

  test("applies to every kind", () => {
    expect(budgetCutter.kinds).toBe("any")
  })
})
