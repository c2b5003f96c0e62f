/**
 * What each language's syntax tree calls its declarations, bodies, comments and strings: plain
 * tables of tree-sitter node types and field names, read by the one generic walk in outline.ts.
 */
import type { GrammarName } from "./grammars.ts"

/** A function, method or lambda: its header lines are a signature, its body may be elided. */
export interface FunctionRule {
  /** Field holding the body; a node without one (an abstract method, a prototype) is signature throughout. */
  readonly body: string
  /** Field holding the name (or a declarator the name is read from). */
  readonly name?: string
  /** Field holding a Go-style receiver, whose type qualifies the name (`Context.Next`). */
  readonly receiver?: string
  /**
   * A lambda or function expression: a signature only where it defines something (top level,
   * class members, initializers), not inside another body; named after the binding it is assigned to.
   */
  readonly anonymous?: true
}

/** A class, struct, interface, module…: header lines are a signature, the body holds members. */
export interface ContainerRule {
  readonly body: string
  readonly name?: string
}

/** Any other declaration (type alias, signature without body…): its header is a signature. */
export interface DeclarationRule {
  /** Field where the declaration's value starts; lines before it (and its first) are the header. Without it, every line is. */
  readonly body?: string
  readonly name?: string
}

/** A node that wraps a declaration (decorators, `export`, `template <…>`): lines before the inner declaration are part of its header. */
export interface WrapperRule {
  /** Fields that may hold the inner declaration; without them, the last named child. */
  readonly inner?: ReadonlyArray<string>
}

export interface LanguageSpec {
  /** Grammars to parse with, in order of preference; when the first has errors the next is tried and the cleaner parse wins. */
  readonly grammars: ReadonlyArray<GrammarName>
  readonly functions: Readonly<Record<string, FunctionRule>>
  readonly containers: Readonly<Record<string, ContainerRule>>
  readonly declarations: Readonly<Record<string, DeclarationRule>>
  readonly wrappers: Readonly<Record<string, WrapperRule>>
  /** Nodes whose named children are members: each member's first line stays in an outline. */
  readonly memberLists: ReadonlySet<string>
  readonly imports: ReadonlySet<string>
  /** Attributes and decorators standing on their own lines before a declaration. */
  readonly attributes: ReadonlySet<string>
  /** Children of a member that may come on lines before what it declares (Java's annotated `modifiers`). */
  readonly modifiers: ReadonlySet<string>
  /** Members that run rather than declare (top-level calls, item-level macro invocations): not part of an outline. */
  readonly statements: ReadonlySet<string>
  readonly comments: ReadonlySet<string>
  /** Literals that may span lines: their inner lines are content, never blank lines or comments. */
  readonly strings: ReadonlySet<string>
  /** Comments starting with one of these are doc comments wherever they stand. */
  readonly docPrefixes: ReadonlyArray<string>
  /** Any comment directly above a declaration is its doc comment (Go, Ruby, C). */
  readonly docAbove: boolean
  /** The first string statement of a module, class or function body is its docstring (Python). */
  readonly docstrings: boolean
  /**
   * Nodes the grammar leaves unparsed (Rust macro bodies, string literals holding code): their
   * lines that look like declarations (`signature`) are kept as signatures.
   */
  readonly opaque?: { readonly nodes: ReadonlySet<string>; readonly signature: RegExp }
}

const set = (...types: Array<string>): ReadonlySet<string> => new Set(types)

const PYTHON: LanguageSpec = {
  grammars: ["python"],
  functions: { function_definition: { body: "body", name: "name" } },
  containers: { class_definition: { body: "body", name: "name" } },
  declarations: { type_alias_statement: {} },
  wrappers: { decorated_definition: { inner: ["definition"] } },
  memberLists: set(),
  imports: set("import_statement", "import_from_statement", "future_import_statement"),
  attributes: set("decorator"),
  modifiers: set(),
  statements: set(),
  comments: set("comment"),
  strings: set("string", "concatenated_string"),
  docPrefixes: [],
  docAbove: false,
  docstrings: true,
}

// JavaScript, TypeScript and TSX share node names; the TypeScript-only ones never occur in JavaScript.
const ECMASCRIPT: Omit<LanguageSpec, "grammars"> = {
  functions: {
    function_declaration: { body: "body", name: "name" },
    generator_function_declaration: { body: "body", name: "name" },
    method_definition: { body: "body", name: "name" },
    class_static_block: { body: "body" },
    function_expression: { body: "body", anonymous: true },
    generator_function: { body: "body", anonymous: true },
    arrow_function: { body: "body", anonymous: true },
  },
  containers: {
    class_declaration: { body: "body", name: "name" },
    abstract_class_declaration: { body: "body", name: "name" },
    class: { body: "body", name: "name" },
    interface_declaration: { body: "body", name: "name" },
    enum_declaration: { body: "body", name: "name" },
    internal_module: { body: "body", name: "name" },
    module: { body: "body", name: "name" },
  },
  declarations: {
    type_alias_declaration: { body: "value", name: "name" },
    function_signature: { name: "name" },
    method_signature: { name: "name" },
    abstract_method_signature: { name: "name" },
  },
  wrappers: { export_statement: { inner: ["declaration", "value"] }, ambient_declaration: {} },
  memberLists: set("class_body", "interface_body", "object_type", "enum_body"),
  imports: set("import_statement"),
  attributes: set("decorator"),
  modifiers: set(),
  statements: set("expression_statement", "empty_statement"),
  comments: set("comment", "html_comment"),
  strings: set("template_string", "string"),
  docPrefixes: ["/**"],
  docAbove: false,
  docstrings: false,
}

