/**
 * Writes compact markdown-like text: headings as "#", list items as "-" / "1.", quotes as ">",
 * links as [text](href), code blocks fenced and verbatim, tables as "| a | b |" rows. Text
 * arrives decoded; runs of whitespace outside code blocks become one space.
 */

interface Container {
  readonly kind: "quote" | "item"
  /** For an item: its bullet ("- ", "3. "), printed on its first line and as indentation after. */
  readonly bullet: string
  bulletPending: boolean
}

interface List {
  readonly ordered: boolean
  next: number
}

interface Link {
  readonly target: Array<string>
  readonly start: number
  readonly href: string
}

interface Table {
  readonly rows: Array<Array<string>>
  readonly headerRows: Array<boolean>
  row: Array<string> | undefined
  rowIsHeader: boolean
  cell: Array<string> | undefined
  /** Text inside the table but outside its cells: a caption, stray text. */
  readonly loose: Array<string>
}

const WHITESPACE = /[\s\u00a0]+/g
// Quotes and list items nested deeper than this indent no further: a 10,000-deep list must not
// turn into lines of 20,000 spaces.
const MAX_INDENTED_CONTAINERS = 8

export class MarkdownWriter {
  private readonly lines: Array<string> = []
  private readonly line: Array<string> = []
  private blankDue = false
  private heading = 0
  private readonly containers: Array<Container> = []
  private openItems = 0
  private readonly lists: Array<List> = []
  private readonly links: Array<Link | undefined> = []
  private readonly tables: Array<Table> = []
  private pre: { text: Array<string>; language: string } | undefined

  /** Characters of text written, for telling an empty result from a real one. */
  textChars = 0

  get inPre(): boolean {
    return this.pre !== undefined
  }

  /** Where inline text goes now: the open table cell, a table's loose text, or the line. */
  private get target(): Array<string> {
    const table = this.tables.at(-1)
    if (table === undefined) return this.line
    return table.cell ?? table.loose
  }

  /** Text from the page; whitespace runs collapse to one space. */
  text(text: string): void {
    if (this.pre !== undefined) {
      this.pre.text.push(text)
      return
    }
    const collapsed = text.replace(WHITESPACE, " ")
    if (collapsed.length === 0) return
    const target = this.target
    const last = target.at(-1)
    const piece = collapsed.startsWith(" ") && (last === undefined || last.endsWith(" ")) ? collapsed.slice(1) : collapsed
    if (piece.length === 0) return
    this.textChars += piece.length
    target.push(piece)
  }

  /** Markup of our own ("`", "![alt]"), written as is. */
  mark(text: string): void {
    if (this.pre !== undefined) return
    this.target.push(text)
  }

  /** Ends the current line (a `<br>`, the edge of a `<div>`). */
  breakLine(): void {
    if (this.pre !== undefined) {
      this.pre.text.push("\n")
      return
    }
    const table = this.tables.at(-1)
    if (table !== undefined) {
      this.target.push(" ")
      return
    }
    this.flush()
  }

  /** Ends the current line and leaves a blank line before the next (paragraphs, headings…). */
  paragraph(): void {
    this.breakLine()
    // List items stay tight: their paragraphs are lines.
    if (this.tables.length === 0 && this.openItems === 0) this.blankDue = true
  }

  beginHeading(level: number): void {
    this.paragraph()
    this.heading = level
  }

  endHeading(): void {
    this.paragraph()
    this.heading = 0
  }

  /** A thematic break (`<hr>`). */
  rule(): void {
    if (this.tables.length > 0 || this.pre !== undefined) return
    this.paragraph()
    this.emit("---")
    this.blankDue = true
  }

  beginQuote(): void {
    this.paragraph()
    this.containers.push({ kind: "quote", bullet: "> ", bulletPending: false })
  }

  endQuote(): void {
    this.paragraph()
    this.popContainer("quote")
  }

  beginList(ordered: boolean, start: number): void {
    this.breakLine()
    if (this.lists.length === 0) this.paragraph()
    this.lists.push({ ordered, next: start })
  }

  endList(): void {
    this.breakLine()
    this.lists.pop()
    if (this.lists.length === 0) this.paragraph()
  }

  /** A list item, or a definition (`bullet` ": ") in a description list. */
  beginItem(bullet?: string): void {
    this.breakLine()
    const list = this.lists.at(-1)
    const mark = bullet ?? (list?.ordered === true ? `${list.next++}. ` : "- ")
    this.containers.push({ kind: "item", bullet: mark, bulletPending: true })
    this.openItems++
  }

  endItem(): void {
    this.breakLine()
    if (this.popContainer("item")) this.openItems--
  }

  /** Starts a link; its text becomes [text](href). Without an href, the text stays plain. */
  beginLink(href: string | undefined): void {
    this.links.push(href === undefined || this.pre !== undefined ? undefined : { target: this.target, start: this.target.length, href })
  }

  endLink(): void {
    const link = this.links.pop()
    if (link !== undefined) this.closeLink(link)
  }

  beginPre(language: string): void {
    this.paragraph()
    this.pre ??= { text: [], language }
  }

  /** The language of the open code block, when its `<code>` names one. */
  setPreLanguage(language: string): void {
    if (this.pre !== undefined && this.pre.language === "") this.pre.language = language
  }

