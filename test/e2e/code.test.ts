/**
 * End-to-end: the compiled binary, alone in an empty directory, compresses source code with the
 * tree-sitter runtime and grammars it carries inside (nothing on disk beside it).
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { readFileSync, readdirSync } from "node:fs"
import { resolve } from "node:path"
import { parseMarkers } from "../../src/markers/index.ts"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const fixtures = resolve(import.meta.dir, "../fixtures/code")
const binary = useBinary()
let dir = ""
let run: BinaryRun
beforeAll(() => {
  ;({ dir, run } = binary())
})

const FILES = [
  { name: "requests_sessions.py", declaration: /^\s*(?:async def|def|class) / },
  { name: "gin_tree.go", declaration: /^\s*(?:func|type) / },
]

describe("the binary compresses code with its embedded grammars", () => {
  test("nothing beside the binary", () => {
    expect(readdirSync(dir)).toEqual(["headroom"])
  })

  test.each(FILES)("$name: signatures kept at every strategy, bodies redeemable", ({ name, declaration }) => {
    const path = resolve(fixtures, name)
    const source = readFileSync(path, "utf8")
    const lines = source.split("\n")
    const declarations = lines.filter((line) => declaration.test(line))
    for (const strategy of ["conservative", "balanced", "aggressive"]) {
      const out = run(["compress", "--strategy", strategy, "--json", path])
      expect(out.code).toBe(0)
      const record = JSON.parse(out.stdout) as { text: string; type: string; transforms: Array<string> }
      expect(record.type).toBe("code")
      const kept = new Set(record.text.split("\n"))
      for (const line of declarations) expect(kept.has(line)).toBe(true)
      if (strategy === "conservative") continue
      expect(record.transforms).toContain("code")
      const markers = parseMarkers(record.text)
      expect(markers.length).toBeGreaterThan(0)
      for (const marker of markers.slice(0, 5)) {
        const back = run(["retrieve", `${marker.hash}:${marker.range!.from}-${marker.range!.to}`])
        expect(back.code).toBe(0)
        expect(back.stdout).toBe(lines.slice(marker.range!.from - 1, marker.range!.to).map((l) => `${l}\n`).join(""))
      }
    }
  })

  test("--keep-symbol keeps a body whole; output is the same run after run", () => {
    const path = resolve(fixtures, "gin_tree.go")
    const first = run(["compress", "--strategy", "aggressive", "--keep-symbol", "node.addRoute", path])
    const second = run(["compress", "--strategy", "aggressive", "--keep-symbol", "node.addRoute", path])
    expect(first.code).toBe(0)
    expect(first.stdout).toContain("\t// Empty tree\n\tif len(n.path) == 0 && len(n.children) == 0 {\n")
    expect(Buffer.compare(first.bytes, second.bytes)).toBe(0)
  })
})
