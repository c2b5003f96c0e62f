import { describe, expect, test } from "bun:test"
import { resolve } from "node:path"
import { headroomIn, tempProjects } from "../../../../test/support/project.ts"

const setup = tempProjects("rules-cmd")
const headroom = headroomIn

const downloads = Array.from({ length: 8 }, (_, i) => `Downloading https://mirror.example.org/pool/libfoo${i}_1.${i}.0_amd64.deb (${(i + 1) * 37} kB)`)
const input = JSON.stringify(`${[...downloads, "E: Unable to fetch libbar_2.0.0_amd64.deb: 404 Not Found"].join("\n")}\n`)

const project = `strategy: aggressive
rules:
  - name: python
    pattern: "\\\\.py$"
    min_compress_ratio: 0.5
  - name: python-tests
    pattern: "\\\\.py$"
    compress: false
  - name: mirror
    content: "^Downloading https://"
    strip_lines: "^Downloading https://"
    tests:
      - name: downloads go
        input: ${input}
        keeps: ["E: Unable to fetch libbar"]
        removes: ["libfoo3_1.3.0"]
      - name: wrong expectation
        input: ${input}
        keeps: ["E: Unable to fetch libqux"]
`

describe("headroom rules test", () => {
  test("with no FILE: every built-in pack's tests and the config file's, PASS/FAIL each, exit 1 on a failure", () => {
    const dir = setup({ "project/headroom-config.yaml": project })
    const run = headroom(dir, ["rules", "test"])
    expect(run.stderr).toBe("")
    expect(run.code).toBe(1)
    const lines = run.stdout.trimEnd().split("\n")
    expect(lines).toContain("PASS pip/already-satisfied")
    expect(lines).toContain("PASS mirror: downloads go")
    expect(lines).toContain('FAIL mirror: wrong expectation (headroom-config.yaml:17): keeps "E: Unable to fetch libqux": not in the output')
    expect(lines.at(-1)).toMatch(/^\d+ passed, 1 failed \(\d+ tests in 17 files\)$/)
  })

  test("FILE: a pack or a config file, alone; every shipped pack passes", () => {
    const dir = setup({
      "project/ci.yaml": project.replace(/ {6}- name: wrong expectation[^]*$/, ""),
      "project/rules/mine.yaml": `rules:\n  - name: mine/downloads\n    content: "^Downloading "\n    strip_lines: "^Downloading "\n    tests:\n      - input: ${input}\n        removes: ["libfoo1_"]\n`,
    })
    expect(headroom(dir, ["rules", "test", "ci.yaml"]).stdout).toBe("PASS mirror: downloads go\n1 passed, 0 failed (1 test in ci.yaml)\n")
    expect(headroom(dir, ["rules", "test", "rules/mine.yaml"]).stdout).toBe("PASS mine/downloads\n1 passed, 0 failed (1 test in rules/mine.yaml)\n")
    const shipped = headroom(dir, ["rules", "test", resolve(import.meta.dir, "../../../../rules/packages/pip.yaml")])
    expect(shipped.code).toBe(0)
  })

  test("an invalid FILE is reported with its position: exit 2", () => {
    const dir = setup({ "project/bad.yaml": 'rules:\n  - name: x\n    strip_line: "^a"\n' })
    const run = headroom(dir, ["rules", "test", "bad.yaml"])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('bad.yaml:3:5: unknown key "strip_line" in rule 1 (did you mean strip_lines?)\n')
  })
})

describe("headroom rules list", () => {
  test("every active rule with its source, conditions and actions, and what it shadows", () => {
    const dir = setup({ "project/headroom-config.yaml": project })
    const run = headroom(dir, ["rules", "list"])
    expect(run.code).toBe(0)
    expect(run.stdout).toContain("pip/already-satisfied  rules/packages/pip.yaml:3\n  if    type log|text|stacktrace; content /^Requirement already satisfied: /\n  then  keep_lines ×2; strip_lines ×1\n")
    expect(run.stdout).toContain(
      "python-tests  headroom-config.yaml:6\n  if    pattern /\\.py$/\n  then  compress false\n",
    )
    expect(run.stdout).toContain("mirror  headroom-config.yaml:9\n  if    content /^Downloading https:\\/\\//\n  then  strip_lines ×1\n")
    expect(run.stdout).toMatch(/\n\d+ rules from 17 files\n$/)
  })

  test("a rule that overrides an earlier rule's settings wherever it applies is said to shadow it", () => {
    const dir = setup({
      "project/headroom-config.yaml": 'rules:\n  - name: logs\n    type: log\n    strategy: conservative\n    max_tokens: 900\n  - name: all\n    strategy: aggressive\n  - name: all-budget\n    max_tokens: 300\n    strategy: balanced\n',
    })
    const out = headroom(dir, ["rules", "list"]).stdout
    expect(out).toContain("all  headroom-config.yaml:6\n  if    always\n  then  strategy aggressive\n  shadows logs (headroom-config.yaml:2): its strategy\n")
    expect(out).toContain("  shadows logs (headroom-config.yaml:2): fully: it no longer does anything\n  shadows all (headroom-config.yaml:6): fully: it no longer does anything\n")
  })
})
