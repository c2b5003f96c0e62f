import { afterAll, beforeAll, describe, expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PlanError, planBatch, splitGlob } from "./plan.ts"

let cwd = ""
const write = (rel: string, text = "x\n") => {
  mkdirSync(join(cwd, rel, ".."), { recursive: true })
  writeFileSync(join(cwd, rel), text)
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), "headroom-plan-"))
  write("ci-logs/build.log")
  write("ci-logs/jobs/test.log")
  write("ci-logs/jobs/report.json")
  write("ci-logs/.git/HEAD")
  write("ci-logs/.hidden.log")
  write("other/build.log")
  write("single.txt")
  symlinkSync(join(cwd, "single.txt"), join(cwd, "ci-logs/linked.txt"))
  symlinkSync(join(cwd, "other"), join(cwd, "ci-logs/linked-dir"))
  symlinkSync(join(cwd, "nowhere"), join(cwd, "ci-logs/broken.log"))
})
afterAll(() => rmSync(cwd, { recursive: true, force: true }))

const rels = (inputs: Array<string>, output?: string) => planBatch(inputs, output, cwd).files.map((f) => [f.source, f.rel])

describe("planBatch", () => {
  test("a directory mirrors below itself; hidden entries and links to directories are skipped", () => {
    const plan = planBatch(["./ci-logs"], "out", cwd)
    expect(plan.files.map((f) => [f.source, f.rel])).toEqual([
      ["ci-logs/build.log", "build.log"],
      ["ci-logs/jobs/report.json", "jobs/report.json"],
      ["ci-logs/jobs/test.log", "jobs/test.log"],
      ["ci-logs/linked.txt", "linked.txt"],
    ])
    expect(plan.problems).toEqual([{ source: "ci-logs/broken.log", reason: "cannot read: no such file or directory" }])
  })

  test("a file keeps its name; a glob mirrors below its fixed leading directories", () => {
    expect(rels(["single.txt"])).toEqual([["single.txt", "single.txt"]])
    expect(rels(["ci-logs/**/*.log"])).toEqual([
      ["ci-logs/build.log", "build.log"],
      ["ci-logs/jobs/test.log", "jobs/test.log"],
    ])
    // Without "**" a glob does not reach below its own depth.
    expect(rels(["ci-logs/*.log"])).toEqual([["ci-logs/build.log", "build.log"]])
    expect(rels(["ci-logs/*/*.{log,json}"])).toEqual([
      ["ci-logs/jobs/report.json", "jobs/report.json"],
      ["ci-logs/jobs/test.log", "jobs/test.log"],
    ])
  })

  test("splitGlob takes the leading segments without glob characters", () => {
    expect(splitGlob("ci-logs/**/*.log")).toEqual({ prefix: "ci-logs", pattern: "**/*.log" })
    expect(splitGlob("*.log")).toEqual({ prefix: ".", pattern: "*.log" })
    expect(splitGlob("/var/log/*.log")).toEqual({ prefix: "/var/log", pattern: "*.log" })
    expect(splitGlob("a/b{1,2}/c.log")).toEqual({ prefix: "a", pattern: "b{1,2}/c.log" })
  })

  test("missing inputs and globs that match nothing are problems, not errors", () => {
    const plan = planBatch(["missing.log", "ci-logs/*.xml", "single.txt"], "out", cwd)
    expect(plan.files.map((f) => f.rel)).toEqual(["single.txt"])
    expect(plan.problems).toEqual([
      { source: "missing.log", reason: "no such file or directory" },
      { source: "ci-logs/*.xml", reason: "no files match" },
    ])
  })

  test("a file named twice is planned once, where first named", () => {
    expect(rels(["ci-logs", "ci-logs/*.log"])).toHaveLength(4)
  })

  test("two files onto one output path are refused, naming both", () => {
    expect(() => planBatch(["ci-logs", "other"], "out", cwd)).toThrow(
      new PlanError("ci-logs/build.log and other/build.log would both be written to build.log in the output directory"),
    )
  })

  test("an output that later runs would read back as input is refused", () => {
    expect(() => planBatch(["ci-logs"], "ci-logs/out", cwd)).toThrow(/inside the input directory ci-logs/)
    expect(() => planBatch(["ci-logs"], "ci-logs", cwd)).toThrow(/inside the input directory/)
    expect(() => planBatch(["ci-logs/*.log"], "ci-logs", cwd)).toThrow(/build.log written there would match the input ci-logs\/\*.log/)
    expect(() => planBatch(["single.txt"], "single.txt", cwd)).toThrow(/is a file; it must be a directory/)
    // Inside a hidden directory, or beside what a glob matches, nothing is read back.
    expect(planBatch(["ci-logs"], "ci-logs/.compressed", cwd).files).toHaveLength(4)
    expect(planBatch(["ci-logs/*.log"], "ci-logs/out", cwd).files).toHaveLength(1)
  })
})
