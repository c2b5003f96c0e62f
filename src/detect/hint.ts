/** What a file name suggests. Only ever a nudge: content evidence decides when it is clear. */

import type { ContentKind } from "../sdk/block.ts"

export interface PathHint {
  readonly kind: ContentKind
  /** For code: the language the extension names. For logs: "jsonl" for .jsonl / .ndjson. */
  readonly language?: string
}

const CODE_EXTENSIONS: Readonly<Record<string, string>> = {
  py: "python", pyi: "python", pyw: "python",
  rb: "ruby", rake: "ruby", gemspec: "ruby",
  go: "go",
  rs: "rust",
  java: "java",
  cs: "csharp",
  c: "c", h: "c",
  cc: "cpp", cpp: "cpp", cxx: "cpp", hpp: "cpp", hh: "cpp", hxx: "cpp", ipp: "cpp",
  js: "javascript", mjs: "javascript", cjs: "javascript", jsx: "javascript",
  ts: "typescript", mts: "typescript", cts: "typescript", tsx: "typescript",
  php: "php",
  sh: "shell", bash: "shell", zsh: "shell", ksh: "shell",
  // Known to be code, scored generically (no content rules for them).
  kt: "kotlin", kts: "kotlin", scala: "scala", swift: "swift", m: "objective-c", mm: "objective-c",
  lua: "lua", pl: "perl", pm: "perl", r: "r", dart: "dart", ex: "elixir", exs: "elixir",
  erl: "erlang", hs: "haskell", ml: "ocaml", fs: "fsharp", clj: "clojure", zig: "zig",
  nim: "nim", jl: "julia", vue: "vue", svelte: "svelte", sql: "sql", groovy: "groovy", gradle: "groovy",
  ps1: "powershell",
}

const OTHER_EXTENSIONS: Readonly<Record<string, PathHint>> = {
  json: { kind: "json" },
  jsonc: { kind: "json" },
  json5: { kind: "json" },
  geojson: { kind: "json" },
  har: { kind: "json" },
  ipynb: { kind: "json" },
  jsonl: { kind: "log", language: "jsonl" },
  ndjson: { kind: "log", language: "jsonl" },
  log: { kind: "log" },
  out: { kind: "log" },
  err: { kind: "log" },
  diff: { kind: "diff" },
  patch: { kind: "diff" },
  md: { kind: "markdown" },
  markdown: { kind: "markdown" },
  mdx: { kind: "markdown" },
  mkd: { kind: "markdown" },
  txt: { kind: "text" },
  html: { kind: "html" },
  htm: { kind: "html" },
  xhtml: { kind: "html" },
  rst: { kind: "text" },
}

/** Classifies a path by its extension (case-insensitive). Rotated logs ("x.log.1") count as logs. */
export const hintFromPath = (path: string | undefined): PathHint | undefined => {
  if (path === undefined || path === "") return undefined
  const base = path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1).toLowerCase()
  if (/\.log(?:\.\d+)?(?:\.gz)?$/.test(base) || base.endsWith(".log.old")) return { kind: "log" }
  const dot = base.lastIndexOf(".")
  if (dot <= 0) return undefined // no extension, or a dotfile
  const ext = base.slice(dot + 1)
  const lang = CODE_EXTENSIONS[ext]
  if (lang !== undefined) return { kind: "code", language: lang }
  return OTHER_EXTENSIONS[ext]
}
