/**
 * An iterative parser for JSON and, with `extended`, for the table format of FORMAT.md.
 *
 * It keeps what a lossless rewrite needs and JSON.parse drops: numbers' source text (1.0, 1e5,
 * integers past 2^53), key order and duplicate keys. An explicit stack instead of recursion, so
 * a document nested 100k deep parses like any other. Several top-level values one after another
 * (`jq` output) are one document.
 */
import { buildRow, columnCount, type Field, type Fields } from "./table.ts"
import { NO_LINES, newArray, newObject, type JsonArray, type JsonNode, type JsonObject } from "./tree.ts"

export interface ParseOptions {
  /** Accept tables and raw strings (FORMAT.md); reject the marks only lossy output has. */
  readonly extended?: boolean
  /** Record the line each value starts on (for marker ranges), when the document spans lines. */
  readonly lines?: boolean
}

export type ParseResult =
  | { readonly ok: true; readonly values: Array<JsonNode>; readonly depth: number; readonly lines: number }
  | {
      readonly ok: false
      /** "lossy": extended input with omissions (markers, arrays missing items): it can't be decoded. */
      readonly reason: "syntax" | "lossy"
      readonly message: string
      readonly line: number
      readonly column: number
    }

export const parseJson = (text: string, options: ParseOptions = {}): ParseResult => {
  const lines = options.lines === true && /\n\s*\S/.test(text)
  const parser = new Parser(text, options.extended === true, lines, text.charCodeAt(0) === 0xfeff ? 1 : 0)
  try {
    const values = parser.document()
    return { ok: true, values, depth: parser.maxDepth, lines: parser.line }
  } catch (error) {
    if (!(error instanceof ParseError)) throw error
    return { ok: false, reason: error.reason, message: error.message, line: parser.line, column: parser.i - parser.lineStart + 1 }
  }
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly reason: "syntax" | "lossy" = "syntax",
  ) {
    super(message)
  }
}

// Frame kinds and their states (what may come next).
const OBJECT = 0
const ARRAY = 1
const TABLE = 2
const OBJ_KEY_OR_END = 0
const OBJ_KEY = 1
const OBJ_COLON = 2
const OBJ_VALUE = 3
const OBJ_NEXT = 4
const ARR_VALUE_OR_END = 0
const ARR_VALUE = 1
const ARR_NEXT = 2
const ROW_START = 0
const CELL = 1
const CELL_NEXT = 2

interface ObjectFrame {
  readonly kind: typeof OBJECT
  readonly node: JsonObject
  state: number
}
interface ArrayFrame {
  readonly kind: typeof ARRAY
  readonly node: JsonArray
  state: number
}
interface TableFrame {
  readonly kind: typeof TABLE
  readonly node: JsonArray
  readonly fields: Fields
  readonly columns: number
  readonly rows: number
  readonly cells: Array<JsonNode | undefined>
  state: number
}
type Frame = ObjectFrame | ArrayFrame | TableFrame

const MAX_HEADER_DEPTH = 64

