/**
 * End-to-end: `headroom compress-batch` from the compiled binary, over a tree of fixture logs and
 * JSON copied into the binary's empty directory.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs"
import { dirname, join, relative, resolve } from "node:path"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const fixtures = resolve(import.meta.dir, "../fixtures")
const binary = useBinary()
let dir = ""
let bin = ""
let run: BinaryRun

const logOf = (n: number, seed = 0) =>
  Array.from({ length: n }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} INFO  fetched /api/items/${i + seed} in ${(i * 7) % 90} ms`).join("\n") +
  "\n2024-05-01 12:09:59 ERROR upstream refused connection to db-3:5432\n"

const TREE: Record<string, string> = {
  "maven.log": "samples/maven-build-failure.log",
  "go/test.json.out": "test-report/go-test-json.out",
  "go/parallel.out": "test-report/go-test-json-parallel-fails.out",
  "api/kubectl.json": "json/kubectl-list.json",
  "api/ec2.json": "json/aws-ec2-describe-instances.json",
}

/** Every file below `root` (hidden ones included), by path relative to it. */
const filesOf = (root: string): Array<string> => {
  const out: Array<string> = []
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name)
      if (e.isDirectory()) walk(p)
      else out.push(relative(root, p))
    }
  }
  if (existsSync(root)) walk(root)
  return out.sort()
}
const hashes = (root: string) =>
  Object.fromEntries(filesOf(root).map((f) => [f, new Bun.CryptoHasher("sha256").update(readFileSync(join(root, f))).digest("hex")]))
const tree = (root: string) => Object.fromEntries(filesOf(root).filter((f) => !f.endsWith(".headroom-batch.json")).map((f) => [f, readFileSync(join(root, f), "utf8")]))

interface Report {
  version: string
  config_fingerprint: string
  totals: Record<string, number>
  files: Array<{ input: string; output: string | null; status: string; bytes_in: number; bytes_out: number; tokens_before: number; tokens_after: number; saved_pct: number; ms: number; error?: string }>
}
const report = (path: string) => JSON.parse(readFileSync(join(dir, path), "utf8")) as Report

beforeAll(() => {
  ;({ dir, bin, run } = binary())
  for (const [rel, fixture] of Object.entries(TREE)) {
    mkdirSync(dirname(join(dir, "ci-logs", rel)), { recursive: true })
    copyFileSync(join(fixtures, fixture), join(dir, "ci-logs", rel))
  }
  writeFileSync(join(dir, "ci-logs/app.log"), logOf(3000))
  writeFileSync(join(dir, "ci-logs/empty.log"), "")
  mkdirSync(join(dir, "ci-logs/.git"))
  writeFileSync(join(dir, "ci-logs/.git/HEAD"), "ref: refs/heads/main\n")
})

