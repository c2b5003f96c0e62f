import { describe, expect, test } from "bun:test"
import { detect } from "./index.ts"

const lines = (...ls: ReadonlyArray<string>): string => ls.join("\n") + "\n"
const kindOf = (text: string, path?: string): string => {
  const d = detect(text, path === undefined ? undefined : { path })
  return d.language === undefined ? d.kind : `${d.kind}/${d.language}`
}

const FRAGMENT = lines(
  '<div class="release-notes">',
  "  <h2>Release 4.2</h2>",
  "  <p>This release adds <a href=\"/docs/pools\">connection pools</a> and fixes two leaks.</p>",
  "  <ul>",
  "    <li>Pools are shared per process.</li>",
  "    <li>Timeouts default to 30 s.</li>",
  "  </ul>",
  "</div>",
)

describe("detect: HTML without a doctype", () => {
  test("a fragment of HTML elements is html", () => {
    expect(kindOf(FRAGMENT)).toBe("html")
    expect(kindOf(lines("<p>First paragraph.</p>", "<p>Second, with <a href=\"https://example.com\">a link</a>.</p>", "<p>Third.</p>"))).toBe("html")
  })
  test("a .html, .htm or .xhtml name settles a short page", () => {
    const short = lines("<title>Status</title>", "<p>All systems normal.</p>")
    expect(kindOf(short, "status.html")).toBe("html")
    expect(kindOf(short, "STATUS.HTM")).toBe("html")
    expect(kindOf(lines('<?xml version="1.0"?>', '<html xmlns="http://www.w3.org/1999/xhtml">', "<body><p>x</p></body>", "</html>"), "page.xhtml")).toBe("html")
  })
  test("JSX, templates and markdown with a little HTML are not html", () => {
    const jsx = lines(
      'import { Card } from "./card"',
      "export function Notes({ items }) {",
      "  return (",
      '    <div className="notes">',
      "      <h2>{items.length} notes</h2>",
      '      <ul>{items.map((i) => <li key={i.id}>{i.text}</li>)}</ul>',
      "    </div>",
      "  )",
      "}",
    )
    expect(kindOf(jsx)).not.toBe("html")
    expect(kindOf(FRAGMENT, "notes.vue")).not.toBe("html")
    const readme = lines(
      '<p align="center"><img src="logo.png" alt="logo"></p>',
      "",
      "# headroom",
      "",
      "Cuts the tokens that logs and tool output cost, without losing what matters.",
      "",
      "## Install",
      "",
      "```sh",
      "npm i -g headroom",
      "```",
    )
    expect(kindOf(readme)).toBe("markdown")
    expect(kindOf(lines('<project xmlns="http://maven.apache.org/POM/4.0.0">', "  <modelVersion>4.0.0</modelVersion>", "  <artifactId>app</artifactId>", "</project>"))).not.toBe("html")
  })
})
