import { expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"

const staticImports = (file: string) =>
  [...readFileSync(join(import.meta.dir, file), "utf8").matchAll(/^import\s.*?from\s+"([^"]+)"/gm)].map((m) => m[1])

test("`--version` loads nothing but the version: commands, tokenizer tables and grammars load on demand", () => {
  expect(staticImports("main.ts")).toEqual(["../version.ts"])
  expect(staticImports("../version.ts")).toEqual(["../package.json"])
})
