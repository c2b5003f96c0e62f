/**
 * Programming-language scoring. Each line's first word selects a few anchored rules; one scan
 * over its identifiers selects the word-keyed rules; a short list of punctuation rules is gated
 * by the characters seen in that scan. The cost per line stays small and does not grow with the
 * number of rules or languages.
 */

import type { Sample } from "./sample.ts"

export const LANGUAGES = [
  "python",
  "ruby",
  "go",
  "rust",
  "java",
  "csharp",
  "c",
  "cpp",
  "javascript",
  "typescript",
  "php",
  "shell",
  "kotlin",
  "swift",
] as const
export type Language = (typeof LANGUAGES)[number]

type Weights = Partial<Record<Language, number>>
interface Rule {
  readonly re: RegExp
  readonly w: Weights
}
interface SubRule {
  /** Cheap guard: the rule is only tried when the line contains this. */
  readonly sub: string
  readonly re?: RegExp
  readonly w: Weights
}

const JS_TS = (n: number): Weights => ({ javascript: n, typescript: n })
const C_CPP = (c: number, cpp: number): Weights => ({ c, cpp })

/** Rules keyed by the first word of the (left-trimmed) line; regexes see the trimmed line. */
const FIRST_WORD_RULES: Readonly<Record<string, ReadonlyArray<Rule>>> = {
  def: [
    { re: /^def \w+\s*\(.*\)\s*(?:->\s*.+)?:\s*(?:#.*)?$/, w: { python: 3 } },
    { re: /^def \w+\s*\([^)]*$/, w: { python: 2 } },
    { re: /^def (?:self\.)?\w+[?!=]?(?:\(.*\))?\s*$/, w: { ruby: 3 } },
  ],
  async: [
    { re: /^async def /, w: { python: 3 } },
    { re: /^async function\b/, w: JS_TS(1.5) },
  ],
  class: [
    { re: /^class \w+(?:\(.*\))?:\s*$/, w: { python: 3 } },
    { re: /^class [A-Z]\w*(?:::\w+)*(?:\s*<\s*[\w:]+)?\s*$/, w: { ruby: 2 } },
    { re: /^class \w+ : (?:public|private|protected) /, w: { cpp: 3 } },
    { re: /^class \w+(?:<[^>]*>)?(?: extends [\w.<>]+)?(?: implements [\w.<>, ]+)?\s*\{$/, w: { javascript: 1, typescript: 1, java: 0.5 } },
  ],
  from: [{ re: /^from \.*[\w.]* import /, w: { python: 4 } }],
  import: [
    { re: /^import (?:Foundation|UIKit|SwiftUI|Combine|XCTest|AppKit)$/, w: { swift: 5 } },
    { re: /^import (?:kotlinx?|android|androidx)\.[\w.]+$/, w: { kotlin: 4 } },
    { re: /^import [\w.]+(?: as \w+)?(?:, [\w.]+(?: as \w+)?)*$/, w: { python: 3 } },
    { re: /^import (?:static )?[\w.]+(?:\.\*)?;$/, w: { java: 3 } },
    { re: /^import type /, w: { typescript: 4 } },
    { re: /^import .* from ['"]/, w: JS_TS(2) },
    { re: /^import ['"]/, w: JS_TS(1.5) },
    { re: /^import (?:\{|\* as )/, w: JS_TS(2) },
    { re: /^import \($/, w: { go: 4 } },
    { re: /^import (?:\w+ )?"[\w./-]+"$/, w: { go: 4 } },
  ],
  package: [
    { re: /^package \w+$/, w: { go: 4 } },
    { re: /^package [\w.]+;$/, w: { java: 4 } },
  ],
  func: [
    { re: /^func \w+(?:<[^>]*>)?\(.*\) (?:async )?(?:throws )?-> \S.* \{$/, w: { swift: 4 } },
    { re: /^func \w+\((?:_ )?\w+: /, w: { swift: 3 } },
    { re: /^func (?:\([^)]*\) )?\w+(?:\[[^\]]*\])?\(.*\{$/, w: { go: 3 } },
    { re: /^func /, w: { go: 1 } },
  ],
  type: [
    { re: /^type \w+(?:\[[^\]]*\])? (?:struct|interface)\b/, w: { go: 4 } },
    { re: /^type \w+ [\w.*[\]]+$/, w: { go: 1 } },
    { re: /^type \($/, w: { go: 3 } },
    { re: /^type \w+(?:<.*>)? = /, w: { typescript: 3 } },
  ],
  interface: [{ re: /^interface \w+(?:<.*>)?(?: extends [\w<>., ]+)?\s*\{/, w: { typescript: 2, java: 1 } }],
  export: [
    { re: /^export (?:default |declare )?(?:interface|type|enum|abstract class|namespace) /, w: { typescript: 4 } },
    { re: /^export (?:default |async )?(?:function|const|let|class|var|\{|\*)/, w: JS_TS(2) },
    { re: /^export \w+=/, w: { shell: 2 } },
  ],
  const: [
    { re: /^const \w+ = require\(/, w: { javascript: 3 } },
    { re: /^const \w+\s*:\s*[\w<>[\]|{}.' ]+ = /, w: { typescript: 3 } },
    { re: /^const [A-Z_][A-Z0-9_]*: [\w&<>[\]' ]+ = .*;$/, w: { rust: 2 } },
    { re: /^const [\w{}[\], ]+ = /, w: JS_TS(1) },
    { re: /^const \($/, w: { go: 3 } },
    { re: /^const (?:unsigned |signed )?(?:char|int|long|double|float|size_t|struct \w+|std::)/, w: C_CPP(1.5, 1.5) },
  ],
  let: [
    { re: /^let mut /, w: { rust: 4 } },
    { re: /^let \w+: [A-Z][\w<>?[\]]*(?: = [^;]*)?$/, w: { swift: 2 } },
    { re: /^let \w+: [\w&<>[\]' ]+ = .*;$/, w: { rust: 1, typescript: 1 } },
    { re: /^let [\w{}[\], ]+ = /, w: { javascript: 0.7, typescript: 0.7, rust: 0.5 } },
  ],
  var: [
    { re: /^var \w+: [A-Z][\w<>?[\]]*(?: = [^;]*)?$/, w: { swift: 2, kotlin: 1 } },
    { re: /^var \w+ [\w.*[\]]+(?: = .*)?$/, w: { go: 2 } },
    { re: /^var \($/, w: { go: 3 } },
    { re: /^var \w+ = .*;$/, w: { javascript: 1, csharp: 0.7 } },
  ],
  fn: [{ re: /^fn \w+/, w: { rust: 3 } }],
  fun: [{ re: /^fun (?:<[^>]*> )?[\w.]+\(/, w: { kotlin: 4 } }],
  val: [{ re: /^val \w+(?:: [\w<>?, ]+)? = /, w: { kotlin: 3 } }],
  data: [{ re: /^data class \w+\(/, w: { kotlin: 4 } }],
  override: [{ re: /^override fun /, w: { kotlin: 4 } }, { re: /^override func /, w: { swift: 4 } }],
  guard: [{ re: /^guard (?:let|var) /, w: { swift: 4 } }],
  extension: [{ re: /^extension [A-Z]\w*(?:: [\w, ]+)? \{$/, w: { swift: 4 } }],
  struct: [
    { re: /^struct \w+: [\w, ]+ \{$/, w: { swift: 3 } },
    { re: /^struct \w+ \{$/, w: { rust: 1, c: 1, cpp: 1, swift: 1 } },
  ],
  pub: [{ re: /^pub(?:\([\w:]+\))? (?:fn|struct|enum|trait|mod|use|const|static|type|async|unsafe|extern|impl) /, w: { rust: 4 } }],
  impl: [{ re: /^impl\b/, w: { rust: 4 } }],
  use: [{ re: /^use [\w:{}*, ]+;$/, w: { rust: 3 } }],
  mod: [{ re: /^mod \w+(?:;| \{)$/, w: { rust: 3 } }],
  trait: [{ re: /^trait \w+/, w: { rust: 3 } }],
  match: [{ re: /^match .+\{$/, w: { rust: 2 } }],
  "#include": [
    { re: /^#include\s*<[\w/.]+\.h>/, w: C_CPP(3, 1) },
    { re: /^#include\s*<[\w/]+>/, w: { cpp: 4 } },
    { re: /^#include\s*"[\w/.-]+\.(?:hpp|hh|hxx)"/, w: { cpp: 3 } },
    { re: /^#include\s*"/, w: C_CPP(2, 2) },
  ],
  "#define": [{ re: /^#define \w+/, w: C_CPP(2, 1.5) }],
  "#ifdef": [{ re: /^#ifdef \w+/, w: C_CPP(2, 1.5) }],
  "#ifndef": [{ re: /^#ifndef \w+/, w: C_CPP(2, 1.5) }],
  "#endif": [{ re: /^#endif\b/, w: C_CPP(2, 1.5) }],
  "#pragma": [{ re: /^#pragma \w+/, w: C_CPP(2, 2) }],
  "#if": [{ re: /^#if \S/, w: C_CPP(1.5, 1.5) }],
  "#undef": [{ re: /^#undef \w+/, w: C_CPP(2, 1.5) }],
  "#region": [{ re: /^#region\b/, w: { csharp: 3 } }],
  using: [
    { re: /^using System\b/, w: { csharp: 5 } },
    { re: /^using namespace /, w: { cpp: 5 } },
    { re: /^using (?:static )?[\w.]+;$/, w: { csharp: 3 } },
    { re: /^using \w+ = [\w:<>]+;$/, w: { cpp: 2, csharp: 1 } },
    { re: /^using \(/, w: { csharp: 2 } },
  ],
  namespace: [
    { re: /^namespace [\w.]+;$/, w: { csharp: 4 } },
    { re: /^namespace \w+(?:\.\w+)+\s*\{?$/, w: { csharp: 3 } },
    { re: /^namespace \w+(?:::\w+)*\s*\{$/, w: { cpp: 2, csharp: 1 } },
    { re: /^namespace [\w\\]+;$/, w: { php: 2 } },
  ],
  template: [{ re: /^template\s*</, w: { cpp: 5 } }],
  public: [
    { re: /^public:$/, w: { cpp: 4 } },
    { re: /^public (?:static |final |abstract |sealed |partial )*(?:class|interface|enum|record|@interface) \w+/, w: { java: 2, csharp: 2 } },
    { re: /^public (?:static |override |virtual |async |readonly |abstract )*[\w<>[\],.? ]+ \w+ \{ get;/, w: { csharp: 5 } },
    { re: /^public static void main\(String/, w: { java: 5 } },
    { re: /^public (?:\w+ )*\w+\(.*\)\s*(?:throws [\w., ]+)?\s*\{?$/, w: { java: 1, csharp: 1 } },
    { re: /^public function /, w: { php: 4 } },
  ],
  private: [
    { re: /^private:$/, w: { cpp: 4 } },
    { re: /^private (?:readonly )?\w+\??: /, w: { typescript: 3 } },
    { re: /^private readonly [\w<>[\],.? ]+ _?\w+/, w: { csharp: 2 } },
    { re: /^private (?:static |final |readonly |async )*[\w<>[\],.? ]+ \w+\(.*\)\s*(?:throws [\w., ]+)?\s*\{?$/, w: { java: 1, csharp: 1 } },
    { re: /^private (?:static )?final /, w: { java: 2 } },
    { re: /^private function /, w: { php: 4 } },
  ],
  protected: [
    { re: /^protected:$/, w: { cpp: 4 } },
    { re: /^protected (?:readonly )?\w+\??: /, w: { typescript: 3 } },
    { re: /^protected (?:static |final |abstract |override |virtual )*[\w<>[\],.? ]+ \w+\(/, w: { java: 1, csharp: 1 } },
    { re: /^protected function /, w: { php: 4 } },
  ],
  readonly: [{ re: /^readonly \w+\??: /, w: { typescript: 3 } }],
  internal: [{ re: /^internal (?:static |sealed |abstract |partial )*(?:class|interface|enum|struct|record)\b/, w: { csharp: 4 } }],
  sealed: [{ re: /^sealed /, w: { csharp: 2 } }],
  partial: [{ re: /^partial class /, w: { csharp: 4 } }],
  "@Override": [{ re: /^@Override$/, w: { java: 4 } }],
  require: [
    { re: /^require ['"][\w/.-]+['"]$/, w: { ruby: 3 } },
    { re: /^require(?:_once)? ['"(]/, w: { php: 1 } },
  ],
  require_relative: [{ re: /^require_relative /, w: { ruby: 5 } }],
  module: [
    { re: /^module [A-Z][\w:]*$/, w: { ruby: 3 } },
    { re: /^module\.exports\b/, w: { javascript: 4 } },
  ],
  end: [{ re: /^end$/, w: { ruby: 2 } }],
  elsif: [{ re: /^elsif /, w: { ruby: 4 } }],
  unless: [{ re: /^unless /, w: { ruby: 2 } }],
  attr_accessor: [{ re: /^attr_accessor /, w: { ruby: 4 } }],
  attr_reader: [{ re: /^attr_reader /, w: { ruby: 4 } }],
  attr_writer: [{ re: /^attr_writer /, w: { ruby: 4 } }],
  puts: [{ re: /^puts /, w: { ruby: 1.5 } }],
  elif: [{ re: /^elif .*:$/, w: { python: 3 } }, { re: /^elif \[/, w: { shell: 3 } }],
  except: [{ re: /^except\b.*:$/, w: { python: 3 } }],
  try: [{ re: /^try:$/, w: { python: 3 } }],
  finally: [{ re: /^finally:$/, w: { python: 3 } }],
  with: [{ re: /^with .+:$/, w: { python: 2 } }],
  pass: [{ re: /^pass$/, w: { python: 2 } }],
  raise: [{ re: /^raise \w+/, w: { python: 1.5, ruby: 1 } }],
  yield: [{ re: /^yield\b/, w: { python: 0.5, ruby: 0.5, javascript: 0.3 } }],
  self: [{ re: /^self\.\w+ = /, w: { python: 2 } }],
  print: [{ re: /^print\(/, w: { python: 1 } }],
  if: [
    { re: /^if err != nil \{$/, w: { go: 4 } },
    { re: /^if .+:$/, w: { python: 1.5 } },
    { re: /^if \[\[? .*\]\]?; then$/, w: { shell: 4 } },
    { re: /^if let /, w: { rust: 3 } },
    { re: /^if [^(].* \{$/, w: { go: 1, rust: 1 } },
  ],
  for: [
    { re: /^for (?:\w+, )?\w+ := range /, w: { go: 4 } },
    { re: /^for \w+ in .+:$/, w: { python: 2 } },
    { re: /^for (?:\(\w+, \w+\)|\w+) in .+ \{$/, w: { rust: 2 } },
    { re: /^for \((?:const|let|var) /, w: JS_TS(1) },
    { re: /^for \w+ in .*; do$/, w: { shell: 4 } },
  ],
  while: [{ re: /^while .+:$/, w: { python: 1.5 } }, { re: /^while .*; do$/, w: { shell: 3 } }],
  defer: [{ re: /^defer /, w: { go: 4 } }],
  go: [{ re: /^go (?:func\b|\w+\()/, w: { go: 3 } }],
  fmt: [{ re: /^fmt\.\w+\(/, w: { go: 2 } }],
  console: [{ re: /^console\.\w+\(/, w: JS_TS(1.5) }],
  System: [{ re: /^System\.(?:out|err)\./, w: { java: 4 } }],
  Console: [{ re: /^Console\.Write/, w: { csharp: 4 } }],
  std: [{ re: /^std::/, w: { cpp: 3 } }],
  typedef: [{ re: /^typedef /, w: C_CPP(3, 1.5) }],
  extern: [{ re: /^extern "C"/, w: { cpp: 3 } }, { re: /^extern \w/, w: C_CPP(1.5, 1) }],
  static: [
    { re: /^static (?:inline )?(?:const )?(?:unsigned )?(?:int|void|char|long|short|double|float|bool|size_t|struct \w+|\w+_t)\s*\**\s*\w+\(/, w: C_CPP(2, 1.5) },
    { re: /^static (?:const )?(?:int|char|long|unsigned|struct \w+|\w+_t)\s*\**\s*\w+(?:\[\w*\])?\s*(?:=|;)/, w: C_CPP(1.5, 1) },
  ],
  int: [{ re: /^int main\s*\(/, w: C_CPP(3, 3) }, { re: /^int \**\w+\(.*\)\s*\{?$/, w: C_CPP(1.5, 1) }],
  void: [{ re: /^void \**\w+\(.*\)\s*\{?$/, w: C_CPP(1.5, 1) }],
  echo: [{ re: /^echo /, w: { shell: 1, php: 0.5 } }],
  fi: [{ re: /^fi$/, w: { shell: 4 } }],
  then: [{ re: /^then$/, w: { shell: 2 } }],
  done: [{ re: /^done$/, w: { shell: 2 } }],
  esac: [{ re: /^esac$/, w: { shell: 4 } }],
  local: [{ re: /^local \w+=/, w: { shell: 3 } }],
  set: [{ re: /^set -[euxo]/, w: { shell: 3 } }],
  function: [
    { re: /^function \w+\s*\(\)\s*\{$/, w: { shell: 2 } },
    { re: /^function\*? ?\w*\s*\(.*\)\s*\{$/, w: JS_TS(1.5) },
    { re: /^function \w+\(.*\)\s*:\s*[\w<>[\]|]+\s*\{$/, w: { typescript: 3 } },
  ],
}

// A Map, not the object: words like "constructor" or "__proto__" must not hit Object.prototype.
const BY_FIRST_WORD: ReadonlyMap<string, ReadonlyArray<Rule>> = new Map(Object.entries(FIRST_WORD_RULES))

/**
 * Rules tried anywhere in the line, keyed by an identifier the line must contain. One scan per
 * line splits it into identifiers and looks each up, which is far cheaper than testing every
 * rule against every line. A rule listed under several words still fires once per line.
 */
const WORD_RULES: ReadonlyArray<{ readonly words: ReadonlyArray<string>; readonly rule: SubRule }> = [
  // Rust
  { words: ["mut"], rule: { sub: "let mut ", w: { rust: 3 } } },
  { words: ["self"], rule: { sub: "&self", w: { rust: 4 } } },
  { words: ["println", "eprintln", "format", "panic", "assert", "assert_eq", "assert_ne", "write", "writeln", "unreachable", "todo", "debug_assert"], rule: { sub: "!(", re: /\b(?:e?println|format|panic|assert(?:_eq|_ne)?|writeln|write|unreachable|todo|debug_assert)!\(/, w: { rust: 3 } } },
  { words: ["vec"], rule: { sub: "vec![", w: { rust: 3 } } },
  { words: ["unwrap"], rule: { sub: ".unwrap()", w: { rust: 2 } } },
  { words: ["Option", "Result"], rule: { sub: "<", re: /\b(?:Option|Result)</, w: { rust: 1.5 } } },
  { words: ["str"], rule: { sub: "&str", w: { rust: 3 } } },
  { words: ["Some", "Ok"], rule: { sub: "(", re: /\b(?:Some|Ok)\(/, w: { rust: 1 } } },
  // Go
  { words: ["err"], rule: { sub: "err != nil", w: { go: 3 } } },
  { words: ["fmt"], rule: { sub: "fmt.", w: { go: 1.5 } } },
  { words: ["nil"], rule: { sub: "nil", w: { go: 0.7, ruby: 0.7 } } },
  { words: ["chan"], rule: { sub: "chan ", re: /\bchan [\w*]/, w: { go: 1 } } },
  { words: ["func"], rule: { sub: "func(", w: { go: 1 } } },
  // Python
  { words: ["self"], rule: { sub: "(self", re: /\(self\b/, w: { python: 3 } } },
  { words: ["self"], rule: { sub: "self.", w: { python: 0.7 } } },
  { words: ["None"], rule: { sub: "None", w: { python: 0.8, rust: 0.5 } } },
  { words: ["True", "False"], rule: { sub: "", w: { python: 1 } } },
  { words: ["not", "is"], rule: { sub: " ", re: / (?:not in|is not) /, w: { python: 1 } } },
  { words: ["lambda"], rule: { sub: "lambda ", re: /\blambda \w*:/, w: { python: 1.5 } } },
  { words: ["str", "int", "bool", "float", "bytes", "dict", "list", "Optional", "Union", "List", "Dict", "typing"], rule: { sub: ": ", re: /\b\w+: (?:str|int|bool|float|bytes|dict|list|Optional\[|Union\[|List\[|Dict\[|typing\.)/, w: { python: 1 } } },
  // Ruby
  { words: ["do"], rule: { sub: "do |", w: { ruby: 4 } } },
  { words: ["do"], rule: { sub: " do", re: / do$/, w: { ruby: 1.5 } } },
  { words: ["each", "each_with_index"], rule: { sub: ".each", w: { ruby: 1 } } },
  // JavaScript / TypeScript
  { words: ["require"], rule: { sub: "require(", re: /\brequire\(['"]/, w: { javascript: 2, typescript: 0.5 } } },
  { words: ["exports"], rule: { sub: "exports", re: /\bmodule\.exports\b|^exports\.\w+ = /, w: { javascript: 4 } } },
  { words: ["console"], rule: { sub: "console.", w: JS_TS(1) } },
  { words: ["undefined"], rule: { sub: "", w: JS_TS(1) } },
  { words: ["document", "window"], rule: { sub: ".", re: /\b(?:document|window)\.\w/, w: JS_TS(1) } },
  { words: ["string", "number", "boolean", "any", "unknown", "void", "never", "bigint", "Promise", "Array", "Record", "Partial", "readonly"], rule: { sub: ": ", re: /[\w)\]?]: (?:string|number|boolean|any|unknown|void|never|bigint|Promise<|Array<|Record<|Partial<|readonly )/, w: { typescript: 3 } } },
  { words: ["as"], rule: { sub: " as ", re: / as (?:const|any|unknown|string|number|boolean|[A-Z]\w*(?:<[^>]*>)?)\b[;,)\s]/, w: { typescript: 1.5 } } },
  { words: ["interface", "type"], rule: { sub: "<", re: /\b(?:interface|type) \w+<[^>]*>/, w: { typescript: 2 } } },
  // Java
  { words: ["System"], rule: { sub: "System.out.", w: { java: 4 } } },
  { words: ["Override"], rule: { sub: "@Override", w: { java: 3 } } },
  { words: ["throws"], rule: { sub: ") throws ", re: /\) throws [A-Z]/, w: { java: 4 } } },
  { words: ["final"], rule: { sub: "final ", re: /\bfinal (?:[A-Z]\w*|int|long|boolean|byte|char|double|float|short)\b/, w: { java: 2 } } },
  { words: ["boolean"], rule: { sub: "boolean ", re: /\bboolean \w/, w: { java: 2 } } },
  { words: ["String"], rule: { sub: "String", re: /\bString(?:\[\])? \w+\s*[=;,)]/, w: { java: 2, csharp: 0.5 } } },
  { words: ["extends"], rule: { sub: "extends ", re: /\bextends [A-Z]/, w: { java: 1, typescript: 0.5 } } },
  { words: ["implements"], rule: { sub: "implements ", re: /\bimplements [A-Z]/, w: { java: 1.5, typescript: 0.5 } } },
  { words: ["class"], rule: { sub: ".class", re: /\b[A-Z]\w*\.class\b/, w: { java: 2 } } },
  { words: ["new"], rule: { sub: "new ", re: /\bnew [A-Z]\w*(?:<[^>]*>)?\(/, w: { java: 0.5, csharp: 0.5, javascript: 0.3, typescript: 0.3 } } },
  // C#
  { words: ["get"], rule: { sub: "{ get;", w: { csharp: 5 } } },
  { words: ["get"], rule: { sub: "get; set;", w: { csharp: 3 } } },
  { words: ["string"], rule: { sub: "string", re: /\bstring(?:\[\])? \w+\s*[=;,)]/, w: { csharp: 2 } } },
  { words: ["Task", "async"], rule: { sub: "Task", re: /\basync Task\b|\bTask<\w/, w: { csharp: 3 } } },
  { words: ["nameof"], rule: { sub: "nameof(", w: { csharp: 4 } } },
  { words: ["var"], rule: { sub: "var ", re: /\bvar \w+ = /, w: { csharp: 0.7, javascript: 0.5 } } },
  { words: ["override"], rule: { sub: "public override ", w: { csharp: 3 } } },
  { words: ["Dictionary"], rule: { sub: "Dictionary<", w: { csharp: 3 } } },
  // C / C++
  { words: ["std"], rule: { sub: "std::", w: { cpp: 4 } } },
  { words: ["nullptr"], rule: { sub: "", w: { cpp: 4 } } },
  { words: ["cout"], rule: { sub: "cout", re: /\bstd::cout\b|\bcout <</, w: { cpp: 3 } } },
  { words: ["unique_ptr", "shared_ptr"], rule: { sub: "", w: { cpp: 4 } } },
  { words: ["template"], rule: { sub: "template", re: /\btemplate\s*</, w: { cpp: 4 } } },
  { words: ["virtual"], rule: { sub: "virtual ", w: { cpp: 2, csharp: 0.5 } } },
  { words: ["const"], rule: { sub: "const ", re: /\bconst \w+(?:::\w+)*&/, w: { cpp: 2 } } },
  { words: ["malloc", "calloc", "realloc", "free", "sizeof", "printf", "fprintf", "sprintf", "snprintf", "memcpy", "memset", "strlen", "strcmp", "strcpy"], rule: { sub: "(", re: /\b(?:malloc|calloc|realloc|free|sizeof|printf|fprintf|sprintf|snprintf|memcpy|memset|strlen|strcmp|strcpy)\(/, w: C_CPP(2, 1) } },
  { words: ["NULL"], rule: { sub: "", w: C_CPP(1.5, 1) } },
  { words: ["struct"], rule: { sub: "struct ", re: /\bstruct \w+\s*\*/, w: C_CPP(2, 1) } },
  // PHP
  { words: ["php"], rule: { sub: "<?php", w: { php: 10 } } },
  { words: ["this"], rule: { sub: "$this->", w: { php: 5 } } },
]

/** Punctuation-only rules, guarded by a substring test. */
const PUNCT_RULES: ReadonlyArray<SubRule> = [
  { sub: "&mut ", w: { rust: 2 } },
  { sub: "#[", re: /^#!?\[[a-z_]+/, w: { rust: 4 } },
  { sub: "->", re: /\) -> [\w&<>()[\]' ]+ \{$/, w: { rust: 2 } },
  { sub: "->", re: /\) -> [\w.[\], |"']+:$/, w: { python: 3 } },
  { sub: "->", re: /\w->\w/, w: { c: 1, cpp: 1, php: 1 } },
  { sub: ":= ", w: { go: 2.5 } },
  { sub: "#{", w: { ruby: 2 } },
  { sub: "@", re: /^@\w+ = /, w: { ruby: 2 } },
  { sub: "===", w: JS_TS(1.5) },
  { sub: "!==", w: JS_TS(1.5) },
  { sub: "=> ", re: /\)\s*=> |\w => /, w: { javascript: 1, typescript: 1, csharp: 0.3 } },
  { sub: "?: ", re: /\w\?: [\w<[({'"]/, w: { typescript: 2 } },
  { sub: '"""', w: { python: 2 } },
  { sub: '$"', w: { csharp: 3 } },
  { sub: "[", re: /^\[[A-Z]\w*(?:\(.*\))?\]$/, w: { csharp: 2 } },
  { sub: "::", re: /\w::~?\w/, w: { cpp: 0.5, rust: 0.5, ruby: 0.2, php: 0.3 } },
  { sub: "$", re: /\$\w+->\w|\$\w+ = .*;$/, w: { php: 1.5 } },
  { sub: "$", re: /\$\{\w+[}:#%]|"\$\w+"|\$\(\w/, w: { shell: 1.5 } },
]

/** FNV-1a over s[from, to): identifiers are looked up by hash, without slicing them out. */
const hashRange = (s: string, from: number, to: number): number => {
  let h = 0x811c9dc5
  for (let i = from; i < to; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

interface WordEntry {
  readonly word: string
  readonly ids: ReadonlyArray<number>
}

/** hash(word) -> the words with that hash and their indexes into WORD_RULES. */
const BY_WORD: ReadonlyMap<number, ReadonlyArray<WordEntry>> = (() => {
  const byWord = new Map<string, Array<number>>()
  WORD_RULES.forEach(({ words }, i) => {
    for (const w of words) {
      const list = byWord.get(w)
      if (list === undefined) byWord.set(w, [i])
      else list.push(i)
    }
  })
  const m = new Map<number, Array<WordEntry>>()
  for (const [word, ids] of byWord) {
    const h = hashRange(word, 0, word.length)
    const list = m.get(h)
    if (list === undefined) m.set(h, [{ word, ids }])
    else list.push({ word, ids })
  }
  return m
})()

const lookupWord = (t: string, start: number, end: number): ReadonlyArray<number> | undefined => {
  const entries = BY_WORD.get(hashRange(t, start, end))
  if (entries === undefined) return undefined
  for (const e of entries) if (e.word.length === end - start && t.startsWith(e.word, start)) return e.ids
  return undefined
}

/**
 * (first char, length) pairs of the words in BY_WORD: lets the scan skip most identifiers
 * without slicing them out and hashing them.
 */
const WORD_SHAPES: Uint8Array = (() => {
  const t = new Uint8Array(128 * 32)
  for (const { words } of WORD_RULES) for (const w of words) if (w.length < 32) t[w.charCodeAt(0) * 32 + w.length] = 1
  return t
})()

/** Bit per punctuation character a PUNCT_RULES guard starts with, to skip rules per line (0: always try). */
const PUNCT_BITS = "&#-:@=!?\"$[".split("")
const punctBit = (c: number): number => {
  const i = PUNCT_BITS.indexOf(String.fromCharCode(c))
  return i < 0 ? 0 : 1 << i
}
const PUNCT_NEED: ReadonlyArray<number> = PUNCT_RULES.map((r) => punctBit(r.sub.charCodeAt(0)))
const PUNCT_MASK: Uint8Array = (() => {
  const m = new Uint8Array(128)
  for (let i = 0; i < PUNCT_BITS.length; i++) m[PUNCT_BITS[i]!.charCodeAt(0)] = i + 1
  return m
})()

const isWordChar = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f

const SHEBANG: ReadonlyArray<readonly [RegExp, Language]> = [
  [/^#!.*\bpython[\d.]*\b/, "python"],
  [/^#!.*\bruby\b/, "ruby"],
  [/^#!.*\b(?:node|nodejs)\b/, "javascript"],
  [/^#!.*\b(?:deno|bun|ts-node|tsx)\b/, "typescript"],
  [/^#!.*\bphp\b/, "php"],
  [/^#!.*\b(?:bash|sh|zsh|ksh|dash)\b/, "shell"],
]

/** The leading identifier, with a "#" / "@" / "$" sigil if present ("#include", "@Override"). */
const firstWord = (t: string): string | undefined => {
  const c = t.charCodeAt(0)
  if (!(isWordChar(c) || c === 0x23 || c === 0x40 || c === 0x24) || (c >= 0x30 && c <= 0x39)) return undefined
  let i = 1
  while (i < t.length && i < 24 && (isWordChar(t.charCodeAt(i)) || t.charCodeAt(i) === 0x24)) i++
  return t.slice(0, i)
}
const DUNDER: Weights = { python: 2 }
/** A line ending like a statement or block, or opening like a comment / brace line. */
const codeShaped = (t: string): boolean => {
  const last = t.charCodeAt(t.length - 1)
  switch (last) {
    case 0x3b: case 0x7b: case 0x7d: case 0x28: case 0x29: case 0x5b: case 0x5d: case 0x2c: case 0x3a: case 0x5c: // ; { } ( ) [ ] , : \
      return true
    case 0x3e: { // "=>" "->"
      const prev = t.charCodeAt(t.length - 2)
      if (prev === 0x3d || prev === 0x2d) return true
    }
  }
  const c = t.charCodeAt(0)
  const d = t.length > 1 ? t.charCodeAt(1) : 0x20
  switch (c) {
    case 0x2f: return d === 0x2f || d === 0x2a // "//" "/*"
    case 0x2a: return d === 0x20 || d === 0x2f || d === 0x09 // " * " "*/"
    case 0x23: return d === 0x20 || d === 0x21 || d === 0x09 // "# " "#!"
    case 0x7b: case 0x7d: case 0x28: case 0x29: case 0x5d: return true
    case 0x40: return isWordChar(d) // "@decorator"
  }
  return false
}

export interface CodeScore {
  readonly best: Language | undefined
  readonly scores: Readonly<Record<Language, number>>
  /** Non-blank lines carrying a language signal of weight >= 1. */
  readonly signalLines: number
  /** Non-blank lines shaped like code (statement endings, braces, comments) or with a signal. */
  readonly codeLines: number
  readonly shebang: Language | undefined
}

export const scoreCode = (sample: Sample): CodeScore => {
  const scores: Record<Language, number> = {
    python: 0, ruby: 0, go: 0, rust: 0, java: 0, csharp: 0, c: 0, cpp: 0, javascript: 0, typescript: 0, php: 0, shell: 0,
    kotlin: 0, swift: 0,
  }
  let braceLines = 0
  let signalLines = 0
  let codeLines = 0
  let shebang: Language | undefined
  let first = true
  let lineNo = 0
  let dunderLine = 0
  const fired = new Int32Array(WORD_RULES.length)
  /** Adds the weights; true when one is strong enough to call the line evidence on its own. */
  const add = (w: Weights): boolean => {
    let strong = false
    for (const lang in w) {
      const x = w[lang as Language]!
      scores[lang as Language] += x
      if (x >= 1) strong = true
    }
    return strong
  }
  for (const line of sample.lines) {
    if (line.indent < 0) continue
    const t = line.indent === 0 ? line.text : line.text.slice(line.indent)
    if (first) {
      first = false
      if (t.startsWith("#!")) {
        for (const [re, lang] of SHEBANG) {
          if (re.test(t)) {
            shebang = lang
            scores[lang] += 10
            break
          }
        }
      }
    }
    let signal = false
    const fw = firstWord(t)
    if (fw !== undefined) {
      const rules = BY_FIRST_WORD.get(fw)
      if (rules !== undefined) {
        for (const r of rules) {
          if (r.re.test(t)) {
            signal = add(r.w) || signal
            break // the first matching rule for a word is the most specific one
          }
        }
      }
    }
    // Identifiers: each distinct rule at most once per line. Punctuation seen on the way is
    // collected as a bit mask for the punctuation rules below.
    lineNo++
    let punct = 0
    for (let i = 0; i < t.length; ) {
      const c = t.charCodeAt(i)
      if (!isWordChar(c)) {
        if (c < 128 && PUNCT_MASK[c] !== 0) punct |= 1 << (PUNCT_MASK[c]! - 1)
        i++
        continue
      }
      const start = i
      while (i < t.length && isWordChar(t.charCodeAt(i))) i++
      const len = i - start
      if (c === 0x5f && len > 4 && t.charCodeAt(start + 1) === 0x5f) {
        // Python dunders (__init__, __name__) are too many to list.
        const inner = t.charCodeAt(start + 2)
        const letter = (inner >= 0x61 && inner <= 0x7a) || (inner >= 0x41 && inner <= 0x5a)
        if (letter && t.charCodeAt(i - 1) === 0x5f && t.charCodeAt(i - 2) === 0x5f && dunderLine !== lineNo) {
          dunderLine = lineNo
          signal = add(DUNDER) || signal
        }
        continue
      }
      if (len >= 32 || WORD_SHAPES[c * 32 + len] !== 1) continue
      const ids = lookupWord(t, start, i)
      if (ids === undefined) continue
      for (const id of ids) {
        if (fired[id] === lineNo) continue
        fired[id] = lineNo
        const r = WORD_RULES[id]!.rule
        if (t.includes(r.sub) && (r.re === undefined || r.re.test(t))) signal = add(r.w) || signal
      }
    }
    for (let k = 0; k < PUNCT_RULES.length; k++) {
      const need = PUNCT_NEED[k]!
      if (need !== 0 && (punct & need) === 0) continue
      const r = PUNCT_RULES[k]!
      if (t.includes(r.sub) && (r.re === undefined || r.re.test(t))) signal = add(r.w) || signal
    }
    if (signal) signalLines++
    if (signal || codeShaped(t)) codeLines++
    const last = t.charCodeAt(t.length - 1)
    if (last === 0x7b || last === 0x7d || last === 0x3b) braceLines++ // { } ;
  }
  // Python never ends statements with braces or semicolons, Ruby rarely: such lines count against them.
  scores.python = Math.max(0, scores.python - 0.7 * braceLines)
  scores.ruby = Math.max(0, scores.ruby - 0.3 * braceLines)
  let best: Language | undefined
  for (const lang of LANGUAGES) {
    if (scores[lang] > 0 && (best === undefined || scores[lang] > scores[best])) best = lang
  }
  // Supersets: TypeScript is JavaScript plus types, C++ is C plus more; prefer the superset only on
  // evidence that the subset cannot produce.
  if (best === "javascript" || best === "typescript") {
    best = scores.typescript >= scores.javascript + 2 ? "typescript" : "javascript"
  } else if (best === "c" || best === "cpp") {
    best = scores.cpp >= scores.c + 2 ? "cpp" : "c"
  }
  return { best, scores, signalLines, codeLines, shebang }
}
