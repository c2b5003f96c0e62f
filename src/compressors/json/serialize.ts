/**
 * Minified JSON from a parsed tree, without recursion (any depth). Scalars are written as they
 * were read; `canonical` also rewrites string escapes JSON does not need, so two documents that
 * hold the same values serialize to the same text.
 */
import { canonicalString, isScalar, type JsonNode } from "./tree.ts"

export interface SerializeOptions {
  readonly canonical?: boolean
}

/** One line per top-level value. */
export const serializeJson = (values: ReadonlyArray<JsonNode>, options: SerializeOptions = {}): string =>
  values.map((value) => serializeValue(value, options)).join("\n")

export const serializeValue = (root: JsonNode, options: SerializeOptions = {}): string => {
  const str = options.canonical === true ? canonicalString : (s: string) => s
  const scalar = (s: string) => (s.charCodeAt(0) === 0x22 ? str(s) : s)
  if (isScalar(root)) return scalar(root)
  const out: Array<string> = []
  const stack: Array<{ node: Exclude<JsonNode, string>; next: number }> = []
  const open = (node: Exclude<JsonNode, string>) => {
    out.push(node.kind === "object" ? "{" : "[")
    stack.push({ node, next: 0 })
  }
  open(root)
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!
    const { node } = top
    const children = node.kind === "object" ? node.values : node.items
    if (top.next === children.length) {
      out.push(node.kind === "object" ? "}" : "]")
      stack.pop()
      continue
    }
    const i = top.next++
    if (i > 0) out.push(",")
    if (node.kind === "object") out.push(str(node.keys[i]!), ":")
    const child = children[i]!
    if (isScalar(child)) out.push(scalar(child))
    else open(child)
  }
  return out.join("")
}
