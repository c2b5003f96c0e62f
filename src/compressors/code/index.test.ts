import { afterAll, describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { parseMarkers } from "../../markers/index.ts"
import { Effect } from "effect"
import { DEFAULT_STAGE_OPTIONS, STRATEGIES, Unchanged, makeBlock, type Strategy } from "../../sdk/index.ts"
import { fakeContext } from "../../../test/support/context.ts"
import { redeemAll, tokenizer, withStore } from "../../../test/support/pipeline.ts"
import { codeCompressor } from "./index.ts"

const store = withStore()
afterAll(store.cleanup)

const fixture = (name: string) => readFileSync(resolve(import.meta.dir, "../../../test/fixtures/code", name), "utf8")

interface Options {
  readonly strategy?: Strategy
  readonly path?: string
  readonly keepSymbols?: ReadonlyArray<string>
  readonly maxTokens?: number
  readonly lossless?: boolean
}

const compress = (text: string, { strategy = "balanced", path, keepSymbols = [], maxTokens, lossless = false }: Options = {}) =>
  store.compress(text, {
    strategy,
    stages: [codeCompressor],
    ...(path === undefined ? { kind: "code" as const } : { path }),
    ...(maxTokens === undefined ? {} : { maxTokens }),
    options: { ...DEFAULT_STAGE_OPTIONS, keepSymbols, lossless },
  })

const lines = (text: string) => text.split("\n")

describe("real files (copied from gin and requests)", () => {
  const files = [
    { path: "gin_tree.go", declaration: /^\s*(?:func|type) / },
    { path: "requests_sessions.py", declaration: /^\s*(?:async def|def|class) / },
  ]
  test.each(files)("$path: every declaration line at every strategy; savings grow with the strategy", async ({ path, declaration }) => {
    const source = fixture(path)
    const declarations = lines(source).filter((line) => declaration.test(line))
    expect(declarations.length).toBeGreaterThan(15)
    const before = tokenizer.count(source)
    const saved: Record<string, number> = {}
    for (const strategy of STRATEGIES) {
      const { text } = await compress(source, { strategy, path })
      const kept = new Set(lines(text))
      for (const line of declarations) expect(kept.has(line)).toBe(true)
      saved[strategy] = 1 - tokenizer.count(text) / before
    }
    expect(saved.balanced!).toBeGreaterThan(0.4)
    expect(saved.aggressive!).toBeGreaterThan(0.75)
    expect(saved.conservative!).toBeLessThan(saved.balanced!)
  })

  test("aggressive shares one marker among neighbouring bodies; every range redeems its exact lines", async () => {
    const source = fixture("gin_tree.go")
    const { text } = await compress(source, { strategy: "aggressive", path: "gin_tree.go" })
    const markers = parseMarkers(text)
    const functions = lines(source).filter((line) => line.startsWith("func ")).length
    expect(markers.length).toBeGreaterThan(0)
    expect(markers.length).toBeLessThan(functions / 2)
    const original = lines(source)
    for (const [i, redeemed] of (await redeemAll(store, text)).entries()) {
      const { range } = markers[i]!
      expect(redeemed).toBe(original.slice(range!.from - 1, range!.to).map((l) => `${l}\n`).join(""))
    }
  })
})

describe("comments and docstrings", () => {
  const python = [
    "# Licensed under the Apache License, Version 2.0 (the 'License');",
    "# you may not use this file except in compliance with the License.",
    "# You may obtain a copy of the License at http://www.apache.org/licenses/LICENSE-2.0",
    "# Unless required by applicable law or agreed to in writing, software distributed",
    "# under the License is distributed on an 'AS IS' BASIS, WITHOUT WARRANTIES.",
    "import os",
    "",
    "",
    "",
    "def resolve(path: str) -> str:",
    '    """Resolve a path against the working directory.',
    "",
    "    Relative paths are joined to os.getcwd(); absolute paths are returned as they are,",
    "    after normalisation of '..' segments and duplicate separators on every platform.",
    '    """',
    "    return os.path.normpath(os.path.join(os.getcwd(), path))",
    "",
  ].join("\n")

  test("conservative drops comment blocks and the rest of docstrings behind markers, squeezes blank runs", async () => {
    const { text } = await compress(python, { strategy: "conservative", path: "paths.py" })
    const out = lines(text)
    expect(out[0]).toMatch(/^\[… 5 lines: comment · retrieve [0-9a-f]{12}:1-5\]$/)
    expect(out).toContain('    """Resolve a path against the working directory.')
    expect(out.some((line) => /^    \[… 4 lines: doc comment · retrieve [0-9a-f]{12}:12-15\]$/.test(line))).toBe(true)
    expect(out).toContain("    return os.path.normpath(os.path.join(os.getcwd(), path))")
    expect(text).not.toContain("\n\n\n")
  })

  test("aggressive drops docstrings altogether", async () => {
    const { text } = await compress(python, { strategy: "aggressive", path: "paths.py" })
    expect(text).not.toContain("Resolve a path")
    expect(lines(text)).toContain("def resolve(path: str) -> str:")
  })

  test("a JSDoc block keeps its first line of text; a plain comment block goes", async () => {
    const source = [
      "/**",
      " * Parses a duration like `1h30m` into milliseconds, accepting every unit from ms to days.",
      " *",
      " * @param text the duration, units in descending order, without spaces between the parts",
      " * @returns the duration in milliseconds, or undefined when the text is not a duration",
      " */",
      "export function parseDuration(text: string): number | undefined {",
      "  // Each part is a number followed by its unit; the parts must come in descending order",
      "  // and no unit may repeat. Whitespace is not allowed anywhere inside the duration text.",
      "  // Everything else is rejected: an empty string, a bare number, an unknown unit name.",
      "  return undefined",
      "}",
    ].join("\n")
    const { text } = await compress(source, { strategy: "conservative", path: "duration.ts" })
    const out = lines(text)
    expect(out.slice(0, 2)).toEqual(["/**", " * Parses a duration like `1h30m` into milliseconds, accepting every unit from ms to days."])
    expect(out[2]).toMatch(/^ \[… 4 lines: doc comment · retrieve [0-9a-f]{12}:3-6\]$/)
    expect(out).toContain("export function parseDuration(text: string): number | undefined {")
    expect(out).toContain("  return undefined")
    expect(text).not.toContain("descending order")
  })
})

describe("--keep-symbol", () => {
  const go = fixture("sample.go")
  const totalBody = ["\ttotal := 0", "\tfor _, item := range s.items {", "\t\ttotal += item.Price"]

  test("Type.method keeps that body whole at every strategy", async () => {
    for (const strategy of ["balanced", "aggressive"] as const) {
      const { text } = await compress(go, { strategy, path: "store.go", keepSymbols: ["Store.Total"] })
      for (const line of totalBody) expect(lines(text)).toContain(line)
      expect(lines(text)).not.toContain("\tout := fmt.Sprintf(\"%s %d\", item.Name, item.Price)")
    }
  })

  test("a plain function name and a class name work too", async () => {
    const byName = await compress(go, { strategy: "aggressive", path: "store.go", keepSymbols: ["Total"] })
    for (const line of totalBody) expect(lines(byName.text)).toContain(line)
    const python = fixture("sample.py")
    const byClass = await compress(python, { strategy: "aggressive", path: "items.py", keepSymbols: ["Item"] })
    expect(lines(byClass.text)).toContain("        capped = min(discount, 0.5)")
    expect(lines(byClass.text)).toContain("        lines.append(DEFAULT_CURRENCY)")
    expect(lines(byClass.text)).not.toContain("        raw = json.load(handle)")
  })
})

describe("files the parser cannot fully read", () => {
  test("a local syntax error keeps its function whole and the rest is still compressed", async () => {
    const source = fixture("sample.py").replace("        lines = [quote(self.name)]", "        lines = [quote(self.name)) +")
    const { text, summary } = await compress(source, { strategy: "balanced", path: "items.py" })
    expect(summary.errors).toEqual([])
    expect(summary.transforms).toContain("code")
    expect(lines(text)).toContain("        lines = [quote(self.name)) +")
    expect(lines(text)).toContain("        lines.append(DEFAULT_CURRENCY)")
    expect(text).toMatch(/body of load_items/)
  })

  const runAlone = (text: string, language: string) =>
    Effect.runPromise(codeCompressor.run(makeBlock(text, { kind: "code", language }), fakeContext({ strategy: "aggressive" }).ctx))

  test("a file that is mostly errors goes through unchanged, without a failure", async () => {
    const source = `def broken(:\n${Array.from({ length: 40 }, (_, i) => `    x${i} = = (${i}`).join("\n")}\n`
    expect(await runAlone(source, "python")).toBe(Unchanged)
  })

  test("code in another language than the block claims is left alone", async () => {
    expect(await runAlone(fixture("sample.go"), "python")).toBe(Unchanged)
    expect(await runAlone(fixture("sample.py"), "c")).toBe(Unchanged)
  })
})

describe("input shapes", () => {
  test("deterministic: the same input gives byte-identical output", async () => {
    const source = fixture("requests_sessions.py")
    for (const strategy of STRATEGIES) {
      const first = await compress(source, { strategy, path: "sessions.py" })
      const second = await compress(source, { strategy, path: "sessions.py" })
      expect(second.text).toBe(first.text)
    }
  })

  test("CRLF files keep CRLF on every line, markers included", async () => {
    const source = fixture("sample.go").replaceAll("\n", "\r\n")
    const { text } = await compress(source, { strategy: "balanced", path: "store.go" })
    expect(parseMarkers(text).length).toBeGreaterThan(0)
    expect(text.endsWith("\r\n")).toBe(true)
    for (const line of lines(text).slice(0, -1)) expect(line.endsWith("\r")).toBe(true)
    expect(lines(text)).toContain("func (s *Store) Total() int {\r")
  })

  test("TSX without a path: the TypeScript grammar fails on JSX, the TSX grammar reads it", async () => {
    const { text } = await compress(fixture("sample.tsx.txt"), { strategy: "balanced" })
    expect(text).toMatch(/body of ItemList/)
  })

  test("--type code without a path: the language comes from the code itself", async () => {
    const { text } = await compress(fixture("sample.go"), { strategy: "balanced" })
    expect(text).toMatch(/body of Total/)
  })

  test("--lossless leaves code alone", async () => {
    const source = fixture("sample.go")
    const { text } = await compress(source, { strategy: "aggressive", path: "store.go", lossless: true })
    expect(text).toBe(source)
  })

  test("a token budget moves to stricter strategies until the file fits", async () => {
    const source = fixture("requests_sessions.py")
    const aggressive = await compress(source, { strategy: "aggressive", path: "sessions.py" })
    const budget = tokenizer.count(aggressive.text) + 5
    const fitted = await compress(source, { strategy: "conservative", path: "sessions.py", maxTokens: budget })
    expect(fitted.text).toBe(aggressive.text)
  })

  test("10,000 nested blocks: bounded time, no stack overflow", async () => {
    const depth = 10_000
    const source = `function deep() {\n${"{\n".repeat(depth)}work()\n${"}\n".repeat(depth)}}\n`
    const started = performance.now()
    const { text, summary } = await compress(source, { strategy: "balanced", path: "deep.js" })
    expect(summary.errors).toEqual([])
    expect(lines(text)[0]).toBe("function deep() {")
    expect(text.length).toBeLessThan(200)
    expect(performance.now() - started).toBeLessThan(5_000)
  })
})
