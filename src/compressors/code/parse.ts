/** Parsing with the block's grammars: the first clean parse wins, else the one with fewest lines in error. */
import type { Node, Tree } from "web-tree-sitter"
import { parserFor, type GrammarName } from "./grammars.ts"
import { lastRow } from "./outline.ts"

/** 0-based first and last line, inclusive. */
export interface Rows {
  readonly from: number
  readonly to: number
}

export interface Parsed {
  readonly tree: Tree
  /** Regions the parser could not read (ERROR and MISSING nodes). */
  readonly errors: ReadonlyArray<Rows>
  /** Lines touched by those regions. */
  readonly errorLines: number
}

/** Undefined when no grammar could parse the text at all. The caller deletes the returned tree. */
export const parse = async (text: string, grammars: ReadonlyArray<GrammarName>): Promise<Parsed | undefined> => {
  let best: Parsed | undefined
  for (const grammar of grammars) {
    const parser = await parserFor(grammar)
    let tree: Tree | null
    try {
      tree = parser.parse(text)
    } catch {
      parser.reset()
      tree = null
    }
    if (tree === null) continue
    const candidate = { tree, ...errorsOf(tree.rootNode) }
    if (best === undefined || candidate.errorLines < best.errorLines) {
      best?.tree.delete()
      best = candidate
    } else {
      tree.delete()
    }
    if (!best.tree.rootNode.hasError) break
  }
  return best
}

/** Walks only into subtrees that hold errors, without recursion. */
const errorsOf = (root: Node): { errors: Array<Rows>; errorLines: number } => {
  if (!root.hasError) return { errors: [], errorLines: 0 }
  const errors: Array<Rows> = []
  const pending: Array<Node> = [root]
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.isError || node.isMissing) {
      errors.push({ from: node.startPosition.row, to: lastRow(node) })
      continue
    }
    for (const child of node.children) if (child !== null && child.hasError) pending.push(child)
  }
  errors.sort((a, b) => a.from - b.from || a.to - b.to)
  let errorLines = 0
  let counted = -1
  for (const { from, to } of errors) {
    if (to > counted) {
      errorLines += to - Math.max(from, counted + 1) + 1
      counted = to
    }
  }
  return { errors, errorLines }
}
