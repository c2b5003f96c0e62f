/**
 * Byte-faithful edits of a JSON request body: find where the values at some paths sit in the
 * client's own text and replace just those spans. Everything else (key order, spacing, escapes,
 * number spellings, fields headroom knows nothing about) stays exactly as the client wrote it,
 * so the provider's prompt cache sees the same prefix it saw last turn.
 *
 * The text must already be known-good JSON (it was parsed first); any surprise throws, and the
 * caller then forwards the original body.
 */

export type JsonPath = ReadonlyArray<string | number>

export interface Span {
  /** Offsets into the text (UTF-16 code units), end exclusive. */
  readonly start: number
  readonly end: number
}

export interface Edit extends Span {
  /** JSON text that replaces the span. */
  readonly text: string
}

/** Target paths as a tree: a key leads to the next level, `true` marks a path's end. */
type PathTree = Map<string | number, PathTree | true>

/** Where the value at each path sits in `text` (undefined for a path that isn't there). */
export const locateValues = (text: string, paths: ReadonlyArray<JsonPath>): Array<Span | undefined> => {
  const tree: PathTree = new Map()
  for (const path of paths) {
    if (path.length === 0) throw new Error("empty JSON path")
    let node = tree
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        node.set(key, true)
        break
      }
      let next = node.get(key)
      if (next === true) throw new Error("a JSON path inside another")
      if (next === undefined) {
        next = new Map()
        node.set(key, next)
      }
      node = next
    }
  }
  const found = new Map<string, Span>()
  const scanner = new Scanner(text)
  scanner.walk(scanner.skipSpace(0), tree, [], found)
  return paths.map((p) => found.get(pathId(p)))
}

/** `text` with each edit's span replaced; edits must not overlap. */
export const applyEdits = (text: string, edits: ReadonlyArray<Edit>): string => {
  const sorted = [...edits].sort((a, b) => a.start - b.start)
  const parts: Array<string> = []
  let at = 0
  for (const edit of sorted) {
    if (edit.start < at) throw new Error("overlapping JSON edits")
    parts.push(text.slice(at, edit.start), edit.text)
    at = edit.end
  }
  parts.push(text.slice(at))
  return parts.join("")
}

const pathId = (path: JsonPath): string => JSON.stringify(path)

const QUOTE = 0x22
const BACKSLASH = 0x5c

class Scanner {
  constructor(readonly text: string) {}

  /** Descends into the value at `at` where the tree says so; records the spans of its leaves. */
  walk(at: number, tree: PathTree, path: Array<string | number>, found: Map<string, Span>): number {
    const c = this.text.charCodeAt(at)
    if (c === 0x7b /* { */) return this.walkObject(at, tree, path, found)
    if (c === 0x5b /* [ */) return this.walkArray(at, tree, path, found)
    return this.skipValue(at)
  }

  private walkObject(at: number, tree: PathTree, path: Array<string | number>, found: Map<string, Span>): number {
    let i = this.skipSpace(at + 1)
    if (this.text.charCodeAt(i) === 0x7d /* } */) return i + 1
    for (;;) {
      if (this.text.charCodeAt(i) !== QUOTE) throw new Error(`expected a key at ${i}`)
      const keyEnd = this.skipString(i)
      const raw = this.text.slice(i + 1, keyEnd - 1)
      const key = raw.includes("\\") ? (JSON.parse(this.text.slice(i, keyEnd)) as string) : raw
      i = this.skipSpace(keyEnd)
      if (this.text.charCodeAt(i) !== 0x3a /* : */) throw new Error(`expected ':' at ${i}`)
      i = this.skipSpace(i + 1)
      i = this.member(i, tree.get(key), [...path, key], found)
      i = this.skipSpace(i)
      const c = this.text.charCodeAt(i)
      if (c === 0x7d) return i + 1
      if (c !== 0x2c /* , */) throw new Error(`expected ',' or '}' at ${i}`)
      i = this.skipSpace(i + 1)
    }
  }

  private walkArray(at: number, tree: PathTree, path: Array<string | number>, found: Map<string, Span>): number {
    let i = this.skipSpace(at + 1)
    if (this.text.charCodeAt(i) === 0x5d /* ] */) return i + 1
    for (let index = 0; ; index++) {
      i = this.member(i, tree.get(index), [...path, index], found)
      i = this.skipSpace(i)
      const c = this.text.charCodeAt(i)
      if (c === 0x5d) return i + 1
      if (c !== 0x2c) throw new Error(`expected ',' or ']' at ${i}`)
      i = this.skipSpace(i + 1)
    }
  }

  private member(at: number, sub: PathTree | true | undefined, path: Array<string | number>, found: Map<string, Span>): number {
    if (sub === undefined) return this.skipValue(at)
    if (sub === true) {
      const end = this.skipValue(at)
      // A repeated key: JSON.parse keeps the last one, and so does this.
      found.set(pathId(path), { start: at, end })
      return end
    }
    return this.walk(at, sub, path, found)
  }

  /** The offset just past the value starting at `at`; nested values without recursion. */
  skipValue(at: number): number {
    const text = this.text
    const c = text.charCodeAt(at)
    if (c === QUOTE) return this.skipString(at)
    if (c !== 0x7b && c !== 0x5b) {
      let i = at
      while (i < text.length) {
        const d = text.charCodeAt(i)
        if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break
        i++
      }
      if (i === at) throw new Error(`expected a value at ${at}`)
      return i
    }
    let depth = 0
    let i = at
    while (i < text.length) {
      const d = text.charCodeAt(i)
      if (d === QUOTE) {
        i = this.skipString(i)
        continue
      }
      if (d === 0x7b || d === 0x5b) depth++
      else if (d === 0x7d || d === 0x5d) {
        depth--
        if (depth === 0) return i + 1
      }
      i++
    }
    throw new Error("unterminated JSON value")
  }

  /** The offset just past the closing quote of the string opening at `at`. */
  skipString(at: number): number {
    let i = at
    for (;;) {
      i = this.text.indexOf('"', i + 1)
      if (i < 0) throw new Error("unterminated JSON string")
      let slashes = 0
      while (this.text.charCodeAt(i - 1 - slashes) === BACKSLASH) slashes++
      if (slashes % 2 === 0) return i + 1
    }
  }

  skipSpace(at: number): number {
    let i = at
    for (;;) {
      const c = this.text.charCodeAt(i)
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i
      i++
    }
  }
}
