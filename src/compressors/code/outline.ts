/**
 * One walk over a syntax tree that says what each line of the file is (a signature, part of a
 * function body, a comment, a doc summary…) and where the elidable bodies are. The result does not
 * depend on the strategy: render.ts decides from it what each level keeps.
 */
import type { Node, Tree } from "web-tree-sitter"
import type { ContainerRule, DeclarationRule, FunctionRule, LanguageSpec, WrapperRule } from "./languages.ts"
import type { Rows } from "./parse.ts"

/**
 * What a line is. When a line is several things the highest value wins: a signature line that
 * also holds a comment is a signature.
 */
export const Role = {
  Blank: 0,
  Code: 1,
  /** Inside a literal spanning lines: content, even when it looks blank. */
  Verbatim: 2,
  /** A member's lines after its first (an initializer, the rest of a type alias). */
  MemberRest: 3,
  Comment: 4,
  /** A doc comment's or docstring's lines after its summary. */
  DocRest: 5,
  /** Closing lines of a declaration (`}`, `end`). */
  Close: 6,
  /** First line of a member: a field, a variable, an enum variant, a top-level statement. */
  Member: 7,
  /** A doc comment's or docstring's lines up to its first line of text. */
  DocSummary: 8,
  Import: 9,
  /** Declaration header: decorators, attributes, every line of a signature. */
  Signature: 10,
  /** Kept whatever the strategy: a --keep-symbol body, a --keep match, a region the parser could not read. */
  Pinned: 11,
} as const
export type Role = (typeof Role)[keyof typeof Role]

/** The lines strictly inside a function's body, which balanced and aggressive may replace by a marker. */
export interface Body {
  /** 0-based first and last line, inclusive. */
  readonly from: number
  readonly to: number
  readonly name: string
  /** False when the parser found errors inside: the body's real extent is uncertain. */
  readonly elidable: boolean
}

export interface Outline {
  readonly roles: Uint8Array
  readonly bodies: ReadonlyArray<Body>
}

/** Where a node stands: among a module's or class's members, inside a member, or inside a function body. */
const Scope = { Members: 0, MemberRest: 1, Body: 2 } as const
type Scope = (typeof Scope)[keyof typeof Scope]

const OPEN_BRACE = 123 // "{"
const CLOSE_BRACE = 125 // "}"

/** Last line a node occupies: a node ending at column 0 ends on the line before (a line comment's newline). */
export const lastRow = (node: Node): number => {
  const end = node.endPosition
  return end.column === 0 && end.row > node.startPosition.row ? end.row - 1 : end.row
}

interface Visit {
  readonly node: Node
  readonly scope: Scope
  /** Name of the innermost class, impl or namespace: `Class.method` for --keep-symbol. */
  readonly qualifier: string | undefined
}

export interface OutlineRequest {
  readonly tree: Tree
  /** Regions the parser could not read: kept as they are. */
  readonly errors: ReadonlyArray<Rows>
  readonly text: string
  readonly lines: ReadonlyArray<string>
  readonly spec: LanguageSpec
  readonly keepSymbols: ReadonlySet<string>
  readonly keepPatterns: ReadonlyArray<RegExp>
}

export const outline = (request: OutlineRequest): Outline => new Outliner(request).run()

class Outliner {
  private readonly roles: Uint8Array
  private readonly bodies: Array<Body> = []
  private readonly stack: Array<Visit> = []
  private readonly spec: LanguageSpec
  private readonly lines: ReadonlyArray<string>

  constructor(private readonly request: OutlineRequest) {
    this.spec = request.spec
    this.lines = request.lines
    this.roles = new Uint8Array(request.lines.length)
    for (let row = 0; row < this.lines.length; row++) this.roles[row] = isBlank(this.lines[row]!) ? Role.Blank : Role.Code
  }

  run(): Outline {
    const root = this.request.tree.rootNode
    if (this.spec.docstrings) this.docstring(root)
    this.children(root, Scope.Members, undefined)
    for (let visit = this.stack.pop(); visit !== undefined; visit = this.stack.pop()) this.visit(visit)
    for (const { from, to } of this.request.errors) this.mark(from, to, Role.Pinned)
    this.pinPatterns()
    return { roles: this.roles, bodies: this.bodies }
  }