const GO: LanguageSpec = {
  grammars: ["go"],
  functions: {
    function_declaration: { body: "body", name: "name" },
    method_declaration: { body: "body", name: "name", receiver: "receiver" },
    func_literal: { body: "body", anonymous: true },
  },
  containers: {},
  declarations: { type_spec: { body: "type", name: "name" }, type_alias: { name: "name" }, method_elem: { name: "name" } },
  wrappers: {},
  memberLists: set("field_declaration_list", "interface_type", "type_declaration", "var_declaration", "const_declaration", "var_spec_list"),
  imports: set("import_declaration", "package_clause"),
  attributes: set(),
  modifiers: set(),
  statements: set(),
  comments: set("comment"),
  strings: set("raw_string_literal", "interpreted_string_literal"),
  docPrefixes: [],
  docAbove: true,
  docstrings: false,
}

const RUST: LanguageSpec = {
  grammars: ["rust"],
  functions: {
    function_item: { body: "body", name: "name" },
    closure_expression: { body: "body", anonymous: true },
  },
  containers: {
    impl_item: { body: "body", name: "type" },
    trait_item: { body: "body", name: "name" },
    mod_item: { body: "body", name: "name" },
    struct_item: { body: "body", name: "name" },
    enum_item: { body: "body", name: "name" },
    union_item: { body: "body", name: "name" },
    foreign_mod_item: { body: "body" },
  },
  declarations: {
    function_signature_item: { name: "name" },
    type_item: { name: "name" },
    associated_type: { name: "name" },
    const_item: { body: "value", name: "name" },
    static_item: { body: "value", name: "name" },
  },
  wrappers: {},
  memberLists: set("declaration_list", "field_declaration_list", "enum_variant_list"),
  imports: set("use_declaration", "extern_crate_declaration"),
  attributes: set("attribute_item", "inner_attribute_item"),
  modifiers: set(),
  statements: set("macro_invocation", "expression_statement", "empty_statement"),
  comments: set("line_comment", "block_comment"),
  strings: set("string_literal", "raw_string_literal"),
  docPrefixes: ["///", "//!", "/**", "/*!"],
  docAbove: false,
  docstrings: false,
  opaque: {
    nodes: set("macro_definition", "macro_invocation", "string_literal", "raw_string_literal"),
    signature: /^\s*(?:pub(?:\([^)]*\))?\s+)?(?:(?:const|async|unsafe|extern(?:\s+"[^"]*")?)\s+)*fn\s/,
  },
}

const JAVA: LanguageSpec = {
  grammars: ["java"],
  functions: {
    method_declaration: { body: "body", name: "name" },
    constructor_declaration: { body: "body", name: "name" },
    compact_constructor_declaration: { body: "body", name: "name" },
    lambda_expression: { body: "body", anonymous: true },
  },
  containers: {
    class_declaration: { body: "body", name: "name" },
    interface_declaration: { body: "body", name: "name" },
    enum_declaration: { body: "body", name: "name" },
    record_declaration: { body: "body", name: "name" },
    annotation_type_declaration: { body: "body", name: "name" },
  },
  declarations: {},
  wrappers: {},
  memberLists: set("class_body", "interface_body", "enum_body", "enum_body_declarations", "annotation_type_body"),
  imports: set("import_declaration", "package_declaration"),
  attributes: set(),
  modifiers: set("modifiers"),
  statements: set(),
  comments: set("line_comment", "block_comment"),
  strings: set("string_literal"),
  docPrefixes: ["/**"],
  docAbove: false,
  docstrings: false,
}

// C is parsed with the C++ grammar (no C grammar is embedded): C is close to a subset of it.
const C_FAMILY: Omit<LanguageSpec, "grammars"> = {
  functions: {
    function_definition: { body: "body", name: "declarator" },
    lambda_expression: { body: "body", anonymous: true },
  },
  containers: {
    class_specifier: { body: "body", name: "name" },
    struct_specifier: { body: "body", name: "name" },
    union_specifier: { body: "body", name: "name" },
    enum_specifier: { body: "body", name: "name" },
    namespace_definition: { body: "body", name: "name" },
    linkage_specification: { body: "body" },
  },
  declarations: {},
  wrappers: { template_declaration: {} },
  memberLists: set("field_declaration_list", "declaration_list", "enumerator_list", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"),
  imports: set("preproc_include", "using_declaration"),
  attributes: set(),
  modifiers: set(),
  statements: set("expression_statement", "empty_statement"),
  comments: set("comment"),
  strings: set("raw_string_literal", "string_literal", "concatenated_string"),
  docPrefixes: ["/**", "///", "//!", "/*!"],
  docAbove: true,
  docstrings: false,
}

const CSHARP: LanguageSpec = {
  grammars: ["csharp"],
  functions: {
    method_declaration: { body: "body", name: "name" },
    constructor_declaration: { body: "body", name: "name" },
    destructor_declaration: { body: "body", name: "name" },
    operator_declaration: { body: "body" },
    conversion_operator_declaration: { body: "body" },
    local_function_statement: { body: "body", name: "name" },
    property_declaration: { body: "accessors", name: "name" },
    indexer_declaration: { body: "accessors" },
    event_declaration: { body: "accessors", name: "name" },
    lambda_expression: { body: "body", anonymous: true },
    anonymous_method_expression: { body: "body", anonymous: true },
  },
  containers: {
    class_declaration: { body: "body", name: "name" },
    struct_declaration: { body: "body", name: "name" },
    interface_declaration: { body: "body", name: "name" },
    record_declaration: { body: "body", name: "name" },
    enum_declaration: { body: "body", name: "name" },
    namespace_declaration: { body: "body", name: "name" },
  },
  declarations: { delegate_declaration: { name: "name" } },
  wrappers: {},
  memberLists: set("declaration_list", "enum_member_declaration_list", "file_scoped_namespace_declaration"),
  imports: set("using_directive"),
  attributes: set("attribute_list"),
  modifiers: set("modifier"),
  statements: set("global_statement"),
  comments: set("comment"),
  strings: set("verbatim_string_literal", "raw_string_literal", "string_literal", "interpolated_string_expression"),
  docPrefixes: ["///", "/**"],
  docAbove: false,
  docstrings: false,
}

const RUBY: LanguageSpec = {
  grammars: ["ruby"],
  functions: {
    method: { body: "body", name: "name" },
    singleton_method: { body: "body", name: "name" },
    do_block: { body: "body", anonymous: true },
    block: { body: "body", anonymous: true },
  },
  containers: {
    class: { body: "body", name: "name" },
    module: { body: "body", name: "name" },
    singleton_class: { body: "body" },
  },
  declarations: {},
  wrappers: {},
  memberLists: set(),
  imports: set(),
  attributes: set(),
  modifiers: set(),
  statements: set(),
  comments: set("comment"),
  strings: set("heredoc_body", "string"),
  docPrefixes: [],
  docAbove: true,
  docstrings: false,
}

const PHP: LanguageSpec = {
  grammars: ["php"],
  functions: {
    function_definition: { body: "body", name: "name" },
    method_declaration: { body: "body", name: "name" },
    anonymous_function: { body: "body", anonymous: true },
    arrow_function: { body: "body", anonymous: true },
  },
  containers: {
    class_declaration: { body: "body", name: "name" },
    interface_declaration: { body: "body", name: "name" },
    trait_declaration: { body: "body", name: "name" },
    enum_declaration: { body: "body", name: "name" },
    namespace_definition: { body: "body", name: "name" },
  },
  declarations: {},
  wrappers: {},
  memberLists: set("declaration_list", "enum_declaration_list"),
  imports: set("namespace_use_declaration"),
  attributes: set("attribute_list"),
  modifiers: set("visibility_modifier", "static_modifier", "final_modifier", "abstract_modifier", "readonly_modifier"),
  statements: set("expression_statement", "empty_statement"),
  comments: set("comment"),
  strings: set("heredoc", "nowdoc", "string", "encapsed_string"),
  docPrefixes: ["/**"],
  docAbove: false,
  docstrings: false,
}

/** Languages by the name detection gives them (`block.language`). */
export const LANGUAGES: Readonly<Record<string, LanguageSpec>> = {
  python: PYTHON,
  javascript: { ...ECMASCRIPT, grammars: ["javascript", "tsx"] },
  typescript: { ...ECMASCRIPT, grammars: ["typescript", "tsx"] },
  go: GO,
  rust: RUST,
  java: JAVA,
  c: { ...C_FAMILY, grammars: ["cpp"] },
  cpp: { ...C_FAMILY, grammars: ["cpp"] },
  csharp: CSHARP,
  ruby: RUBY,
  php: PHP,
}

/** The grammars to try for a block: a `.tsx` path puts TSX first (its JSX and TypeScript's `<T>x` casts conflict). */
export const grammarsFor = (spec: LanguageSpec, path: string | undefined): ReadonlyArray<GrammarName> =>
  path !== undefined && /\.tsx$/i.test(path) && spec.grammars.includes("tsx")
    ? ["tsx", ...spec.grammars.filter((g) => g !== "tsx")]
    : spec.grammars
