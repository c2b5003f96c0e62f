/**
 * HTML to compact markdown-like text in one streaming pass over the tokens. Open elements live on
 * an explicit stack (no recursion, so 10,000-deep nesting is only a longer array), end tags close
 * what they match and are ignored otherwise, and the few end tags HTML lets authors leave out
 * (</p>, </li>, </td>, </tr>…) are implied the way browsers imply them.
 */
import { isContentRoot, isFurniture, neverContent, type DropReason } from "./boilerplate.ts"
import { decodeEntities } from "./entities.ts"
import type { HtmlPolicy } from "./policy.ts"
import { Tokenizer, type Attributes } from "./tokenize.ts"
import { MarkdownWriter } from "./writer.ts"

export interface Conversion {
  readonly text: string
  /** Characters of the input dropped, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>
  /** Characters of text written. */
  readonly keptChars: number
  /** Characters of text the page shows (outside scripts, styles, graphics and the head). */
  readonly visibleChars: number
}

interface OpenElement {
  readonly name: string
  /** Set when this element starts a dropped subtree. */
  readonly drop: DropReason | undefined
  readonly contentRoot: boolean
  /** The writer heard this element open, so it must hear it close. */
  readonly written: boolean
}

const VOID = new Set(["area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr"])
const HEADINGS: Readonly<Record<string, number>> = { h1: 1, h2: 2, h3: 3, h4: 4, h5: 5, h6: 6 }
// Blocks set apart by a blank line, and blocks that only start a new line.
const PARAGRAPHS = new Set(["p", "section", "article", "main", "header", "footer", "figure", "address", "details", "hgroup", "fieldset", "center", "dl", "form", "nav", "aside"])
const LINES = new Set(["div", "dt", "figcaption", "legend", "summary", "caption", "tbody", "thead", "tfoot", "body", "html", "option", "label"])
const LISTS = new Set(["ul", "ol", "menu", "dir"])
const INLINE_CODE = new Set(["code", "kbd", "samp", "tt"])
const PRE = new Set(["pre", "listing", "xmp", "plaintext"])
// Start tags that end an open <p> (HTML's "closes a p element" list).
const CLOSES_P = new Set([
  "address", "article", "aside", "blockquote", "details", "dialog", "div", "dl", "fieldset", "figcaption", "figure",
  "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "main", "menu", "nav", "ol", "p",
  "pre", "section", "table", "ul", "li", "dd", "dt",
])
// Where the search for an element to imply an end for stops.
const SCOPE = new Set(["html", "table", "td", "th", "caption", "button", "object", "template", "marquee"])
const LIST_SCOPE = new Set([...SCOPE, "ul", "ol", "menu"])
const DL_SCOPE = new Set([...SCOPE, "dl"])
const ROW_SCOPE = new Set(["table", "html", "template"])
const CELL_SCOPE = new Set(["tr", "table", "html", "template"])
// Implied ends look this far down the stack at most: deeper than that, an unclosed <p> stays open.
const SCOPE_SEARCH = 64
const LANGUAGE_CLASS = /(?:^|\s)(?:language|lang)-([\w+#.-]+)/
const SCHEME = /^[a-z][a-z0-9+.-]*:/i
// A page has content roots when one of these appears.
const CONTENT_ROOT = /<(?:main|article)[\s>]|\brole\s*=\s*["']?main\b/i

// A page whose text outside scripts and styles runs to this many characters should keep at least
// a fifth of this much.
const PAGE_WITH_TEXT = 1_000

export const convertHtml = (html: string, policy: HtmlPolicy): Conversion => {
  const first = new Converter(html, policy, policy.dropBoilerplate && CONTENT_ROOT.test(html)).run()
  // Furniture is guessed from names: should the guess take a whole page with it (a content
  // wrapper classed "main-nav-offset"), keep the furniture rather than lose the content.
  if (policy.dropBoilerplate && first.visibleChars >= PAGE_WITH_TEXT && first.keptChars < PAGE_WITH_TEXT / 5) {
    return new Converter(html, { ...policy, dropBoilerplate: false }, false).run()
  }
  return first
}

class Converter {
  private readonly writer = new MarkdownWriter()
  private readonly stack: Array<OpenElement> = []
  private readonly open = new Map<string, number>()
  private readonly drops: Array<DropReason> = []
  /** Open elements dropped as furniture (the rest of `drops` are never content). */
  private furniture = 0
  private visibleChars = 0
  private contentDepth = 0
  private title: string | undefined
  private readonly dropped: Record<DropReason, number> = { scripts: 0, styles: 0, graphics: 0, metadata: 0, navigation: 0, comments: 0 }

  constructor(
    private readonly html: string,
    private readonly policy: HtmlPolicy,
    /** Only what is inside <main>, <article> or role=main is written. */
    private readonly contentOnly: boolean,
  ) {}

  private get writing(): boolean {
    return this.drops.length === 0 && (!this.contentOnly || this.contentDepth > 0)
  }

  /** Why what is read now is not written, if it is not. */
  private get dropReason(): DropReason | undefined {
    return this.drops.at(-1) ?? (this.writing ? undefined : "navigation")
  }

  run(): Conversion {
    const tokens = new Tokenizer(this.html)
    for (;;) {
      const before = tokens.offset
      const token = tokens.next()
      if (token === undefined) break
      let reason: DropReason | undefined
      switch (token.type) {
        case "comment":
          reason = "comments"
          break
        case "text":
          if (this.drops.length === this.furniture) this.visibleChars += token.text.trim().length
          reason = this.dropReason
          if (reason === undefined) this.writer.text(decodeEntities(token.text))
          break
        case "raw":
          this.rawText(token.name, token.text)
          break
        case "start":
          this.start(token.name, token.attrs, token.selfClosing)
          reason = this.dropReason
          break
        case "end":
          reason = this.dropReason
          this.end(token.name)
          break
      }
      if (reason !== undefined) this.dropped[reason] += tokens.offset - before
    }
    while (this.stack.length > 0) this.pop()
    let text = this.writer.finish()
    if (this.title !== undefined && this.title.length > 0 && !hasHeading(text, this.title)) {
      text = text.length === 0 ? `# ${this.title}` : `# ${this.title}\n\n${text}`
    }
    return { text, dropped: this.dropped, keptChars: this.writer.textChars, visibleChars: this.visibleChars }
  }

  private rawText(name: string, text: string): void {
    if (name === "title") {
      if (this.title === undefined && (this.open.get("svg") ?? 0) === 0) this.title = collapse(decodeEntities(text))
      return
    }
    // textarea and xmp hold text; script, style and the like were dropped with their element.
    if ((name === "textarea" || name === "xmp") && this.writing) this.writer.text(decodeEntities(text))
  }

  private start(name: string, attrs: Attributes, selfClosing: boolean): void {
    this.implyEnds(name)
    const never = neverContent(name)
    const drop = never ?? (this.policy.dropBoilerplate && isFurniture(name, attrs, this.contentDepth > 0) ? "navigation" : undefined)
    // "<br/>", "<svg … />": nothing opens (HTML ignores the slash on other elements; ending them
    // at once is the safer reading of malformed input).
    if (VOID.has(name) || selfClosing) {
      if (this.writing && drop === undefined) this.voidElement(name, attrs)
      return
    }
    const contentRoot = drop === undefined && isContentRoot(name, attrs)
    if (drop !== undefined) this.drops.push(drop)
    if (drop === "navigation") this.furniture++
    if (contentRoot) this.contentDepth++
    const written = this.writing
    this.stack.push({ name, drop, contentRoot, written })
    this.open.set(name, (this.open.get(name) ?? 0) + 1)
    if (written) this.opened(name, attrs)
  }

  private end(name: string): void {
    if (name === "br") {
      if (this.writing) this.writer.breakLine()
      return
    }
    if ((this.open.get(name) ?? 0) === 0) return
    let closed = ""
    while (closed !== name) closed = this.pop()
  }

  private pop(): string {
    const element = this.stack.pop()!
    if (element.written) this.closed(element.name)
    if (element.drop !== undefined) this.drops.pop()
    if (element.drop === "navigation") this.furniture--
    if (element.contentRoot) this.contentDepth--
    this.open.set(element.name, this.open.get(element.name)! - 1)
    return element.name
  }

  /** Ends the elements a start tag implies the end of: an open <p>, the previous <li>, <td>… */
  private implyEnds(name: string): void {
    if (CLOSES_P.has(name)) this.closeInScope(["p"], SCOPE)
    if (name === "li") this.closeInScope(["li"], LIST_SCOPE)
    else if (name === "dt" || name === "dd") this.closeInScope(["dt", "dd"], DL_SCOPE)
    else if (name === "tr") this.closeInScope(["tr"], ROW_SCOPE)
    else if (name === "td" || name === "th") this.closeInScope(["td", "th"], CELL_SCOPE)
    else if (name === "option") this.closeInScope(["option"], SCOPE)
    else if (name === "a") this.closeInScope(["a"], SCOPE)
    else if (HEADINGS[name] !== undefined && HEADINGS[this.stack.at(-1)?.name ?? ""] !== undefined) this.pop()
  }

  private closeInScope(names: ReadonlyArray<string>, scope: ReadonlySet<string>): void {
    if (names.every((n) => (this.open.get(n) ?? 0) === 0)) return
    const last = Math.max(0, this.stack.length - SCOPE_SEARCH)
    for (let i = this.stack.length - 1; i >= last; i--) {
      const element = this.stack[i]!
      if (names.includes(element.name)) {
        while (this.stack.length > i) this.pop()
        return
      }
      if (scope.has(element.name)) return
    }
  }

  private voidElement(name: string, attrs: Attributes): void {
    if (name === "br") this.writer.breakLine()
    else if (name === "hr") this.writer.rule()
    else if (name === "img" && this.policy.imageAlts) {
      const alt = collapse(decodeEntities(attrs.alt ?? ""))
      if (alt.length > 0) this.writer.mark(`![${alt}]`)
    }
  }

  private opened(name: string, attrs: Attributes): void {
    const w = this.writer
    const level = HEADINGS[name]
    if (level !== undefined) w.beginHeading(level)
    else if (PARAGRAPHS.has(name)) w.paragraph()
    else if (LINES.has(name)) w.breakLine()
    else if (name === "blockquote") w.beginQuote()
    else if (LISTS.has(name)) w.beginList(name === "ol", Number.parseInt(attrs.start ?? "1", 10) || 1)
    else if (name === "li") w.beginItem()
    else if (name === "dd") w.beginItem(": ")
    else if (PRE.has(name)) w.beginPre(languageOf(attrs))
    else if (INLINE_CODE.has(name)) {
      if (w.inPre) w.setPreLanguage(languageOf(attrs))
      else w.mark("`")
    } else if (name === "a") w.beginLink(this.linkTarget(attrs.href))
    else if (name === "table") w.beginTable()
    else if (name === "tr") w.beginRow()
    else if (name === "td" || name === "th") w.beginCell(name === "th")
  }

  private closed(name: string): void {
    const w = this.writer
    if (HEADINGS[name] !== undefined) w.endHeading()
    else if (PARAGRAPHS.has(name)) w.paragraph()
    else if (LINES.has(name)) w.breakLine()
    else if (name === "blockquote") w.endQuote()
    else if (LISTS.has(name)) w.endList()
    else if (name === "li" || name === "dd") w.endItem()
    else if (PRE.has(name)) w.endPre()
    else if (INLINE_CODE.has(name)) {
      if (!w.inPre) w.mark("`")
    } else if (name === "a") w.endLink()
    else if (name === "table") w.endTable()
    else if (name === "tr") w.endRow()
    else if (name === "td" || name === "th") w.endCell()
  }

  /** The URL a link keeps: none for script and in-page links, nor for site links when the policy says so. */
  private linkTarget(href: string | undefined): string | undefined {
    if (href === undefined) return undefined
    const url = decodeEntities(href.trim())
    if (url.length === 0 || url.startsWith("#") || /^javascript:/i.test(url)) return undefined
    if (!this.policy.relativeLinkUrls && !SCHEME.test(url) && !url.startsWith("//")) return undefined
    // Blanks and parentheses would end a markdown link early.
    return url.replace(/\s/g, "%20").replaceAll("(", "%28").replaceAll(")", "%29")
  }
}

const collapse = (text: string): string => text.replace(/[\s\u00a0]+/g, " ").trim()

const languageOf = (attrs: Attributes): string => LANGUAGE_CLASS.exec(attrs.class ?? "")?.[1] ?? ""

const hasHeading = (text: string, title: string): boolean => {
  for (const line of text.split("\n")) if (line.startsWith("#") && line.replace(/^#+ /, "") === title) return true
  return false
}
