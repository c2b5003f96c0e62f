import { describe, expect, test } from "bun:test"
import { HASH_LENGTH, formatMarker, parseMarkers, parseReference, quoteTemplate, type Marker } from "./index.ts"

const FULL_HASH = "3f9a1c2b7d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4"
const SHORT_HASH = FULL_HASH.slice(0, HASH_LENGTH)

describe("formatMarker", () => {
  test("with a hash: summary, verb and the 12-digit hash prefix", () => {
    expect(formatMarker({ summary: "812 lines omitted", hash: FULL_HASH })).toBe(`[… 812 lines omitted · retrieve ${SHORT_HASH}]`)
  })

  test("with a range: 1-based inclusive from-to after the hash", () => {
    expect(formatMarker({ summary: "37 lines omitted", hash: FULL_HASH, range: { from: 120, to: 156 } })).toBe(
      `[… 37 lines omitted · retrieve ${SHORT_HASH}:120-156]`,
    )
  })

  test("without a hash: no verb, no hash, no range", () => {
    expect(formatMarker({ summary: "812 lines omitted" })).toBe("[… 812 lines omitted]")
    // A range alone cannot be redeemed either, so it is not printed.
    expect(formatMarker({ summary: "3 lines omitted", range: { from: 1, to: 3 } })).toBe("[… 3 lines omitted]")
  })

  test("custom verb", () => {
    expect(formatMarker({ summary: "5 lines omitted", hash: FULL_HASH, range: { from: 2, to: 6 } }, "expand")).toBe(
      `[… 5 lines omitted · expand ${SHORT_HASH}:2-6]`,
    )
  })

  test("markers are a single line", () => {
    const m = formatMarker({ summary: `9 lines like ${quoteTemplate("a\nb\tc")} omitted`, hash: FULL_HASH })
    expect(m).not.toContain("\n")
  })
})

describe("parseMarkers", () => {
  test("round-trips a marker with hash and range", () => {
    const marker: Marker = { summary: "37 lines omitted", hash: SHORT_HASH, range: { from: 120, to: 156 } }
    expect(parseMarkers(`before ${formatMarker(marker)} after`)).toEqual([marker])
  })

  test("the parsed hash is the 12-digit prefix of a full hash", () => {
    const [parsed] = parseMarkers(formatMarker({ summary: "x omitted", hash: FULL_HASH }))
    expect(parsed).toEqual({ summary: "x omitted", hash: SHORT_HASH })
  })

  test("a summary quoting a template with ] and [ survives", () => {
    const summary = `812 lines like ${quoteTemplate("GET /items[<*>] -> [status=<*>] ok]")} omitted`
    const marker: Marker = { summary, hash: SHORT_HASH, range: { from: 3, to: 814 } }
    const text = `line one\n${formatMarker(marker)}\nline three`
    expect(parseMarkers(text)).toEqual([marker])
  })

  test("multiple markers on separate lines, in order", () => {
    const markers: Array<Marker> = [
      { summary: "2 identical lines omitted", hash: "aaaaaaaaaaaa", range: { from: 2, to: 3 } },
      { summary: `10 lines like ${quoteTemplate("x [y] z")} omitted`, hash: "bbbbbbbbbbbb" },
      { summary: "4 lines omitted to fit 200 tokens", hash: "cccccccccccc", range: { from: 40, to: 43 } },
    ]
    const text = ["head", ...markers.map((m) => formatMarker(m)), "tail"].join("\n")
    expect(parseMarkers(text)).toEqual(markers)
  })

  test("two hashed markers on one line stay separate", () => {
    const a: Marker = { summary: "1 lines omitted", hash: "aaaaaaaaaaaa", range: { from: 1, to: 1 } }
    const b: Marker = { summary: "2 lines omitted", hash: "bbbbbbbbbbbb" }
    expect(parseMarkers(`${formatMarker(a)} and ${formatMarker(b)}`)).toEqual([a, b])
  })

  test("markers without hash", () => {
    const text = "a\n[… 812 lines omitted]\nb\n[… 3 identical lines omitted]\n"
    expect(parseMarkers(text)).toEqual([{ summary: "812 lines omitted" }, { summary: "3 identical lines omitted" }])
  })

  test("text without markers yields none; plain brackets are not markers", () => {
    expect(parseMarkers("")).toEqual([])
    expect(parseMarkers("[INFO] started [pid 12] ... done")).toEqual([])
  })
})

