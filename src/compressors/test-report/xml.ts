/**
 * A small pull scanner for XML test reports: tags with their attributes, text and CDATA, each
 * with its offset. Iterative (no recursion, so nesting depth costs nothing) and single-pass;
 * comments, processing instructions and doctypes are skipped. It does not validate: the reader
 * checks that tags close in order.
 */

export type XmlToken =
  | { readonly type: "open"; readonly name: string; readonly attrs: ReadonlyArray<readonly [string, string]>; readonly selfClosing: boolean; readonly start: number }
  | { readonly type: "close"; readonly name: string; readonly start: number }
  | { readonly type: "text"; readonly start: number; readonly end: number; readonly cdata: boolean }
  /** The input ends inside a tag, comment or CDATA section. */
  | { readonly type: "cut"; readonly start: number }
  /** Something that is not XML at all (a tag without a name, an attribute without a value). */
  | { readonly type: "invalid"; readonly start: number }

const NAME = /[A-Za-z_:][\w.:-]*/y
const ATTRIBUTE = /\s*([A-Za-z_:][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y
const TAG_END = /\s*(\/?)>/y

export class XmlScanner {
  private pos = 0

  constructor(private readonly text: string) {}

  /** The next token, or undefined at the end of the input. */
  next(): XmlToken | undefined {
    const text = this.text
    for (;;) {
      const start = this.pos
      if (start >= text.length) return undefined
      if (text[start] !== "<") {
        const lt = text.indexOf("<", start)
        this.pos = lt === -1 ? text.length : lt
        return { type: "text", start, end: this.pos, cdata: false }
      }
      if (text.startsWith("<![CDATA[", start)) {
        const end = text.indexOf("]]>", start + 9)
        if (end === -1) return this.cut(start)
        this.pos = end + 3
        return { type: "text", start: start + 9, end, cdata: true }
      }
      // Comments, processing instructions and doctypes say nothing about tests.
      const skipped = text.startsWith("<!--", start) ? "-->" : text.startsWith("<?", start) ? "?>" : text.startsWith("<!", start) ? ">" : undefined
      if (skipped !== undefined) {
        const end = text.indexOf(skipped, start + 2)
        if (end === -1) return this.cut(start)
        this.pos = end + skipped.length
        continue
      }
      if (text.startsWith("</", start)) {
        const end = text.indexOf(">", start)
        if (end === -1) return this.cut(start)
        this.pos = end + 1
        return { type: "close", name: text.slice(start + 2, end).trim(), start }
      }
      return this.tag(start)
    }
  }

  private tag(start: number): XmlToken {
    const text = this.text
    NAME.lastIndex = start + 1
    const name = NAME.exec(text)
    if (name === null) return { type: "invalid", start }
    const attrs: Array<readonly [string, string]> = []
    let at = NAME.lastIndex
    for (;;) {
      TAG_END.lastIndex = at
      const end = TAG_END.exec(text)
      if (end !== null) {
        this.pos = TAG_END.lastIndex
        return { type: "open", name: name[0], attrs, selfClosing: end[1] === "/", start }
      }
      ATTRIBUTE.lastIndex = at
      const attr = ATTRIBUTE.exec(text)
      // No attribute and no end of tag: cut off if the input ends inside the tag, not XML otherwise.
      if (attr === null) return text.indexOf(">", at) === -1 ? this.cut(start) : { type: "invalid", start }
      attrs.push([attr[1]!, decodeEntities(attr[2] ?? attr[3]!)])
      at = ATTRIBUTE.lastIndex
    }
  }

  private cut(start: number): XmlToken {
    this.pos = this.text.length
    return { type: "cut", start }
  }
}

const ENTITY = /&(?:(lt|gt|amp|quot|apos)|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/g
const NAMED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" }

/** XML's five named entities and numeric character references; anything else stays as written. */
export const decodeEntities = (s: string): string => {
  if (!s.includes("&")) return s
  return s.replace(ENTITY, (whole, named: string | undefined, dec: string | undefined, hex: string | undefined) => {
    if (named !== undefined) return NAMED[named]!
    const code = dec !== undefined ? Number(dec) : Number.parseInt(hex!, 16)
    // Surrogates stay as written: a lone one stands for an invalid input byte in this program.
    return code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : whole
  })
}

/** Line numbers of offsets, counted once over the text when asked for in increasing order. */
export class LineCounter {
  private pos = 0
  private line = 1

  constructor(private readonly text: string) {}

  lineOf(offset: number): number {
    if (offset < this.pos) {
      this.pos = 0
      this.line = 1
    }
    let nl = this.text.indexOf("\n", this.pos)
    while (nl !== -1 && nl < offset) {
      this.line++
      nl = this.text.indexOf("\n", nl + 1)
    }
    this.pos = offset
    return this.line
  }
}
