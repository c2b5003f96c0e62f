import type { CommandSpec } from "../../args.ts"

export const expandCommand: CommandSpec = {
  name: "expand",
  summary: "turn JSON compressed with --lossless back into the original JSON",
  usage: ["headroom expand [FILE]", "command | headroom expand"],
  flags: [],
  positionals: { name: "FILE", min: 0, max: 1, description: "compressed JSON to expand; none or - reads standard input" },
  examples: [
    "headroom compress --type json --lossless api.json -o api.hr.json",
    "headroom expand api.hr.json > api.json",
    "curl -s https://api.github.com/repos/o/r/issues | headroom compress --lossless | headroom expand | jq .",
  ],
  notes: [
    "Reads what `headroom compress --lossless` writes for JSON: minified JSON in which arrays of",
    "objects may be tables, e.g.",
    '  {"items":[#2{id,name,kind="user"}',
    '  1,"ann"',
    '  2,"bob"',
    "  ]}",
    'and writes the JSON it stands for, minified: {"items":[{"id":1,"name":"ann","kind":"user"},{"id":2,"name":"bob","kind":"user"}]}',
    "Values, key order and number spellings (1.0, 1e5, integers past 2^53) are those of the original.",
    "Plain JSON passes through minified. Output with omissions (compressed without --lossless, markers",
    "such as [… 12 items omitted · retrieve 3f9a1c2b7d4e]) can't be expanded: `headroom retrieve HASH`",
    "prints its original. The format: src/compressors/json/FORMAT.md.",
    "Exit status: 0 expanded, 1 unreadable input, or input that is neither JSON nor this format.",
  ],
}