describe("parseReference", () => {
  test("a bare hash", () => {
    expect(parseReference(SHORT_HASH)).toEqual({ hash: SHORT_HASH })
    expect(parseReference(FULL_HASH)).toEqual({ hash: FULL_HASH })
  })

  test("a hash with a line range", () => {
    expect(parseReference(`${SHORT_HASH}:120-156`)).toEqual({ hash: SHORT_HASH, range: { from: 120, to: 156 } })
    expect(parseReference(`${SHORT_HASH}:7-7`)).toEqual({ hash: SHORT_HASH, range: { from: 7, to: 7 } })
  })

  test("uppercase input and surrounding whitespace are accepted", () => {
    expect(parseReference(`  ${SHORT_HASH.toUpperCase()}:1-2\n`)).toEqual({ hash: SHORT_HASH, range: { from: 1, to: 2 } })
  })

  test("invalid ranges are rejected", () => {
    expect(parseReference(`${SHORT_HASH}:5-3`)).toBeUndefined()
    expect(parseReference(`${SHORT_HASH}:0-2`)).toBeUndefined()
    expect(parseReference(`${SHORT_HASH}:0-0`)).toBeUndefined()
    expect(parseReference(`${SHORT_HASH}:5`)).toBeUndefined()
    expect(parseReference(`${SHORT_HASH}:-3`)).toBeUndefined()
    expect(parseReference(`${SHORT_HASH}:a-b`)).toBeUndefined()
  })

  test("too short, too long or non-hex hashes are rejected", () => {
    expect(parseReference(SHORT_HASH.slice(0, 11))).toBeUndefined()
    expect(parseReference(`${FULL_HASH}0`)).toBeUndefined()
    expect(parseReference("zzzzzzzzzzzz")).toBeUndefined()
    expect(parseReference("")).toBeUndefined()
  })

  test("accepts what a marker prints", () => {
    const marker = formatMarker({ summary: "x omitted", hash: FULL_HASH, range: { from: 4, to: 9 } })
    const reference = /retrieve (\S+)\]$/.exec(marker)?.[1]
    expect(reference).toBeDefined()
    expect(parseReference(reference ?? "")).toEqual({ hash: SHORT_HASH, range: { from: 4, to: 9 } })
  })
})

describe("quoteTemplate", () => {
  test("wraps in double quotes", () => {
    expect(quoteTemplate("GET <*> 200")).toBe('"GET <*> 200"')
  })

  test("double quotes inside become single quotes", () => {
    expect(quoteTemplate('msg="hello" user="bob"')).toBe(`"msg='hello' user='bob'"`)
  })

  test("whitespace, including newlines and tabs, collapses to single spaces and is trimmed", () => {
    expect(quoteTemplate("  a\t\tb \n\n c   d  ")).toBe('"a b c d"')
  })

  test("long templates are truncated with … to at most max characters", () => {
    const quoted = quoteTemplate("x".repeat(100))
    expect(quoted).toBe(`"${"x".repeat(59)}…"`)
    expect(quoted.length - 2).toBe(60)

    const custom = quoteTemplate("abcdefghijklmnop", 10)
    expect(custom).toBe('"abcdefghi…"')
  })

  test("no trailing space before the ellipsis", () => {
    expect(quoteTemplate("aaaa bbbb cccc", 6)).toBe('"aaaa…"')
  })

  test("a template of exactly max characters is kept whole", () => {
    expect(quoteTemplate("y".repeat(60))).toBe(`"${"y".repeat(60)}"`)
  })
})

describe("quoting and parsing edge cases", () => {
  test("quoteTemplate never cuts an emoji in half", () => {
    const quoted = quoteTemplate(`${"a".repeat(58)}😀bbb`)
    expect(quoted.isWellFormed()).toBe(true)
    expect(quoted.endsWith('…"')).toBe(true)
  })

  test("a marker without hash may quote text with brackets", () => {
    const line = formatMarker({ summary: `3 lines like ${quoteTemplate("[INFO] x] y")} omitted` })
    expect(parseMarkers(`before\n${line}\nafter`)).toEqual([{ summary: `3 lines like "[INFO] x] y" omitted` }])
  })
})