describe("compress-batch", () => {
  let firstReport: Report
  const inputFiles = [...Object.keys(TREE), "app.log", "empty.log"].sort()

  test("mirrors the tree; each output is what `headroom compress` makes of the file; inputs untouched", () => {
    const before = hashes(join(dir, "ci-logs"))
    const out = run(["compress-batch", "./ci-logs", "--output", "out", "--report", "report.json"])
    expect(out.stderr).not.toContain("failed")
    expect(out.code).toBe(0)
    expect(filesOf(join(dir, "out"))).toEqual([".headroom-batch.json", ...inputFiles].sort())
    for (const rel of ["maven.log", "api/ec2.json", "go/test.json.out"]) {
      const single = run(["compress", `ci-logs/${rel}`])
      expect(readFileSync(join(dir, "out", rel), "utf8")).toBe(single.stdout)
    }
    expect(readFileSync(join(dir, "out/app.log"), "utf8")).toContain("ERROR upstream refused connection to db-3:5432")
    expect(readFileSync(join(dir, "out/empty.log"), "utf8")).toBe("")
    expect(hashes(join(dir, "ci-logs"))).toEqual(before)
    expect(out.stdout).toMatch(/^largest savings +tokens +→ after +saved\nci-logs\//)
    expect(out.stdout).toMatch(/compressed 6 · unchanged 1 · up to date 0 · skipped 0 · failed 0 · [\d.]+ kB → [\d.]+ kB · [\d,]+ → [\d,]+ tokens \(−[\d.]+%\)/)
    // Not a terminal: plain progress lines on stderr.
    expect(out.stderr).toMatch(/^headroom: 7\/7 files · /m)
    firstReport = report("report.json")
  })

  test("--report: the same per file as JSON", () => {
    expect(Object.keys(firstReport)).toEqual(["version", "config_fingerprint", "dry_run", "totals", "files"])
    expect(firstReport.config_fingerprint).toMatch(/^[0-9a-f]{64}$/)
    expect(firstReport.files.map((f) => f.input)).toEqual(inputFiles.map((f) => `ci-logs/${f}`))
    const maven = firstReport.files.find((f) => f.input === "ci-logs/maven.log")!
    expect(maven).toMatchObject({ output: "out/maven.log", status: "compressed", bytes_in: statSync(join(dir, "ci-logs/maven.log")).size })
    expect(maven.bytes_out).toBe(statSync(join(dir, "out/maven.log")).size)
    expect(maven.tokens_after).toBeLessThan(maven.tokens_before)
    expect(maven.saved_pct).toBe(Math.round((1 - maven.tokens_after / maven.tokens_before) * 1000) / 10)
    expect(firstReport.files.find((f) => f.input === "ci-logs/empty.log")!.status).toBe("unchanged")
    const sum = (k: "tokens_before" | "tokens_after") => firstReport.files.reduce((a, f) => a + f[k], 0)
    expect(firstReport.totals).toMatchObject({ files: 7, compressed: 6, unchanged: 1, failed: 0, tokens_before: sum("tokens_before"), tokens_after: sum("tokens_after") })
  })

  test("a second run skips what is up to date, a touched file too; a changed file or setting is redone; --force redoes all", () => {
    const stamp = (rel: string) => statSync(join(dir, "out", rel)).mtimeMs
    const maven = stamp("maven.log")
    const again = run(["compress-batch", "ci-logs", "--output", "out", "--report", "again.json"])
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^compressed 0 · unchanged 0 · up to date 7 · skipped 0 · failed 0/m)
    expect(again.stdout).not.toContain("largest savings")
    expect(stamp("maven.log")).toBe(maven)
    // Up-to-date files report what they were compressed to.
    expect(report("again.json").files.find((f) => f.input === "ci-logs/maven.log")).toMatchObject({
      status: "up-to-date",
      tokens_after: firstReport.files.find((f) => f.input === "ci-logs/maven.log")!.tokens_after,
    })

    utimesSync(join(dir, "ci-logs/maven.log"), new Date(), new Date(Date.now() + 5000))
    expect(run(["compress-batch", "ci-logs", "--output", "out"]).stdout).toContain("up to date 7 ")

    writeFileSync(join(dir, "ci-logs/app.log"), logOf(3000, 1))
    const changed = run(["compress-batch", "ci-logs", "--output", "out", "--report", "changed.json"])
    expect(changed.stdout).toContain("compressed 1 · unchanged 0 · up to date 6 ")
    expect(report("changed.json").files.filter((f) => f.status === "compressed").map((f) => f.input)).toEqual(["ci-logs/app.log"])
    expect(readFileSync(join(dir, "out/app.log"), "utf8")).toBe(run(["compress", "ci-logs/app.log"]).stdout)

    expect(run(["compress-batch", "ci-logs", "--output", "out", "--strategy", "aggressive"]).stdout).toContain("up to date 0 ")
    expect(run(["compress-batch", "ci-logs", "--output", "out", "--strategy", "aggressive"]).stdout).toContain("up to date 7 ")
    expect(run(["compress-batch", "ci-logs", "--output", "out", "--strategy", "aggressive", "--force"]).stdout).toContain("compressed 6 · unchanged 1 · up to date 0 ")
  })

  test("the same outputs with --jobs 1 and --jobs 2", () => {
    expect(run(["compress-batch", "ci-logs", "-o", "jobs1", "--jobs", "1"]).code).toBe(0)
    expect(run(["compress-batch", "ci-logs", "-o", "jobs2", "--jobs", "2"]).code).toBe(0)
    const one = tree(join(dir, "jobs1"))
    expect(Object.keys(one)).toHaveLength(7)
    expect(tree(join(dir, "jobs2"))).toEqual(one)
  })

  test("--dry-run writes nothing and reports what a real run saves", () => {
    const dry = run(["compress-batch", "ci-logs", "--output", "dry-out", "--dry-run", "--report", "dry.json", "--quiet"])
    expect(dry.code).toBe(0)
    expect(dry.stdout).toBe("")
    expect(dry.stderr).toBe("")
    expect(existsSync(join(dir, "dry-out"))).toBe(false)
    expect(run(["compress-batch", "ci-logs", "--output", "real-out", "--report", "real.json"]).code).toBe(0)
    const facts = (r: Report) => r.files.map((f) => [f.input, f.status, f.bytes_out, f.tokens_before, f.tokens_after])
    expect(facts(report("dry.json"))).toEqual(facts(report("real.json")))
    // Without --output, a dry run only counts.
    const bare = run(["compress-batch", "ci-logs", "--dry-run"])
    expect(bare.code).toBe(0)
    expect(bare.stdout).toContain("dry run: nothing written")
  })

  test("a binary file and an unreadable one are reported and skipped, the rest is done, exit 1", () => {
    mkdirSync(join(dir, "mixed"))
    copyFileSync(join(fixtures, "samples/maven-build-failure.log"), join(dir, "mixed/build.log"))
    writeFileSync(join(dir, "mixed/archive.gz"), Uint8Array.of(0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0))
    symlinkSync(join(dir, "nowhere.log"), join(dir, "mixed/gone.log"))
    const out = run(["compress-batch", "mixed", "--output", "mixed-out", "--report", "mixed.json"])
    expect(out.code).toBe(1)
    expect(out.stderr).toContain("headroom: mixed/archive.gz: skipped: looks like binary data")
    expect(out.stderr).toContain("headroom: mixed/gone.log: failed: cannot read: no such file or directory")
    expect(filesOf(join(dir, "mixed-out"))).toEqual([".headroom-batch.json", "build.log"])
    expect(out.stdout).toContain("compressed 1 · unchanged 0 · up to date 0 · skipped 1 · failed 1")
    expect(report("mixed.json").files.map((f) => [f.input, f.status])).toEqual([
      ["mixed/archive.gz", "skipped"],
      ["mixed/build.log", "compressed"],
      ["mixed/gone.log", "failed"],
    ])
    // --force compresses binary-looking input as text; --max-file-size skips what is larger.
    expect(run(["compress-batch", "mixed/archive.gz", "mixed/build.log", "-o", "forced", "--force"]).code).toBe(0)
    const limited = run(["compress-batch", "mixed/build.log", "ci-logs/api", "-o", "limited", "--max-file-size", "100KB"])
    expect(limited.code).toBe(1)
    expect(limited.stderr).toMatch(/headroom: mixed\/build.log: skipped: larger than --max-file-size \(155.6 kB > 102.4 kB\)/)
    expect(filesOf(join(dir, "limited"))).toEqual([".headroom-batch.json", "ec2.json", "kubectl.json"])
  })

  test("quoted globs expand inside headroom and mirror below their fixed leading directories", () => {
    const out = run(["compress-batch", "--input", "ci-logs/**/*.out", "--input", "./ci-logs/*.log", "--output", "globbed"])
    expect(out.code).toBe(0)
    expect(filesOf(join(dir, "globbed"))).toEqual([".headroom-batch.json", "app.log", "empty.log", "go/parallel.out", "go/test.json.out", "maven.log"])
    // Absolute paths work the same, from any directory.
    const absolute = run(["compress-batch", `${dir}/ci-logs/go`, "-o", `${dir}/abs-out`, "--report", `${dir}/abs.json`])
    expect(absolute.code).toBe(0)
    expect(filesOf(join(dir, "abs-out"))).toEqual([".headroom-batch.json", "parallel.out", "test.json.out"])
    expect(report("abs.json").files.map((f) => f.output)).toEqual([`${dir}/abs-out/parallel.out`, `${dir}/abs-out/test.json.out`])
    const none = run(["compress-batch", "ci-logs/*.xml", "--output", "none"])
    expect(none.code).toBe(1)
    expect(none.stderr).toContain("headroom: ci-logs/*.xml: failed: no files match")
  })

  test("usage errors exit 2 before anything is written", () => {
    mkdirSync(join(dir, "dup"))
    writeFileSync(join(dir, "dup/maven.log"), "another build\n")
    const cases: Array<[Array<string>, RegExp]> = [
      [["ci-logs"], /--output DIR is required/],
      [[], /no inputs/],
      [["ci-logs", "--output", "ci-logs/out"], /inside the input directory ci-logs/],
      [["ci-logs", "dup", "--output", "x"], /ci-logs\/maven.log and dup\/maven.log would both be written to maven.log/],
      [["ci-logs", "--output", "x", "--max-savings", "120"], /--max-savings/],
      [["ci-logs", "--output", "x", "--max-file-size", "lots"], /--max-file-size/],
    ]
    for (const [args, message] of cases) {
      const out = run(["compress-batch", ...args])
      expect(out.code).toBe(2)
      expect(out.stderr).toMatch(message)
    }
    expect(existsSync(join(dir, "ci-logs/out"))).toBe(false)
    expect(existsSync(join(dir, "x"))).toBe(false)
  })

  test("--max-savings caps the share of each file's tokens removed", () => {
    const out = run(["compress-batch", "ci-logs", "-o", "capped", "--max-savings", "30", "--report", "capped.json"])
    expect(out.code).toBe(0)
    const files = report("capped.json").files
    expect(files.map((f) => f.status)).not.toContain("failed")
    for (const f of files) expect(f.saved_pct).toBeLessThanOrEqual(30)
    // The uncapped run saved far more on the same files.
    expect(firstReport.files.some((f) => f.saved_pct > 50)).toBe(true)
  })

  test("plugins run on every worker; a changed plugin makes its outputs out of date", () => {
    const plugin = (word: string) => `export default {
  name: "drop-${word}",
  description: "drops ${word} lines",
  kinds: ["log"],
  run: (block, ctx) => {
    const lines = block.text.split("\\n")
    const kept = lines.filter((line) => !line.includes("${word}"))
    if (kept.length === lines.length) return undefined
    return { ...block, text: kept.join("\\n") + "\\n" + ctx.marker({ summary: "${word} lines omitted", hash: ctx.retain(block.text) }) }
  },
}
`
    writeFileSync(join(dir, "drop.js"), plugin("INFO"))
    const first = run(["compress-batch", "ci-logs/app.log", "ci-logs/maven.log", "-o", "plugged", "--plugin", "./drop.js", "--jobs", "2"])
    expect(first.code).toBe(0)
    const app = readFileSync(join(dir, "plugged/app.log"), "utf8")
    expect(app).toContain("INFO lines omitted")
    expect(app).toBe(run(["compress", "ci-logs/app.log", "--plugin", "./drop.js"]).stdout)
    expect(run(["compress-batch", "ci-logs/app.log", "-o", "plugged", "--plugin", "./drop.js"]).stdout).toContain("up to date 1 ")
    writeFileSync(join(dir, "drop.js"), plugin("ERROR"))
    expect(run(["compress-batch", "ci-logs/app.log", "-o", "plugged", "--plugin", "./drop.js"]).stdout).toContain("compressed 1 ")
    expect(readFileSync(join(dir, "plugged/app.log"), "utf8")).toContain("ERROR lines omitted")
  })

  test("Ctrl-C leaves no partial output and no temp file", async () => {
    mkdirSync(join(dir, "big"))
    const chunk = logOf(20_000)
    writeFileSync(join(dir, "big/huge.log"), chunk.repeat(Math.ceil(60e6 / chunk.length)))
    const child = Bun.spawn([bin, "compress-batch", "big", "--output", "big-out", "--jobs", "1"], {
      cwd: dir,
      env: { PATH: "/usr/bin:/bin", HOME: dir, HEADROOM_HOME: join(dir, "home") },
      stdout: "pipe",
      stderr: "pipe",
    })
    // Interrupt once the worker has started writing the output.
    for (let i = 0; i < 200 && !filesOf(join(dir, "big-out")).some((f) => f.includes(".headroom-")); i++) await Bun.sleep(25)
    child.kill("SIGINT")
    expect(await child.exited).toBe(130)
    expect(filesOf(join(dir, "big-out"))).toEqual([])
    rmSync(join(dir, "big"), { recursive: true })
  })
})
