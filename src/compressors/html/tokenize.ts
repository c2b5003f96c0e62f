/**
 * A tolerant HTML tokenizer: one linear pass, never throws. A "<" that opens no tag is text, a
 * tag left open at the end of the input is text, and the contents of script, style, title and
 * the like are raw text up to their closing tag, as browsers read them.
 */

export type Attributes = Readonly<Record<string, string>>

export type Token =
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "start"; readonly name: string; readonly attrs: Attributes; readonly selfClosing: boolean }
  | { readonly type: "end"; readonly name: string }
  /** Contents of a raw-text element (script, style, title, textarea…), undecoded. */
  | { readonly type: "raw"; readonly name: string; readonly text: string }
  /** Comments, doctypes, CDATA sections and processing instructions. */
  | { readonly type: "comment" }

/** Elements whose contents are not markup. */
const RAW_TEXT = new Set(["script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext"])

const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d
// Tag and attribute names end at a blank, "/", ">" (and "=" for attributes).
const endsName = (c: number): boolean => isSpace(c) || c === 0x2f || c === 0x3e

export class Tokenizer {
  private pos = 0
  /** Contents of the raw-text element whose start tag was just returned. */
  private pending: Token | undefined

  constructor(private readonly html: string) {}

  /** Characters consumed so far. A raw-text element's contents count with its start tag. */
  get offset(): number {
    return this.pos
  }

  /** The next token, or undefined at the end of the input. */
  next(): Token | undefined {
    if (this.pending !== undefined) {
      const token = this.pending
      this.pending = undefined
      return token
    }
    return this.scan()
  }

  private scan(): Token | undefined {
    const html = this.html
    const start = this.pos
    if (start >= html.length) return undefined
    if (html.charCodeAt(start) !== 0x3c /* < */) return this.text(html.indexOf("<", start))
    const c = html.charCodeAt(start + 1)
    if (c === 0x21 /* ! */ || c === 0x3f /* ? */) {
      const close = html.startsWith("<!--", start) ? this.after("-->", start + 4) : this.after(">", start + 2)
      this.pos = close
      return { type: "comment" }
    }
    if (c === 0x2f /* / */ && isLetter(html.charCodeAt(start + 2))) {
      const nameEnd = this.nameEnd(start + 2)
      this.pos = this.after(">", nameEnd)
      return { type: "end", name: html.slice(start + 2, nameEnd).toLowerCase() }
    }
    if (isLetter(c)) return this.startTag(start) ?? this.text(html.indexOf("<", start + 1))
    // A "<" that opens nothing ("a < b", "<3") is text.
    return this.text(html.indexOf("<", start + 1))
  }

  private text(until: number): Token {
    const end = until < 0 ? this.html.length : until
    const text = this.html.slice(this.pos, end)
    this.pos = end
    return { type: "text", text }
  }

  /** Index just past the next `marker` at or after `from`, or the end of the input. */
  private after(marker: string, from: number): number {
    const at = this.html.indexOf(marker, from)
    return at < 0 ? this.html.length : at + marker.length
  }

  private nameEnd(from: number): number {
    let i = from
    while (i < this.html.length && !endsName(this.html.charCodeAt(i))) i++
    return i
  }

  /** A start tag at `start`, or undefined when it never closes (then its "<" is text). */
  private startTag(start: number): Token | undefined {
    const html = this.html
    const nameEnd = this.nameEnd(start + 1)
    const name = html.slice(start + 1, nameEnd).toLowerCase()
    const attrs: Record<string, string> = {}
    let i = nameEnd
    let selfClosing = false
    for (;;) {
      while (i < html.length && isSpace(html.charCodeAt(i))) i++
      if (i >= html.length) return undefined
      const c = html.charCodeAt(i)
      if (c === 0x3e /* > */) {
        i++
        break
      }
      if (c === 0x2f /* / */) {
        selfClosing = html.charCodeAt(i + 1) === 0x3e
        i++
        continue
      }
      let j = i + 1
      while (j < html.length && !endsName(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3d /* = */) j++
      const key = html.slice(i, j).toLowerCase()
      i = j
      while (i < html.length && isSpace(html.charCodeAt(i))) i++
      let value = ""
      if (html.charCodeAt(i) === 0x3d /* = */) {
        i++
        while (i < html.length && isSpace(html.charCodeAt(i))) i++
        const quote = html.charCodeAt(i)
        if (quote === 0x22 || quote === 0x27) {
          const close = html.indexOf(quote === 0x22 ? '"' : "'", i + 1)
          if (close < 0) return undefined
          value = html.slice(i + 1, close)
          i = close + 1
        } else {
          j = i
          while (j < html.length && !isSpace(html.charCodeAt(j)) && html.charCodeAt(j) !== 0x3e) j++
          value = html.slice(i, j)
          i = j
        }
      }
      if (!(key in attrs)) attrs[key] = value
    }
    this.pos = i
    if (RAW_TEXT.has(name) && !selfClosing) return this.rawText(name, attrs)
    return { type: "start", name, attrs, selfClosing }
  }

  /** Returns the start tag and keeps the element's raw contents as the next token. */
  private rawText(name: string, attrs: Attributes): Token {
    // Case-insensitive search (lower-casing the input could change its length).
    const closing = new RegExp(`</${name}`, "gi")
    closing.lastIndex = this.pos
    const end = closing.exec(this.html)?.index ?? this.html.length
    this.pending = { type: "raw", name, text: this.html.slice(this.pos, end) }
    this.pos = end
    return { type: "start", name, attrs, selfClosing: false }
  }
}