const sameKeys = (a: Array<string>, b: Array<string>): boolean => {
  if (a.length !== b.length) return false
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false
  return true
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
const isBareStart = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x24
const isBarePart = (c: number) => isBareStart(c) || isDigit(c) || c === 0x2d

class Parser {
  line = 1
  lineStart = 0
  maxDepth = 0
  private readonly stack: Array<Frame> = []
  /** Keys of the object last closed at each depth: siblings with the same keys share one array. */
  private readonly lastKeys: Array<Array<string> | undefined> = []

  constructor(
    readonly s: string,
    readonly extended: boolean,
    private readonly trackLines: boolean,
    public i: number,
  ) {}

  document(): Array<JsonNode> {
    const values: Array<JsonNode> = []
    this.skipSpace()
    if (this.i >= this.s.length) throw new ParseError("no JSON value")
    while (this.i < this.s.length) {
      values.push(this.value())
      this.skipSpace()
    }
    return values
  }

  /** Reads one complete value from the current position. */
  value(): JsonNode {
    const base = this.stack.length
    let done: JsonNode | undefined = this.start()
    for (;;) {
      if (done !== undefined) {
        if (this.stack.length === base) return done
        this.deliver(this.stack[this.stack.length - 1]!, done)
        done = undefined
        continue
      }
      const frame = this.stack[this.stack.length - 1]!
      done = frame.kind === TABLE ? this.tableStep(frame) : this.containerStep(frame)
    }
  }

  /** Begins a value: returns a scalar, or pushes a frame and returns undefined. */
  private start(): JsonNode | undefined {
    const s = this.s
    const c = s.charCodeAt(this.i)
    switch (c) {
      case 0x7b: // {
        this.push({ kind: OBJECT, node: newObject(this.line, this.trackLines ? [] : NO_LINES), state: OBJ_KEY_OR_END })
        this.i++
        return undefined
      case 0x5b: // [
        if (this.extended) {
          const next = s.charCodeAt(this.i + 1)
          if (next === 0x23) return this.startTable()
          if (next === 0x2026) throw new ParseError("it holds omission markers ([… · retrieve …])", "lossy")
        }
        this.push({ kind: ARRAY, node: newArray(this.line, this.trackLines ? [] : NO_LINES), state: ARR_VALUE_OR_END })
        this.i++
        return undefined
      case 0x22: // "
        return this.string()
      case 0x74:
        return this.word("true")
      case 0x66:
        return this.word("false")
      case 0x6e:
        return this.word("null")
      case 0x60: // `
        if (this.extended) return this.rawString()
        break
      default:
        if (c === 0x2d || isDigit(c)) return this.number()
    }
    throw this.unexpected()
  }

  private push(frame: Frame) {
    this.stack.push(frame)
    if (this.stack.length > this.maxDepth) this.maxDepth = this.stack.length
  }

  private deliver(frame: Frame, value: JsonNode) {
    if (frame.kind === OBJECT) {
      frame.node.values.push(value)
      frame.state = OBJ_NEXT
    } else if (frame.kind === ARRAY) {
      frame.node.items.push(value)
      frame.state = ARR_NEXT
    } else {
      frame.cells.push(value)
      frame.state = CELL_NEXT
    }
  }

  /** One step inside an object or array: punctuation, or the start of the next value. */
  private containerStep(frame: ObjectFrame | ArrayFrame): JsonNode | undefined {
    this.skipSpace()
    const s = this.s
    if (this.i >= s.length) throw new ParseError("unexpected end of input")
    const c = s.charCodeAt(this.i)
    if (frame.kind === OBJECT) {
      switch (frame.state) {
        case OBJ_KEY_OR_END:
        case OBJ_KEY:
          if (c === 0x7d && frame.state === OBJ_KEY_OR_END) return this.close(frame.node)
          if (c !== 0x22) throw this.unexpected()
          frame.node.keys.push(this.string())
          frame.state = OBJ_COLON
          return undefined
        case OBJ_COLON:
          if (c !== 0x3a) throw this.unexpected()
          this.i++
          frame.state = OBJ_VALUE
          return undefined
        case OBJ_VALUE:
          if (this.trackLines) frame.node.lines.push(this.line)
          return this.start()
        default:
          if (c === 0x2c) {
            this.i++
            frame.state = OBJ_KEY
            return undefined
          }
          if (c === 0x7d) return this.close(frame.node)
          throw this.unexpected()
      }
    }
    if (frame.state === ARR_NEXT) {
      if (c === 0x2c) {
        this.i++
        frame.state = ARR_VALUE
        return undefined
      }
      if (c === 0x5d) return this.close(frame.node)
      throw this.unexpected()
    }
    if (c === 0x5d && frame.state === ARR_VALUE_OR_END) return this.close(frame.node)
    if (this.trackLines) frame.node.lines.push(this.line)
    return this.start()
  }

  private close(node: JsonObject | JsonArray): JsonNode {
    node.endLine = this.line
    this.i++
    if (node.kind === "object") {
      const depth = this.stack.length
      const previous = this.lastKeys[depth]
      if (previous !== undefined && sameKeys(previous, node.keys)) node.keys = previous
      else this.lastKeys[depth] = node.keys
    }
    this.stack.pop()
    return node
  }

  // ---- tables (extended syntax) ----

  private startTable(): JsonNode | undefined {
    const s = this.s
    this.i += 2
    const digits = this.i
    while (isDigit(s.charCodeAt(this.i))) this.i++
    if (this.i === digits) throw this.unexpected()
    const rows = Number(s.slice(digits, this.i))
    if (s.charCodeAt(this.i) !== 0x7b) throw new ParseError("it holds an array with omitted items ([#N …])", "lossy")
    const line = this.line
    const fields = this.header(0)
    this.skipInline()
    if (s.charCodeAt(this.i) !== 0x0a) throw this.unexpected()
    this.newline()
    this.push({ kind: TABLE, node: newArray(line), fields, columns: columnCount(fields), rows, cells: [], state: ROW_START })
    return undefined
  }

  /** `{name, name=value, name:{…}, name:[{…}]}` */
  private header(depth: number): Array<Field> {
    if (depth > MAX_HEADER_DEPTH) throw new ParseError("table header nested too deep")
    const s = this.s
    if (s.charCodeAt(this.i) !== 0x7b) throw this.unexpected()
    this.i++
    const fields: Array<Field> = []
    this.skipInline()
    if (s.charCodeAt(this.i) === 0x7d) {
      this.i++
      return fields
    }
    for (;;) {
      this.skipInline()
      const key = this.headerKey()
      this.skipInline()
      const c = s.charCodeAt(this.i)
      if (c === 0x3d) {
        this.i++
        this.skipInline()
        const constant = new Parser(s, false, false, this.i)
        constant.line = this.line
        constant.lineStart = this.lineStart
        fields.push({ kind: "constant", key, value: constant.value() })
        this.i = constant.i
        this.line = constant.line
        this.lineStart = constant.lineStart
      } else if (c === 0x3a) {
        this.i++
        if (s.charCodeAt(this.i) === 0x5b) {
          this.i++
          fields.push({ kind: "single", key, fields: this.header(depth + 1) })
          if (s.charCodeAt(this.i) !== 0x5d) throw this.unexpected()
          this.i++
        } else {
          fields.push({ kind: "object", key, fields: this.header(depth + 1) })
        }
      } else {
        fields.push({ kind: "column", key })
      }
      this.skipInline()
      const next = s.charCodeAt(this.i)
      this.i++
      if (next === 0x7d) return fields
      if (next !== 0x2c) {
        this.i--
        throw this.unexpected()
      }
    }
  }

  private headerKey(): string {
    const s = this.s
    const c = s.charCodeAt(this.i)
    if (c === 0x22) return this.string()
    if (!isBareStart(c)) throw this.unexpected()
    const start = this.i
    while (isBarePart(s.charCodeAt(this.i))) this.i++
    return `"${s.slice(start, this.i)}"`
  }

  private tableStep(frame: TableFrame): JsonNode | undefined {
    this.skipInline()
    const s = this.s
    if (this.i >= s.length) throw new ParseError("unexpected end of input inside a table")
    const c = s.charCodeAt(this.i)
    if (frame.state === ROW_START && c === 0x5d) {
      if (frame.node.items.length !== frame.rows) {
        throw new ParseError(`the table says ${frame.rows} rows but has ${frame.node.items.length}`)
      }
      return this.close(frame.node)
    }
    if (frame.state === CELL_NEXT) {
      if (c === 0x2c) {
        this.i++
        frame.state = CELL
        return undefined
      }
      if (c === 0x0a) return this.endRow(frame)
      throw this.unexpected()
    }
    // A cell is expected: a value, or nothing before "," / end of line (key absent).
    if (c === 0x0a && frame.state === ROW_START && frame.columns === 0) return this.endRow(frame)
    if (c === 0x2c) {
      frame.cells.push(undefined)
      this.i++
      frame.state = CELL
      return undefined
    }
    if (c === 0x0a) {
      frame.cells.push(undefined)
      return this.endRow(frame)
    }
    return this.start()
  }

  private endRow(frame: TableFrame): undefined {
    if (frame.cells.length !== frame.columns) {
      throw new ParseError(`a table row has ${frame.cells.length} cells, the header ${frame.columns} columns`)
    }
    this.newline()
    frame.node.items.push(buildRow(frame.fields, frame.cells))
    frame.cells.length = 0
    frame.state = ROW_START
    return undefined
  }

  // ---- scalars ----

  private string(): string {
    const s = this.s
    const start = this.i
    let j = start + 1
    for (;;) {
      if (j >= s.length) {
        this.i = j
        throw new ParseError("unterminated string")
      }
      const c = s.charCodeAt(j)
      if (c === 0x22) break
      if (c === 0x5c) {
        const e = s.charCodeAt(j + 1)
        if (e === 0x75) {
          if (!(isHex(s.charCodeAt(j + 2)) && isHex(s.charCodeAt(j + 3)) && isHex(s.charCodeAt(j + 4)) && isHex(s.charCodeAt(j + 5)))) {
            this.i = j
            throw new ParseError("bad \\u escape")
          }
          j += 6
        } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          j += 2
        } else {
          this.i = j
          throw new ParseError("bad escape in string")
        }
      } else if (c < 0x20) {
        this.i = j
        throw new ParseError("control character in string")
      } else {
        j++
      }
    }
    this.i = j + 1
    return s.slice(start, j + 1)
  }

  /** `` `text` ``, fenced by as many backticks as it takes (extended syntax only). */
  private rawString(): string {
    const s = this.s
    let fence = 0
    while (s.charCodeAt(this.i + fence) === 0x60) fence++
    const start = this.i + fence
    const end = s.indexOf("`".repeat(fence), start)
    if (end === -1) throw new ParseError("unterminated raw string")
    const content = s.slice(start, end)
    for (let k = content.indexOf("\n"); k !== -1; k = content.indexOf("\n", k + 1)) {
      this.line++
      this.lineStart = start + k + 1
    }
    this.i = end + fence
    return JSON.stringify(content)
  }

  private number(): string {
    const s = this.s
    const start = this.i
    let j = start
    if (s.charCodeAt(j) === 0x2d) j++
    const first = s.charCodeAt(j)
    if (first === 0x30) j++
    else if (isDigit(first)) while (isDigit(s.charCodeAt(j))) j++
    else throw this.unexpectedAt(j)
    if (s.charCodeAt(j) === 0x2e) {
      j++
      if (!isDigit(s.charCodeAt(j))) throw this.unexpectedAt(j)
      while (isDigit(s.charCodeAt(j))) j++
    }
    const e = s.charCodeAt(j)
    if (e === 0x65 || e === 0x45) {
      j++
      const sign = s.charCodeAt(j)
      if (sign === 0x2b || sign === 0x2d) j++
      if (!isDigit(s.charCodeAt(j))) throw this.unexpectedAt(j)
      while (isDigit(s.charCodeAt(j))) j++
    }
    this.i = j
    return s.slice(start, j)
  }

  private word(word: string): string {
    if (!this.s.startsWith(word, this.i)) throw this.unexpected()
    this.i += word.length
    return word
  }

  // ---- whitespace and errors ----

  private skipSpace() {
    const s = this.s
    for (;;) {
      const c = s.charCodeAt(this.i)
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++
      else if (c === 0x0a) this.newline()
      else return
    }
  }

  /** Inside a table line: blanks but not newlines (they end rows). */
  private skipInline() {
    const s = this.s
    for (;;) {
      const c = s.charCodeAt(this.i)
      if (c === 0x20 || c === 0x09 || c === 0x0d) this.i++
      else return
    }
  }

  private newline() {
    this.i++
    this.line++
    this.lineStart = this.i
  }

  private unexpectedAt(j: number): ParseError {
    this.i = j
    return this.unexpected()
  }

  private unexpected(): ParseError {
    if (this.i >= this.s.length) return new ParseError("unexpected end of input")
    const c = this.s.codePointAt(this.i)!
    const shown = c < 0x20 ? `\\u${c.toString(16).padStart(4, "0")}` : String.fromCodePoint(c)
    return new ParseError(`unexpected ${JSON.stringify(shown)}`)
  }
}