  endPre(): void {
    const pre = this.pre
    if (pre === undefined) return
    this.pre = undefined
    let code = pre.text.join("")
    // The newline right after <pre> is not content.
    if (code.startsWith("\n")) code = code.slice(1)
    else if (code.startsWith("\r\n")) code = code.slice(2)
    code = code.replace(/\s+$/, "")
    if (code.trim().length === 0) return
    this.textChars += code.length
    let fence = "```"
    while (code.includes(fence)) fence += "`"
    const table = this.tables.at(-1)
    if (table !== undefined) {
      this.target.push(` ${code.replace(WHITESPACE, " ")} `)
      return
    }
    this.emit(`${fence}${pre.language}`)
    for (const line of code.split("\n")) this.emit(line.replace(/\r$/, ""), true)
    this.emit(fence)
    this.blankDue = true
  }

  beginTable(): void {
    this.paragraph()
    this.tables.push({ rows: [], headerRows: [], row: undefined, rowIsHeader: true, cell: undefined, loose: [] })
  }

  beginRow(): void {
    const table = this.tables.at(-1)
    if (table === undefined) return
    this.endRow()
    table.row = []
    table.rowIsHeader = true
  }

  beginCell(header: boolean): void {
    const table = this.tables.at(-1)
    if (table === undefined) return
    this.endCell()
    if (table.row === undefined) this.beginRow()
    table.cell = []
    if (!header) table.rowIsHeader = false
  }

  endCell(): void {
    const table = this.tables.at(-1)
    if (table?.cell === undefined) return
    this.closeLinksIn(table.cell)
    const text = table.cell.join("").replace(WHITESPACE, " ").trim().replaceAll("|", "\\|")
    table.row!.push(text)
    table.cell = undefined
  }

  endRow(): void {
    const table = this.tables.at(-1)
    if (table?.row === undefined) return
    this.endCell()
    if (table.row.some((cell) => cell.length > 0)) {
      table.rows.push(table.row)
      table.headerRows.push(table.rowIsHeader)
    }
    table.row = undefined
  }

  endTable(): void {
    const table = this.tables.at(-1)
    if (table === undefined) return
    this.endRow()
    this.closeLinksIn(table.loose)
    this.tables.pop()
    const caption = table.loose.join("").replace(WHITESPACE, " ").trim()
    const width = Math.max(0, ...table.rows.map((r) => r.length))
    const rendered = table.rows.map((row) => `| ${[...row, ...new Array<string>(width - row.length).fill("")].join(" | ")} |`)
    // A header row gets the separator markdown expects under it.
    if (rendered.length > 1 && table.headerRows[0] === true) rendered.splice(1, 0, `|${" --- |".repeat(width)}`)
    const outer = this.tables.at(-1)
    if (outer !== undefined) {
      // A table inside a cell becomes part of that cell's text.
      this.target.push(` ${[caption, ...table.rows.map((r) => r.join(" / "))].filter((s) => s.length > 0).join("; ")} `)
      return
    }
    if (caption.length > 0) this.emit(caption)
    for (const row of rendered) this.emit(row)
    this.blankDue = true
  }

  /** Closes whatever is still open and returns the text. */
  finish(): string {
    while (this.tables.length > 0) this.endTable()
    this.endPre()
    this.flush()
    return this.lines.join("\n")
  }

  private popContainer(kind: Container["kind"]): boolean {
    // The innermost open one is nearly always last: the search stops at once.
    for (let i = this.containers.length - 1; i >= 0; i--) {
      if (this.containers[i]!.kind === kind) {
        this.containers.splice(i, 1)
        return true
      }
    }
    return false
  }

  /** Turns an open link's text so far into [text](href), before its line or cell is written. */
  private closeLink(link: Link): void {
    const { target, start, href } = link
    if (start > target.length) return
    const joined = target.slice(start).join("")
    const text = joined.trim()
    if (text.length === 0) return
    target.length = start
    const lead = joined.startsWith(" ") ? " " : ""
    const trail = joined.endsWith(" ") ? " " : ""
    target.push(`${lead}${text === href ? href : `[${text}](${href})`}${trail}`)
  }

  private closeLinksIn(target: Array<string>): void {
    for (let i = 0; i < this.links.length; i++) {
      const link = this.links[i]
      if (link !== undefined && link.target === target) {
        this.closeLink(link)
        this.links[i] = undefined
      }
    }
  }

  private flush(): void {
    this.closeLinksIn(this.line)
    const text = this.line.join("").trim()
    this.line.length = 0
    if (text.length === 0) return
    this.emit(this.heading > 0 ? `${"#".repeat(this.heading)} ${text}` : text)
  }

  /** Writes one line with the prefixes of the open quotes and list items. */
  private emit(text: string, verbatim = false): void {
    if (this.blankDue && this.lines.length > 0) this.lines.push("")
    this.blankDue = false
    const prefix = this.prefix()
    this.lines.push(verbatim && text.length === 0 ? prefix.trimEnd() : `${prefix}${text}`)
  }

  private prefix(): string {
    let prefix = ""
    const all = this.containers
    const shown = all.length <= MAX_INDENTED_CONTAINERS ? all : [...all.slice(0, MAX_INDENTED_CONTAINERS - 1), all.at(-1)!]
    for (const c of shown) {
      if (c.kind === "quote") prefix += c.bullet
      else if (c.bulletPending) {
        prefix += c.bullet
        c.bulletPending = false
      } else prefix += " ".repeat(c.bullet.length)
    }
    return prefix
  }
}
