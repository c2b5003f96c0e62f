import { afterAll, describe, expect, test } from "bun:test"
import { expectRedeemsExactly, stageRunner, withStore } from "../../../test/support/pipeline.ts"
import { dedupStage } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)
const dedup = stageRunner(store, dedupStage, "text")

const schema = (name: string) => [
  `  ${name}:`,
  "    type: object",
  "    required: [id, createdAt, updatedAt]",
  "    properties:",
  "      id: { type: string, format: uuid, description: Unique identifier of the resource }",
  "      createdAt: { type: string, format: date-time, description: When the resource was created }",
  "      updatedAt: { type: string, format: date-time, description: When the resource was last changed }",
]

describe("dedup stage", () => {
  test("a repeated run of lines becomes a marker naming its first occurrence and redeeming the copy", async () => {
    const body = schema("Order").slice(1)
    const lines = ["components:", "  Order:", ...body, "  Invoice:", ...body, "  Refund:", ...body]
    const input = `${lines.join("\n")}\n`
    const { text } = await dedup(input)
    expect(text).toContain("  Invoice:\n[… 6 lines repeated from line 3 · retrieve ")
    expect(text).toContain("  Refund:\n[… 6 lines repeated from line 3 · retrieve ")
    // First occurrence stays whole.
    expect(text).toContain(`  Order:\n${body.join("\n")}\n`)
    expect(text.endsWith("]\n")).toBe(true)
    const markers = await expectRedeemsExactly(store, text, input)
    expect(markers.map((m) => m.range)).toEqual([
      { from: 10, to: 15 },
      { from: 17, to: 22 },
    ])
  })

  test("identical lines in a row: the first stays, the rest are one repeat of it", async () => {
    const line = "WARN deprecated option --legacy-peer-deps is set in .npmrc and will be ignored"
    const input = ["start", ...Array.from({ length: 30 }, () => line), "end"].join("\n")
    const { text } = await dedup(input)
    expect(text).toBe(`start\n${line}\n${text.split("\n")[2]}\nend`)
    expect(text).toContain("[… 29 lines repeated from line 2 · retrieve ")
    await expectRedeemsExactly(store, text, input)
  })

  test("a long line that repeats is replaced alone; short runs and short lines stay", async () => {
    const long = `data: ${"x7Kq".repeat(60)}`
    const input = ["a", "b", "c", long, "a", "b", "c", "d", long, "}", "}", "}", "}", "}", "}", "}", "}"].join("\n") + "\n"
    const { text } = await dedup(input)
    expect(text).toBe(`a\nb\nc\n${long}\na\nb\nc\nd\n${text.split("\n")[8]}\n}\n}\n}\n}\n}\n}\n}\n}\n`)
    expect(text).toContain("[… 1 line repeated from line 4 · retrieve ")
    await expectRedeemsExactly(store, text, input)
  })

  test("lines matching --keep are never replaced", async () => {
    const block = [
      "Traceback (most recent call last):",
      '  File "/srv/app/worker.py", line 88, in handle_message',
      "    result = process(payload)",
      '  File "/srv/app/process.py", line 12, in process',
      "ValueError: payload is missing the 'id' field",
    ]
    const input = [...block, "retrying in 5 seconds", ...block, "retrying in 5 seconds", ...block].join("\n")
    const { text } = await dedup(input, { keep: [/^ValueError/] })
    expect(text.match(/ValueError/g)).toHaveLength(3)
    expect(text).toContain("\n[… 4 lines repeated from line 1 · retrieve ")
    await expectRedeemsExactly(store, text, input)
  })

  test("nothing repeated: unchanged", async () => {
    const input = "one\ntwo\nthree\nfour\nfive\n"
    expect((await dedup(input)).text).toBe(input)
  })

  test("linear on 100k lines", async () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 1000 < 500 ? `worker ${i % 7} handled request ${i % 500} from the queue` : `unique line ${i}`))
    const input = `${lines.join("\n")}\n`
    const started = performance.now()
    const { text } = await dedup(input)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(text).toContain("[… 500 lines repeated from line 1 · retrieve ")
    expect(text).toContain("unique line 99999\n")
  })
})