  private mark(from: number, to: number, role: Role): void {
    const last = Math.min(to, this.roles.length - 1)
    for (let row = Math.max(from, 0); row <= last; row++) if (this.roles[row]! < role) this.roles[row] = role
  }

  /** Queues the named children of `parent`, handling runs of whole-line comments as they come. */
  private children(parent: Node, scope: Scope, qualifier: string | undefined): void {
    const children = parent.namedChildren
    let i = 0
    while (i < children.length) {
      const child = children[i]!
      if (!this.spec.comments.has(child.type)) {
        this.stack.push({ node: child, scope, qualifier })
        i++
        continue
      }
      if (!this.isWholeLine(child)) {
        i++
        continue
      }
      let j = i + 1
      while (
        j < children.length &&
        this.spec.comments.has(children[j]!.type) &&
        children[j]!.startPosition.row === lastRow(children[j - 1]!) + 1 &&
        this.isWholeLine(children[j]!)
      ) {
        j++
      }
      this.commentRun(child, lastRow(children[j - 1]!), children[j], scope)
      i = j
    }
  }

  private commentRun(first: Node, last: number, next: Node | undefined, scope: Scope): void {
    const from = first.startPosition.row
    const prefixes = this.spec.docPrefixes
    const isDoc =
      (prefixes.length > 0 && prefixes.some((prefix) => first.text.startsWith(prefix))) ||
      (this.spec.docAbove && next !== undefined && next.startPosition.row === last + 1 && this.declares(next, scope))
    if (isDoc) this.doc(from, last)
    else this.mark(from, last, Role.Comment)
  }

  /** Whether `node` declares something a comment right above it would document. */
  private declares(node: Node, scope: Scope): boolean {
    const type = node.type
    return (
      scope === Scope.Members ||
      type in this.spec.functions ||
      type in this.spec.containers ||
      type in this.spec.declarations ||
      type in this.spec.wrappers ||
      this.spec.attributes.has(type)
    )
  }

  /** A doc comment or docstring on lines from..to: its summary is the lines up to the first with text. */
  private doc(from: number, to: number): number {
    let summaryEnd = from
    for (let row = from; row <= to; row++) {
      if (hasText(this.lines[row]!)) {
        summaryEnd = row
        break
      }
    }
    this.mark(from, summaryEnd, Role.DocSummary)
    this.mark(summaryEnd + 1, to, Role.DocRest)
    return summaryEnd
  }

  /** Marks the docstring opening `body`, if any; returns the last line of its summary. */
  private docstring(body: Node): number | undefined {
    const first = body.namedChildren.find((child) => !this.spec.comments.has(child.type))
    if (first === undefined || first.type !== "expression_statement" || first.namedChildCount !== 1) return undefined
    const literal = first.firstNamedChild!
    if (literal.type !== "string") return undefined
    return this.doc(literal.startPosition.row, lastRow(literal))
  }

  private isWholeLine(node: Node): boolean {
    const start = node.startPosition
    const end = node.endPosition
    if (!isBlank((this.lines[start.row] ?? "").slice(0, start.column))) return false
    return end.column === 0 && end.row > start.row ? true : isBlank((this.lines[end.row] ?? "").slice(end.column))
  }

  private visit({ node, scope, qualifier }: Visit): void {
    const type = node.type
    const spec = this.spec
    if (scope !== Scope.Body) this.opaque(node)
    if (spec.strings.has(type)) {
      this.mark(node.startPosition.row + 1, lastRow(node), Role.Verbatim)
      if (scope === Scope.Members) this.member(node)
      return
    }
    const fn = spec.functions[type]
    if (fn !== undefined) return this.function(node, fn, scope, qualifier)
    const container = spec.containers[type]
    if (container !== undefined) return this.container(node, container, qualifier)
    const declaration = spec.declarations[type]
    if (declaration !== undefined) return this.declaration(node, declaration, scope, qualifier)
    const wrapper = spec.wrappers[type]
    if (wrapper !== undefined && this.wrapper(node, wrapper, scope, qualifier)) return
    if (spec.imports.has(type)) {
      if (scope !== Scope.Body) this.mark(node.startPosition.row, lastRow(node), Role.Import)
      return
    }
    if (spec.attributes.has(type)) {
      if (scope !== Scope.Body) this.mark(node.startPosition.row, lastRow(node), Role.Signature)
      return
    }
    if (scope === Scope.Members) this.member(node)
    if (spec.opaque?.nodes.has(type)) return
    if (node.startPosition.row === node.endPosition.row) return
    // Inside a function body everything is body, even a local struct's fields or an anonymous class's members.
    const inner = scope === Scope.Body ? Scope.Body : spec.memberLists.has(type) ? Scope.Members : Scope.MemberRest
    this.children(node, inner, qualifier)
  }

