import { afterAll, beforeAll, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runPool } from "./pool.ts"
import type { Job, JobOutcome, WorkerSetup } from "./protocol.ts"

// A stand-in worker: echoes the job's path as output; "throw" and "exit" jobs kill the thread.
const WORKER = `
self.onmessage = (event) => {
  const message = event.data
  if (message.type !== "job") return
  const { job } = message
  if (job.source === "throw") setTimeout(() => { throw new Error("boom") })
  else if (job.source === "exit") process.exit(3)
  else {
    self.postMessage({ type: "chunk", id: job.id, bytes: new TextEncoder().encode(job.source) })
    self.postMessage({ type: "done", id: job.id, outcome: { status: "unchanged", sha256: "", bytesIn: 0, bytesOut: 0, tokensBefore: 1, tokensAfter: 1, warnings: [], ms: 0 } })
  }
}
`

let dir = ""
let url = ""
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "headroom-pool-"))
  writeFileSync(join(dir, "worker.js"), WORKER)
  url = join(dir, "worker.js")
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const setup: WorkerSetup = { cwd: "/", env: {}, flags: {}, force: false, dryRun: false }
const jobs = (names: Array<string>): Array<Job> => names.map((source, id) => ({ id, path: `/${source}`, source, size: 1 }))

const runAll = async (names: Array<string>, size: number) => {
  const outputs = new Map<string, string>()
  const outcomes = new Map<string, JobOutcome>()
  await runPool({
    url,
    size,
    setup,
    fingerprint: "f",
    jobs: jobs(names),
    events: {
      chunk: (job, bytes) => outputs.set(job.source, new TextDecoder().decode(bytes)),
      progress: () => {},
      done: (job, outcome) => outcomes.set(job.source, outcome),
    },
  })
  return { outputs, outcomes }
}

test("every job is done once, whatever the number of workers", async () => {
  const names = Array.from({ length: 9 }, (_, i) => `f${i}`)
  for (const size of [1, 3, 20]) {
    const { outputs, outcomes } = await runAll(names, size)
    expect([...outcomes.keys()].sort()).toEqual(names)
    expect(outputs.get("f7")).toBe("f7")
  }
})

test("a worker that dies fails its own job only; a fresh worker takes the rest", async () => {
  const { outcomes } = await runAll(["a", "throw", "b", "exit", "c", "d"], 2)
  expect(outcomes.get("throw")).toMatchObject({ status: "failed", reason: expect.stringMatching(/^worker stopped: .*boom/) })
  expect(outcomes.get("exit")).toMatchObject({ status: "failed", reason: "worker stopped: exited" })
  for (const name of ["a", "b", "c", "d"]) expect(outcomes.get(name)?.status).toBe("unchanged")
})
