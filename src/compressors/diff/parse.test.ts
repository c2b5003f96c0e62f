import { describe, expect, test } from "bun:test"
import { Role, newDiffState, parseDiff } from "./parse.ts"

const roles = (text: string, state = newDiffState()) => Array.from(parseDiff(text, state).roles)

describe("diff parser", () => {
  test("hunk bodies are measured by their header counts; what follows is outside", () => {
    const text = ["@@ -1,2 +1,2 @@", " a", "-b", "+B", " not in the hunk", "more text"].join("\n")
    expect(roles(text)).toEqual([Role.hunkHeader, Role.context, Role.change, Role.change, Role.other, Role.other])
  })

  test('"\\ No newline" after the old side, mid-hunk, keeps the hunk open', () => {
    const text = ["@@ -1 +1 @@", "-1.4.2", "\\ No newline at end of file", "+1.5.0", "\\ No newline at end of file"].join("\n")
    expect(roles(text)).toEqual([Role.hunkHeader, Role.change, Role.noNewline, Role.change, Role.noNewline])
  })

  test("an empty line inside a hunk is a context line whose space was stripped", () => {
    const text = ["@@ -1,3 +1,3 @@", "-a", "+A", "", " c"].join("\n")
    expect(roles(text)).toEqual([Role.hunkHeader, Role.change, Role.change, Role.context, Role.context])
  })

  test("paths of renames, quoted names, plain diffs and deletions", () => {
    const parse = (text: string) => parseDiff(text, newDiffState()).sections.map((s) => [s.path, s.oldPath])
    expect(parse("diff --git a/x y.txt b/x y.txt\nindex 1..2 100644")).toEqual([["x y.txt", ""]])
    expect(parse('diff --git "a/t\\tab" "b/t\\tab"\nindex 1..2 100644')).toEqual([["t\tab", ""]])
    expect(parse("diff --git a/old.ts b/new.ts\nsimilarity index 90%\nrename from old.ts\nrename to new.ts")).toEqual([["new.ts", "old.ts"]])
    expect(parse("--- a/gone.c\t2024-01-01\n+++ /dev/null\n@@ -1 +0,0 @@\n-x")).toEqual([["gone.c", ""]])
  })

  test("a block that begins mid-hunk continues the file and hunk the last block left open", () => {
    const state = newDiffState()
    parseDiff(["diff --git a/f b/f", "--- a/f", "+++ b/f", "@@ -1,4 +1,4 @@", " one", "-two"].join("\n"), state)
    expect(state.file?.path).toBe("f")
    const next = parseDiff(["+TWO", " three", " four", "after the hunk"].join("\n"), state)
    expect(Array.from(next.roles)).toEqual([Role.change, Role.context, Role.context, Role.other])
    expect(next.sections[0]!.continued).toBe(true)
    expect(next.sections[0]!.hunks[0]!.sinceChange).toBe(0)
    expect(state.file).toBeUndefined()
  })
})
