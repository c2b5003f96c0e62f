/**
 * The tree-sitter runtime and grammars, embedded in the binary as files (`with { type: "file" }`
 * gives a path that exists both from source and inside the compiled executable). Nothing is read
 * or instantiated until a code block of that language is compressed; each grammar is loaded once.
 */
import type { Parser } from "web-tree-sitter"
import runtimeWasm from "web-tree-sitter/web-tree-sitter.wasm" with { type: "file" }
import cppWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-cpp.wasm" with { type: "file" }
import csharpWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-c-sharp.wasm" with { type: "file" }
import goWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-go.wasm" with { type: "file" }
import javaWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-java.wasm" with { type: "file" }
import javascriptWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-javascript.wasm" with { type: "file" }
import phpWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-php.wasm" with { type: "file" }
import pythonWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-python.wasm" with { type: "file" }
import rubyWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-ruby.wasm" with { type: "file" }
import rustWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-rust.wasm" with { type: "file" }
import tsxWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-tsx.wasm" with { type: "file" }
import typescriptWasm from "@vscode/tree-sitter-wasm/wasm/tree-sitter-typescript.wasm" with { type: "file" }

const GRAMMAR_FILES = {
  cpp: cppWasm,
  csharp: csharpWasm,
  go: goWasm,
  java: javaWasm,
  javascript: javascriptWasm,
  php: phpWasm,
  python: pythonWasm,
  ruby: rubyWasm,
  rust: rustWasm,
  tsx: tsxWasm,
  typescript: typescriptWasm,
} as const

export type GrammarName = keyof typeof GRAMMAR_FILES

type TreeSitter = typeof import("web-tree-sitter")

let runtime: Promise<TreeSitter> | undefined
const parsers = new Map<GrammarName, Promise<Parser>>()

const bytesOf = async (path: string): Promise<Uint8Array> => new Uint8Array(await Bun.file(path).arrayBuffer())

// The runtime's own wasm is handed over as bytes, so it never looks for a file beside the script.
const loadRuntime = async (): Promise<TreeSitter> => {
  const treeSitter = await import("web-tree-sitter")
  await treeSitter.Parser.init({ wasmBinary: await bytesOf(runtimeWasm) })
  return treeSitter
}

const loadParser = async (grammar: GrammarName): Promise<Parser> => {
  runtime ??= loadRuntime()
  const { Language, Parser } = await runtime
  const language = await Language.load(await bytesOf(GRAMMAR_FILES[grammar]))
  return new Parser().setLanguage(language)
}

/** A parser for `grammar`, loaded on first use and kept for the life of the process. */
export const parserFor = (grammar: GrammarName): Promise<Parser> => {
  let parser = parsers.get(grammar)
  if (parser === undefined) {
    parser = loadParser(grammar)
    parsers.set(grammar, parser)
  }
  return parser
}
