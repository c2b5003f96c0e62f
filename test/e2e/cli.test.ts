/**
 * End-to-end: the compiled binary, copied alone into an empty directory (no node_modules, no
 * sources beside it), driven as a user would drive it.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseMarkers } from "../../src/markers/index.ts"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const sample = resolve(import.meta.dir, "../fixtures/samples/maven-build-failure.log")
const binary = useBinary()
let dir = ""
let bin = ""
let run: BinaryRun
beforeAll(() => {
  ;({ dir, bin, run } = binary())
})

const logOf = (n: number) =>
  Array.from({ length: n }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} INFO  fetched /api/items/${i} in ${(i * 7) % 90} ms`).join("\n") +
  "\n2024-05-01 12:09:59 ERROR upstream refused connection to db-3:5432\n"

describe("the binary", () => {
  test("runs alone from an empty directory: --version, help", () => {
    expect(readdirSync(dir)).toEqual(["headroom"])
    const version = run(["--version"])
    expect(version.code).toBe(0)
    expect(version.stdout).toMatch(/^headroom \d+\.\d+\.\d+\n$/)
    const help = run(["help", "compress"])
    expect(help.code).toBe(0)
    expect(help.stdout).toContain("--max-tokens N")
    expect(help.stdout).toContain("--strategy conservative|balanced|aggressive")
    expect(run(["compress", "--help"]).stdout).toBe(help.stdout)
    expect(run([]).stdout).toContain("Commands:")
  })

  test("compresses stdin to stdout; markers redeem through `headroom retrieve`", () => {
    const input = logOf(3000)
    const out = run(["compress", "--stats"], input)
    expect(out.code).toBe(0)
    expect(out.stdout).toContain("ERROR upstream refused connection to db-3:5432")
    expect(out.stdout.length).toBeLessThan(input.length / 10)
    expect(out.stderr).toMatch(/headroom: stdin · log · [\d,]+ → [\d,]+ tokens \(−\d+(\.\d)?%\) · [\d.]+ ms/)
    const markers = parseMarkers(out.stdout)
    expect(markers.length).toBeGreaterThan(0)
    const lines = input.split("\n")
    for (const marker of markers) {
      const ref = marker.range === undefined ? marker.hash! : `${marker.hash}:${marker.range.from}-${marker.range.to}`
      const back = run(["retrieve", ref])
      expect(back.code).toBe(0)
      if (marker.range !== undefined) {
        expect(back.stdout).toBe(lines.slice(marker.range.from - 1, marker.range.to).map((l) => `${l}\n`).join(""))
      } else {
        expect(back.stdout).toBe(input)
      }
    }
    const whole = run(["retrieve", markers[0]!.hash!])
    expect(whole.stdout).toBe(input)
  })

  test("the same input gives byte-identical output, run after run", () => {
    const input = readFileSync(sample)
    const first = run(["compress"], input)
    const second = run(["compress"], input)
    const third = run(["compress", "--no-store"], input)
    expect(first.code).toBe(0)
    expect(Buffer.compare(first.bytes, second.bytes)).toBe(0)
    expect(third.stdout).not.toContain("retrieve")
    expect(run(["compress", "--json"], input).stdout).toBe(run(["compress", "--json"], input).stdout)
  })

  test("--json reports text, counts, type, transforms and markers", () => {
    const out = run(["compress", "--json"], logOf(2000))
    expect(out.code).toBe(0)
    const record = JSON.parse(out.stdout) as Record<string, unknown>
    expect(Object.keys(record)).toEqual(
      expect.arrayContaining(["text", "tokens_before", "tokens_after", "saved_pct", "type", "transforms", "markers"]),
    )
    expect(record.type).toBe("log")
    expect(record.transforms).toEqual(["log"])
    expect(record.tokens_after as number).toBeLessThan(record.tokens_before as number)
    expect((record.markers as Array<{ hash: string }>)[0]!.hash).toMatch(/^[0-9a-f]{12}$/)
  })

  test("files in, files out: -o writes atomically and never over an input", () => {
    const inputs = join(dir, "in")
    mkdirSync(inputs, { recursive: true })
    writeFileSync(join(inputs, "build.log"), logOf(1500))
    writeFileSync(join(inputs, "test.log"), logOf(800))
    const out = run(["compress", "in/build.log", "in/test.log", "-o", "out/"])
    expect(out.code).toBe(0)
    expect(readdirSync(join(dir, "out")).sort()).toEqual(["build.log", "test.log"])
    expect(readFileSync(join(dir, "out/build.log"), "utf8")).toContain("ERROR upstream refused")
    const single = run(["compress", "in/build.log", "-o", "single.txt"])
    expect(single.code).toBe(0)
    expect(existsSync(join(dir, "single.txt"))).toBe(true)
    const before = readFileSync(join(inputs, "build.log"))
    const clash = run(["compress", "in/build.log", "-o", "in/build.log"])
    expect(clash.code).toBe(1)
    expect(clash.stderr).toContain("inputs are never modified in place")
    expect(Buffer.compare(readFileSync(join(inputs, "build.log")), before)).toBe(0)
    // A missing input is named, the others still go through, and no temp file is left behind.
    const partial = run(["compress", "in/build.log", "in/missing.log", "-o", "out2/"])
    expect(partial.code).toBe(1)
    expect(partial.stderr).toContain("cannot read in/missing.log: no such file or directory")
    expect(readdirSync(join(dir, "out2"))).toEqual(["build.log"])
  })

  test("Ctrl-C leaves no partial output file", async () => {
    const child = Bun.spawn([bin, "compress", "-", "-o", "interrupted.log"], {
      cwd: dir,
      stdin: "pipe",
      env: { PATH: "/usr/bin:/bin", HOME: dir, HEADROOM_HOME: join(dir, "home") },
    })
    child.stdin.write(logOf(20_000))
    await child.stdin.flush()
    await Bun.sleep(300)
    child.kill("SIGINT")
    expect(await child.exited).not.toBe(0)
    expect(readdirSync(dir).filter((f) => f.includes("interrupted"))).toEqual([])
  })

  test("bad input gets a clear message and the right exit code", () => {
    const binary = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0])
    const refused = run(["compress"], binary)
    expect(refused.code).toBe(2)
    expect(refused.stderr).toContain("looks like binary data")
    expect(refused.stdout).toBe("")
    expect(run(["compress", "--force"], binary).code).toBe(0)

    const empty = run(["compress"], "")
    expect(empty.code).toBe(0)
    expect(empty.stdout).toBe("")

    const unknown = run(["compress", "--stratgy", "balanced"])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown flag --stratgy (did you mean --strategy?)")
    expect(unknown.stderr).toContain("valid flags for compress: --strategy")

    const badChoice = run(["compress", "--strategy", "extreme"], "x\n")
    expect(badChoice.code).toBe(2)
    expect(badChoice.stderr).toContain("--strategy must be one of conservative, balanced, aggressive")

    const missing = run(["compress", "nope.log"])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain("cannot read nope.log: no such file or directory")

    expect(run(["frobnicate"]).code).toBe(2)
    const notFound = run(["retrieve", "0123456789ab"])
    expect(notFound.code).toBe(1)
    expect(notFound.stderr).toContain("nothing is stored under 0123456789ab")
    expect(run(["retrieve", "xyz"]).code).toBe(2)

    const contradiction = run(["compress", "--lossless", "--max-tokens", "100"], "x\n")
    expect(contradiction.code).toBe(2)
    expect(contradiction.stderr).toContain("--lossless and --max-tokens can't both hold")
    const badKeep = run(["compress", "--keep", "(unclosed"], "x\n")
    expect(badKeep.code).toBe(2)
    expect(badKeep.stderr).toContain("command line: --keep: bad regular expression \"(unclosed\"")
  })

  test("--lossless leaves what it can't encode reversibly byte for byte", () => {
    const log = `${logOf(2000)}trailing blanks   \n\n\n\n`
    const out = run(["compress", "--lossless"], log)
    expect(out.code).toBe(0)
    expect(out.stdout).toBe(log)
  })

  test("invalid UTF-8 passes through byte for byte where untouched", () => {
    const prefix = new TextEncoder().encode("caf")
    const body = new Uint8Array([...prefix, 0xe9, 0x20, 0xff, 0xfe, 0x0a])
    const out = run(["compress"], body)
    expect(out.code).toBe(0)
    expect(Buffer.compare(out.bytes, Buffer.from(body))).toBe(0)
    // Inside a log that does get compressed, a kept line with bad bytes keeps them.
    const log = Buffer.concat([Buffer.from(logOf(1000)), Buffer.from([0x45, 0x52, 0x52, 0x4f, 0x52, 0x20, 0xff, 0x21, 0x0a])])
    const compressed = run(["compress", "--type", "log"], log)
    expect(compressed.code).toBe(0)
    expect(compressed.bytes.includes(Buffer.from([0x45, 0x52, 0x52, 0x4f, 0x52, 0x20, 0xff, 0x21]))).toBe(true)
  })

  test("--max-tokens is a hard ceiling", () => {
    const out = run(["compress", "--json", "--max-tokens", "300"], logOf(5000))
    const record = JSON.parse(out.stdout) as { tokens_after: number; text: string }
    expect(record.tokens_after).toBeLessThanOrEqual(300)
    expect(record.text).toContain("ERROR upstream refused")
  })

  test("a long stream (several segments, worker thread) gives what the in-process engine gives", async () => {
    const lines = Array.from({ length: 120_000 }, (_, i) =>
      i % 20_011 === 0 ? `2024-05-01 12:00:00 ERROR disk ${i} full` : `2024-05-01 12:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")} INFO  job ${i % 40} step ${i} ok in ${i % 300} ms`,
    )
    const input = `${lines.join("\n")}\n`
    expect(input.length).toBeGreaterThan(3 * 2 * 1024 * 1024)
    const out = run(["compress", "--no-store", "--stats"], input)
    expect(out.code).toBe(0)
    // The second thread really ran in the binary (the output would be the same without it).
    expect(out.stderr).toMatch(/· \d+ segments, [1-9]\d* prepared in parallel/)
    const { Effect, Layer } = await import("effect")
    const { compressText } = await import("../../src/pipeline/stream.ts")
    const { DisabledStore } = await import("../../src/store/index.ts")
    const { TokenizerLayer } = await import("../../src/tokens/index.ts")
    const inProcess = await Effect.runPromise(
      compressText(input, { strategy: "balanced", workers: false }).pipe(Effect.provide(Layer.merge(TokenizerLayer("o200k_base"), DisabledStore))),
    )
    expect(out.stdout).toBe(inProcess.text)
    expect(out.stdout).toContain("ERROR disk 20011 full")
  })

  test("the bundled sample compresses as the README says", () => {
    const out = run(["compress", "--stats", sample])
    expect(out.code).toBe(0)
    const saved = Number(/\(−(\d+(?:\.\d)?)%\)/.exec(out.stderr)?.[1])
    expect(saved).toBeGreaterThan(70)
    expect(out.stdout).toContain("[ERROR] Failed to execute goal fr.inria.gforge.spoon:spoon-maven-plugin:3.1:generate (default) on project joda-time")
  })
})
