import { describe, expect, test } from "bun:test"
import { Effect, Layer } from "effect"
import { DisabledStore } from "../store/index.ts"
import { TokenizerLayer } from "../tokens/index.ts"
import { prepareLines } from "../compressors/log/prepare.ts"
import { Unchanged, defineStage } from "../sdk/index.ts"
import { Preparer } from "./preparer.ts"
import { compressText, type CompressRequest } from "./stream.ts"

const layer = Layer.merge(TokenizerLayer("o200k_base"), DisabledStore)
const run = (text: string, request: Partial<CompressRequest>) =>
  Effect.runPromise(compressText(text, { strategy: "balanced", ...request }).pipe(Effect.provide(layer)))

/** A few megabytes of service log: enough for several segments. */
const bigLog = (lines: number) =>
  Array.from({ length: lines }, (_, i) => {
    const t = `2024-06-01 ${String(Math.floor(i / 3600) % 24).padStart(2, "0")}:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}`
    if (i % 9973 === 0) return `${t} ERROR shard-${i % 7} lost quorum after ${i % 97} ms (epoch ${i})`
    return i % 2 === 0
      ? `${t} INFO  request id=${(i * 2654435761) % 4294967296} path=/v1/items/${i % 1000} status=200 took=${i % 250}ms`
      : `${t} DEBUG cache ${i % 3 === 0 ? "miss" : "hit"} key=item:${i % 5000} size=${(i * 31) % 9000}`
  }).join("\n") + "\n"

describe("compressing a long stream", () => {
  test("the worker thread changes the speed, never the output", async () => {
    const input = bigLog(60_000)
    const withWorker = await run(input, { workers: true, segmentBytes: 1024 * 1024 })
    const inline = await run(input, { workers: false, segmentBytes: 1024 * 1024 })
    expect(withWorker.summary.segments).toBeGreaterThan(3)
    expect(withWorker.text).toBe(inline.text)
    expect(withWorker.text).toContain("ERROR shard-0 lost quorum after 0 ms (epoch 0)")
  })

  test("the worker prepares exactly what the stage would compute itself", async () => {
    const text = bigLog(2_000)
    const preparer = new Preparer()
    try {
      const prepared = await Effect.runPromise(preparer.prepare(new TextEncoder().encode(text), ["log"]))
      expect(prepared).toBeDefined()
      expect(prepared!.log).toEqual(prepareLines(text))
    } finally {
      preparer.close()
    }
  })

  test("segment boundaries depend on the bytes only, so reruns are identical", async () => {
    const input = bigLog(20_000)
    const a = await run(input, { segmentBytes: 256 * 1024 })
    const b = await run(input, { segmentBytes: 256 * 1024 })
    expect(a.text).toBe(b.text)
  })

  test("empty input gives empty output", async () => {
    const { text, summary } = await run("", {})
    expect(text).toBe("")
    expect(summary.segments).toBe(0)
  })

  test("binary input is refused unless forced", async () => {
    const exit = await Effect.runPromiseExit(compressText("\u0000\u0001\u0002binary", { strategy: "balanced" }).pipe(Effect.provide(layer)))
    expect(exit._tag).toBe("Failure")
    const forced = await run("\u0000\u0001\u0002binary", { force: true })
    expect(forced.text).toBe("\u0000\u0001\u0002binary")
  })
})

describe("documents that only parse whole", () => {
  test("a JSON value longer than a segment reaches its stages in one piece", async () => {
    const seen: Array<string> = []
    const probe = defineStage({
      name: "probe",
      kinds: ["json"],
      run: (block) => {
        seen.push(block.text)
        return Unchanged
      },
    })
    const json = JSON.stringify(Array.from({ length: 4000 }, (_, i) => ({ id: i, name: `item-${i}` })), null, 2)
    const { text, summary } = await run(json, { stages: [probe], segmentBytes: 16 * 1024 })
    expect(summary.kind).toBe("json")
    expect(seen).toEqual([json])
    expect(text).toBe(json)
  })
})
