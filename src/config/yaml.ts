import { homedir } from "node:os"
import { dirname } from "node:path"
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar } from "yaml"
import { closest } from "../cli/args.ts"
import type { ConfigIssue } from "./issues.ts"

/**
 * A YAML file being validated: every value is read from its syntax node so that a problem can
 * be reported at the line and column where it is written.
 */
export interface YamlFile {
  readonly file: string
  /** Relative paths written in the file are taken from here. */
  readonly dir: string
  /** The user's home directory, for paths written `~/…`. */
  readonly home: string
  readonly root: Node | null
  readonly issues: Array<ConfigIssue>
  readonly doc: Document.Parsed
  readonly lines: LineCounter
}

/**
 * Parses `text`; syntax errors land in `issues` with their position. `file` is the name messages
 * show; `dir` (default: the file's directory) is where relative paths in it start.
 */
export const parseYaml = (text: string, file: string, where: { readonly dir?: string; readonly home?: string } = {}): YamlFile => {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true })
  const issues: Array<ConfigIssue> = []
  for (const error of doc.errors) {
    const { line, col } = lines.linePos(error.pos[0])
    issues.push({ file, line, column: col, message: `YAML syntax: ${error.message}` })
  }
  const root = (doc.contents ?? null) as Node | null
  return { file, dir: where.dir ?? dirname(file), home: where.home ?? homedir(), root, issues, doc, lines }
}

/** 1-based line and column where `node` starts (1:1 when the parser gave it no range). */
export const positionOf = (y: YamlFile, node: Node | null | undefined): { line: number; column: number } => {
  const offset = node?.range?.[0]
  if (offset === undefined) return { line: 1, column: 1 }
  const { line, col } = y.lines.linePos(offset)
  return { line, column: col }
}

export const report = (y: YamlFile, node: Node | null | undefined, message: string, hint?: string): void => {
  y.issues.push({ file: y.file, ...positionOf(y, node), message, ...(hint === undefined ? {} : { hint }) })
}

/** The node an alias (`*name`) stands for; other nodes as they are. */
export const deref = (y: YamlFile, node: Node | null | undefined): Node | null => {
  if (node === null || node === undefined) return null
  if (!isAlias(node)) return node
  const target = node.resolve(y.doc)
  if (target === undefined) {
    report(y, node, `unknown alias *${node.source}`)
    return null
  }
  return target as Node
}

/** One `key: value` of a mapping, with the key's node for positions. */
export interface Entry {
  readonly key: string
  readonly keyNode: Node
  /** Null for `key:` with nothing after it. */
  readonly value: Node | null
}

/**
 * The entries of a mapping, checked against `allowed`: an unknown key is reported (with the
 * closest allowed key) and left out. Returns undefined, reported, when `node` is not a mapping.
 */
export const entries = (
  y: YamlFile,
  node: Node | null,
  what: string,
  allowed: ReadonlyArray<string>,
): ReadonlyArray<Entry> | undefined => {
  if (!isMap(node)) {
    report(y, node, `${what} must be a mapping of key: value, got ${describeNode(node)}`)
    return undefined
  }
  const result: Array<Entry> = []
  for (const pair of node.items) {
    const keyNode = pair.key as Node | null
    if (!isScalar(keyNode) || typeof keyNode.value !== "string") {
      report(y, keyNode, `${what}: keys must be plain names, got ${describeNode(keyNode)}`)
      continue
    }
    const key = keyNode.value
    if (!allowed.includes(key)) {
      report(y, keyNode, `unknown key "${key}" in ${what}`, closest(key, allowed))
      continue
    }
    result.push({ key, keyNode, value: deref(y, pair.value as Node | null) })
  }
  return result
}

/** The items of a sequence, or undefined (reported) when `node` is not one. */
export const items = (y: YamlFile, node: Node | null, what: string): ReadonlyArray<Node | null> | undefined => {
  if (!isSeq(node)) {
    report(y, node, `${what} must be a list, got ${describeNode(node)}`)
    return undefined
  }
  return node.items.map((item) => deref(y, item as Node | null))
}

/** A scalar's value (string, number, boolean or null), or undefined for a list or mapping. */
export const scalarValue = (node: Node | null): Scalar["value"] | undefined => {
  if (node === null) return null
  return isScalar(node) ? node.value : undefined
}

/** How a value reads in a message: `"x"`, `12`, `a list`, `nothing`. */
export const describeNode = (node: Node | null): string => {
  if (node === null) return "nothing"
  if (isMap(node)) return "a mapping"
  if (isSeq(node)) return "a list"
  if (isScalar(node)) return describeValue(node.value)
  return "an alias"
}

export const describeValue = (value: unknown): string =>
  value === null || value === undefined ? "nothing" : typeof value === "string" ? JSON.stringify(value) : String(value)