  /** In a node the grammar leaves unparsed (outside function bodies), lines that look like declarations are signatures. */
  private opaque(node: Node): void {
    const opaque = this.spec.opaque
    if (opaque === undefined || !opaque.nodes.has(node.type)) return
    const last = Math.min(lastRow(node), this.lines.length - 1)
    for (let row = node.startPosition.row; row <= last; row++) {
      if (opaque.signature.test(this.lines[row]!)) this.mark(row, row, Role.Signature)
    }
  }

  /** A member's header runs from its first line to the line where what it declares starts (past annotations on lines of their own). */
  private member(node: Node): void {
    const from = node.startPosition.row
    if (this.spec.statements.has(node.type)) return this.mark(from, lastRow(node), Role.MemberRest)
    let headerEnd = from
    if (from !== node.endPosition.row) {
      const declared = node.namedChildren.find((child) => !this.spec.attributes.has(child.type) && !this.spec.modifiers.has(child.type))
      if (declared !== undefined) headerEnd = declared.startPosition.row
    }
    this.mark(from, headerEnd, Role.Member)
    this.mark(headerEnd + 1, lastRow(node), Role.MemberRest)
  }

  private function(node: Node, rule: FunctionRule, scope: Scope, qualifier: string | undefined): void {
    const from = node.startPosition.row
    const last = lastRow(node)
    const names = rule.anonymous ? bindingNames(node, qualifier) : this.names(node, rule.name, rule.receiver, qualifier)
    const pinned = this.pin(node, names)
    const signature = !rule.anonymous || scope !== Scope.Body
    const body = node.childForFieldName(rule.body)
    if (body === null) {
      if (signature) this.mark(from, last, Role.Signature)
      return
    }
    const headerEnd = this.headerEnd(node, body)
    if (signature) this.mark(from, headerEnd, Role.Signature)
    let start = this.opensWithBrace(body) ? body.startPosition.row + 1 : headerEnd + 1
    const end = this.closesWithBrace(body) ? lastRow(body) - 1 : lastRow(body)
    if (this.spec.docstrings) {
      const summaryEnd = this.docstring(body)
      if (summaryEnd !== undefined) start = Math.max(start, summaryEnd + 1)
    }
    if (start <= end && !pinned) this.bodies.push({ from: start, to: end, name: names[0] ?? "function", elidable: !body.hasError })
    if (signature) this.mark(end + 1, last, Role.Close)
    this.children(body, Scope.Body, qualifier)
  }

  private container(node: Node, rule: ContainerRule, qualifier: string | undefined): void {
    const from = node.startPosition.row
    const names = this.names(node, rule.name, undefined, qualifier)
    this.pin(node, names)
    const body = node.childForFieldName(rule.body)
    if (body === null) return this.mark(from, lastRow(node), Role.Signature)
    this.mark(from, this.headerEnd(node, body), Role.Signature)
    if (this.spec.docstrings) this.docstring(body)
    this.mark(this.closesWithBrace(body) ? lastRow(body) : lastRow(body) + 1, lastRow(node), Role.Close)
    this.children(body, Scope.Members, names[0] ?? qualifier)
  }

  private declaration(node: Node, rule: DeclarationRule, scope: Scope, qualifier: string | undefined): void {
    const from = node.startPosition.row
    const last = lastRow(node)
    this.pin(node, this.names(node, rule.name, undefined, qualifier))
    const body = rule.body === undefined ? null : node.childForFieldName(rule.body)
    const headerEnd = body === null ? last : Math.max(from, body.startPosition.row)
    this.mark(from, headerEnd, Role.Signature)
    if (body === null || headerEnd === last) return
    if (scope !== Scope.Body) this.mark(headerEnd + 1, last, Role.MemberRest)
    this.children(node, scope === Scope.Body ? Scope.Body : Scope.MemberRest, qualifier)
  }

