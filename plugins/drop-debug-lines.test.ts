import { afterAll, expect, test } from "bun:test"
import { defineStage } from "../src/sdk/index.ts"
import { BUILT_IN_STAGES } from "../src/pipeline/registry.ts"
import { redeemAll, withStore } from "../test/support/pipeline.ts"
import dropDebugLines from "./drop-debug-lines.ts"

const store = withStore()
afterAll(store.cleanup)

test("the example plugin runs through the pipeline against the public SDK", async () => {
  const lines = Array.from({ length: 400 }, (_, i) =>
    i % 2 === 0 ? `2024-01-01 10:00:${String(i % 60).padStart(2, "0")} DEBUG poll tick ${i}` : `2024-01-01 10:00:${String(i % 60).padStart(2, "0")} INFO  served request ${i}`,
  )
  lines.push("2024-01-01 10:07:00 ERROR upstream timed out")
  const input = `${lines.join("\n")}\n`
  const { text, summary } = await store.compress(input, { stages: [defineStage(dropDebugLines), ...BUILT_IN_STAGES] })
  expect(summary.transforms[0]).toBe("drop-debug-lines")
  expect(text).not.toContain("DEBUG poll tick")
  expect(text).toContain("ERROR upstream timed out")
  expect(text).toContain("200 DEBUG/TRACE lines omitted")
  // Its marker redeems the block as the plugin saw it.
  expect((await redeemAll(store, text)).some((original) => original === input)).toBe(true)
})
