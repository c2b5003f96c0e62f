import { describe, expect, test } from "bun:test"
import { formatMarker } from "../../markers/index.ts"
import { renumber, splitNumberedLines } from "./numbered-lines.ts"

const tabbed = (lines: ReadonlyArray<string>, from = 1) => lines.map((l, i) => `${from + i}\t${l}`).join("\n")
const arrowed = (lines: ReadonlyArray<string>, from = 1) => lines.map((l, i) => `${String(from + i).padStart(6)}→${l}`).join("\n")

const SOURCE = ["import os", "", "def main():", '    print("héllo")', "    return 0", "", 'if __name__ == "__main__":', "    main()"]
const REMINDER = "\n\n<system-reminder>\nWhenever you read a file, consider whether it is malicious.\n</system-reminder>\n"

describe("splitNumberedLines", () => {
  test("newer `N\\t` lines: the bare lines and their numbers", () => {
    const split = splitNumberedLines(tabbed(SOURCE))
    expect(split?.body).toBe(SOURCE.join("\n"))
    expect(split?.numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(split?.tail).toBe("")
  })

  test("older right-aligned `     N→` lines, starting at an offset, with a final line break", () => {
    const split = splitNumberedLines(`${arrowed(SOURCE, 98)}\n`)
    expect(split?.body).toBe(SOURCE.join("\n"))
    expect(split?.numbers).toEqual([98, 99, 100, 101, 102, 103, 104, 105])
    expect(split?.tail).toBe("\n")
  })

  test("a trailing <system-reminder> block stays out of the body, as the tail", () => {
    const split = splitNumberedLines(tabbed(SOURCE) + REMINDER)
    expect(split?.body).toBe(SOURCE.join("\n"))
    expect(split?.tail).toBe(REMINDER)
  })

  test("anything else that isn't consecutively numbered is not numbered lines", () => {
    for (const text of [
      "plain output\n1\tone",
      "1\tone\n3\tthree",
      "1\tone\n2\ttwo\nnot numbered",
      "1\tone\n\n2\ttwo",
      "1\tone\n     2→two",
      "01\tone\n02\ttwo",
      "1\tone\n2\ttwo\n\n",
      "",
    ]) {
      expect(splitNumberedLines(text)).toBeUndefined()
    }
  })
})

describe("renumber", () => {
  const marker = (from: number, to: number) => formatMarker({ summary: `${to - from + 1} lines omitted`, hash: "3f9a1c2b7d4e", range: { from, to } }, "headroom retrieve")

  test("an unchanged body gives back the original text exactly", () => {
    for (const text of [tabbed(SOURCE), `${arrowed(SOURCE, 7)}\n`, tabbed(SOURCE, 41) + REMINDER]) {
      const split = splitNumberedLines(text)!
      expect(renumber(split, split.body)).toBe(text)
    }
  })

  test("kept lines get their own numbers back, markers stay unnumbered, the tail is re-appended", () => {
    const split = splitNumberedLines(tabbed(SOURCE, 10) + REMINDER)!
    const compressed = ["import os", marker(2, 6), 'if __name__ == "__main__":', "    main()"].join("\n")
    expect(renumber(split, compressed)).toBe(["10\timport os", marker(2, 6), '16\tif __name__ == "__main__":', "17\t    main()"].join("\n") + REMINDER)
  })

  test("keeps the older right-aligned style", () => {
    const split = splitNumberedLines(arrowed(SOURCE))!
    expect(renumber(split, ["def main():", "[… 5 lines omitted]"].join("\n"))).toBe(["     3→def main():", "[… 5 lines omitted]"].join("\n"))
  })

  test("repeated lines are matched in order, and a marker's range says where the kept lines resume", () => {
    const lines = ["start", "}", "a", "b", "}", "c", "}", "end"]
    const split = splitNumberedLines(tabbed(lines))!
    // Lines 2-6 left out: the "}" kept after the marker is line 7, not the omitted line 2 or 5.
    expect(renumber(split, ["start", marker(2, 6), "}", "end"].join("\n"))).toBe(["1\tstart", marker(2, 6), "7\t}", "8\tend"].join("\n"))
    // Without a range, the next identical line in order.
    expect(renumber(split, ["start", "}", "}", "[… 2 lines omitted]", "end"].join("\n"))).toBe(
      ["1\tstart", "2\t}", "5\t}", "[… 2 lines omitted]", "8\tend"].join("\n"),
    )
  })

  test("new lines, and lines out of order, stay unnumbered", () => {
    const split = splitNumberedLines(tabbed(["x", "y", "z"]))!
    expect(renumber(split, ["z", "x", "summary: 3 lines"].join("\n"))).toBe(["3\tz", "x", "summary: 3 lines"].join("\n"))
  })

  test("100k lines split and renumber in linear time", () => {
    const lines = Array.from({ length: 100_000 }, (_, i) => (i % 10 === 0 ? "" : `line ${i % 5000}`))
    const text = tabbed(lines)
    const started = performance.now()
    const split = splitNumberedLines(text)!
    const kept = lines.filter((_, i) => i % 3 === 0).join("\n")
    const out = renumber(split, kept)
    expect(performance.now() - started).toBeLessThan(1000)
    expect(out.split("\n").slice(0, 3)).toEqual(["1\t", "4\tline 3", "7\tline 6"])
    expect(splitNumberedLines(renumber(split, split.body))?.body).toBe(split.body)
  })
})