  /** Decorators, `export`, `template <…>`: their lines before the declaration join its header. Returns false if nothing is declared inside. */
  private wrapper(node: Node, rule: WrapperRule, scope: Scope, qualifier: string | undefined): boolean {
    const inner = rule.inner === undefined ? node.lastNamedChild : firstField(node, rule.inner)
    if (inner === null || !this.declares(inner, Scope.Body)) return false
    this.mark(node.startPosition.row, inner.startPosition.row - 1, Role.Signature)
    this.stack.push({ node: inner, scope, qualifier })
    return true
  }

  /** Last line of a declaration's header: the line of its body's `{`, or the line before a body that has none (Python, Ruby). */
  private headerEnd(node: Node, body: Node): number {
    if (this.opensWithBrace(body)) return body.startPosition.row
    const before = body.previousSibling
    return before === null ? node.startPosition.row : lastRow(before)
  }

  private opensWithBrace(node: Node): boolean {
    return this.request.text.charCodeAt(node.startIndex) === OPEN_BRACE
  }

  /** A braced body whose `}` stands at the start of its line. */
  private closesWithBrace(node: Node): boolean {
    return this.opensWithBrace(node) && this.request.text.charCodeAt(node.endIndex - 1) === CLOSE_BRACE && isBlank((this.lines[lastRow(node)] ?? "").slice(0, node.endPosition.column - 1))
  }

  /** The names --keep-symbol may use for a declaration: `name` and `Qualifier.name`. */
  private names(node: Node, nameField: string | undefined, receiverField: string | undefined, qualifier: string | undefined): Array<string> {
    const named = nameField === undefined ? null : node.childForFieldName(nameField)
    if (named === null) return []
    const path = symbolPath(named.text)
    const name = path.at(-1)
    if (name === undefined) return []
    const receiver = receiverField === undefined ? null : node.childForFieldName(receiverField)
    const owner = receiver !== null ? receiverType(receiver.text) : path.length > 1 ? path.at(-2) : qualifier
    return owner === undefined ? [name] : [name, `${owner}.${name}`]
  }

  /** Keeps the whole declaration when --keep-symbol names it; returns whether it did. */
  private pin(node: Node, names: ReadonlyArray<string>): boolean {
    if (!names.some((name) => this.request.keepSymbols.has(name))) return false
    this.mark(node.startPosition.row, lastRow(node), Role.Pinned)
    return true
  }

  private pinPatterns(): void {
    const patterns = this.request.keepPatterns
    if (patterns.length === 0) return
    this.lines.forEach((line, row) => {
      if (patterns.some((pattern) => pattern.test(line))) this.roles[row] = Role.Pinned
    })
  }
}

export const isBlank = (text: string): boolean => /^[ \t\r\f\v]*$/.test(text)

/** Whether a comment or docstring line says something beyond its delimiters (`/**`, `"""`, ` *`). */
const hasText = (line: string): boolean => /[\p{L}\p{N}]/u.test(line.replace(/^\s*[rRuUbB]{0,2}(?:"""|''')/, ""))

const firstField = (node: Node, fields: ReadonlyArray<string>): Node | null => {
  for (const field of fields) {
    const child = node.childForFieldName(field)
    if (child !== null) return child
  }
  return null
}

/** `C::m2(int x)` → [C, m2]; `GlobBuilder<'a>` → [GlobBuilder]; `N.M` → [N, M]. */
const symbolPath = (text: string): Array<string> =>
  (text.split("(")[0] ?? "")
    .split(/::|\.|->/)
    .map((part) => /[A-Za-z_$~#][\w$]*/.exec(part.replace(/<.*$/s, ""))?.[0])
    .filter((part): part is string => part !== undefined)

/** Go receiver `(c *Context)` or `(n *node[T])` → the receiver's type name. */
const receiverType = (text: string): string | undefined => /(\w+)\s*\)\s*$/.exec(text.replace(/\[[^\]]*\]/g, ""))?.[1]

/** An anonymous function is named after what it is assigned to (`const useQuery = () => …`). */
const bindingNames = (node: Node, qualifier: string | undefined): Array<string> => {
  const parent = node.parent
  const binding = parent === null ? null : firstField(parent, ["name", "left", "key"])
  const name = binding === null ? undefined : symbolPath(binding.text).at(-1)
  if (name === undefined) return []
  return qualifier === undefined ? [name] : [name, `${qualifier}.${name}`]
}
