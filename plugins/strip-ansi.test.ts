import { expect, test } from "bun:test"
import { Effect } from "effect"
import { loadPlugins } from "../src/plugins/index.ts"
import { redeemAll, withStore } from "../test/support/pipeline.ts"

test("strips colours; the marker redeems the coloured original", async () => {
  const plugins = await Effect.runPromise(
    loadPlugins({ cwd: import.meta.dir, env: {}, explicit: [`${import.meta.dir}/strip-ansi.ts`], timeoutMs: 5000, disabled: [] }),
  )
  const store = withStore()
  const input = "\x1b[32mPASS\x1b[0m src/a.test.ts\n".repeat(20)
  const { text } = await store.compress(input, { stages: plugins.stages.compress, kind: "log" })
  expect(text).toStartWith("PASS src/a.test.ts\n")
  expect(await redeemAll(store, text)).toEqual([input])
  plugins.close()
  store.cleanup()
})
