/**
 * The raw text of values inside a JSON document, as written (spacing, key order and escapes
 * kept): what tests compare when they claim bytes reached the upstream unchanged. Written apart
 * from the proxy's own span finder so the two check each other. Input must be valid JSON.
 */

export type Path = ReadonlyArray<string | number>

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09

const skipSpace = (text: string, i: number) => {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++
  return i
}

/** End of the string starting at the quote at `i` (exclusive). */
const stringEnd = (text: string, i: number) => {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j)
    if (c === 0x5c) j++
    else if (c === 0x22) return j + 1
  }
  throw new Error(`unterminated string at ${i}`)
}

/** End of the value starting at `i` (exclusive); nesting is counted, not recursed. */
const valueEnd = (text: string, i: number) => {
  const first = text.charCodeAt(i)
  if (first === 0x22) return stringEnd(text, i)
  if (first !== 0x7b && first !== 0x5b) {
    let j = i
    while (j < text.length && !isSpace(text.charCodeAt(j)) && !",]}".includes(text[j]!)) j++
    return j
  }
  let depth = 0
  for (let j = i; j < text.length; ) {
    const c = text.charCodeAt(j)
    if (c === 0x22) {
      j = stringEnd(text, j)
      continue
    }
    if (c === 0x7b || c === 0x5b) depth++
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return j + 1
    j++
  }
  throw new Error(`unterminated value at ${i}`)
}

/** The [start, end) of each member of the object or array whose value starts at `i`, with its key or index. */
const members = (text: string, i: number): Array<{ key: string | number; start: number; end: number }> => {
  const open = text[i]
  if (open !== "{" && open !== "[") return []
  const out: Array<{ key: string | number; start: number; end: number }> = []
  let j = skipSpace(text, i + 1)
  if (text[j] === "}" || text[j] === "]") return out
  for (let index = 0; ; index++) {
    let key: string | number = index
    if (open === "{") {
      const keyEnd = stringEnd(text, j)
      key = JSON.parse(text.slice(j, keyEnd)) as string
      j = skipSpace(text, skipSpace(text, keyEnd) + 1)
    }
    const end = valueEnd(text, j)
    out.push({ key, start: j, end })
    j = skipSpace(text, end)
    if (text[j] !== ",") return out
    j = skipSpace(text, j + 1)
  }
}

/** [start, end) of the value at `path`, or undefined when it isn't there. */
export const spanAt = (text: string, path: Path): readonly [number, number] | undefined => {
  let start = skipSpace(text, 0)
  let end = valueEnd(text, start)
  for (const step of path) {
    const found = members(text, start).find((m) => m.key === step)
    if (found === undefined) return undefined
    start = found.start
    end = found.end
  }
  return [start, end]
}

/** The raw text of the value at `path` (throws when missing). */
export const rawAt = (text: string, path: Path): string => {
  const span = spanAt(text, path)
  if (span === undefined) throw new Error(`no value at ${JSON.stringify(path)}`)
  return text.slice(span[0], span[1])
}

/** The raw text of each element of the array (or member of the object) at `path`. */
export const rawElements = (text: string, path: Path): Array<string> => {
  const span = spanAt(text, path)
  if (span === undefined) throw new Error(`no value at ${JSON.stringify(path)}`)
  return members(text, span[0]).map((m) => text.slice(m.start, m.end))
}

/** `text` with the values at `paths` replaced by the raw values at the same paths in `from`. */
export const withValuesFrom = (text: string, from: string, paths: ReadonlyArray<Path>): string => {
  const edits = paths
    .map((path) => ({ span: spanAt(text, path), value: rawAt(from, path) }))
    .sort((a, b) => (b.span?.[0] ?? 0) - (a.span?.[0] ?? 0))
  let out = text
  for (const { span, value } of edits) {
    if (span === undefined) throw new Error("path missing in text")
    out = out.slice(0, span[0]) + value + out.slice(span[1])
  }
  return out
}
