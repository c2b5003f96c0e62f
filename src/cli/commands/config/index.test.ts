import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { resolve } from "node:path"
import { headroomIn, tempProjects } from "../../../../test/support/project.ts"

const setup = tempProjects("config-cmd")
const headroom = headroomIn

const example = readFileSync(resolve(import.meta.dir, "../../../../test/fixtures/config/example.yaml"), "utf8")

describe("headroom config show", () => {
  test("prints every setting with its source, then the files and their rule counts", () => {
    const dir = setup({
      "project/headroom-config.yaml": `max_tokens: 800\n${example}`,
      "home/.config/headroom/config.yaml": "strategy: conservative\nmax_tokens: 100\n",
    })
    const shown = headroom(dir, ["config", "show", "--keep", "FATAL"], { HEADROOM_STORE_TTL: "12h" })
    expect(shown.stderr).toBe("")
    expect(shown.code).toBe(0)
    const line = (key: string) => shown.stdout.split("\n").find((l) => l.startsWith(`  ${key} `))?.trim().split(/\s{2,}/)
    expect(line("strategy")).toEqual(["strategy", "conservative", "user ~/.config/headroom/config.yaml:1:1"])
    expect(line("max_tokens")).toEqual(["max_tokens", "800", "project headroom-config.yaml:1:1"])
    expect(line("lossless")).toEqual(["lossless", "false", "default"])
    expect(line("keep")).toEqual(["keep", '["FATAL"]', "flag --keep"])
    expect(line("store.ttl")).toEqual(["store.ttl", "12h", "env HEADROOM_STORE_TTL"])
    expect(shown.stdout).toContain("Files:\n  ~/.config/headroom/config.yaml  user     0 rules\n  headroom-config.yaml            project  4 rules\n")
  })

  test("--json gives the same as data; --config names the project file", () => {
    const dir = setup({ "project/ci.yaml": "strategy: aggressive\nrules:\n  - name: only\n    dedup: true\n" })
    const shown = headroom(dir, ["config", "show", "--json", "--config", "ci.yaml", "--strategy", "balanced"])
    expect(shown.code).toBe(0)
    const json = JSON.parse(shown.stdout)
    expect(json.settings.strategy).toEqual({ value: "balanced", source: "flag --strategy" })
    expect(json.settings["plugin_timeout_ms"]).toEqual({ value: 5000, source: "default" })
    expect(json.files).toContainEqual({ file: "ci.yaml", layer: "project", rules: 1 })
    expect(json.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  test("refuses an invalid file or environment with exit 2 and every issue", () => {
    const dir = setup({ "project/headroom-config.yaml": "stratgy: aggressive\nrules:\n  - pattern: \"(\"\n" })
    const shown = headroom(dir, ["config", "show"])
    expect(shown.code).toBe(2)
    expect(shown.stdout).toBe("")
    expect(shown.stderr).toBe(
      'headroom: headroom-config.yaml:1:1: unknown key "stratgy" in the config file (did you mean strategy?)\n' +
        'headroom-config.yaml:3:14: pattern: bad regular expression "(": Invalid regular expression: missing )\n',
    )
    const env = headroom(setup({}), ["config", "show"], { HEADROOM_JOBS: "0" })
    expect(env).toMatchObject({ code: 2, stderr: 'headroom: environment: HEADROOM_JOBS must be a whole number ≥ 1, got "0"\n' })
    expect(headroom(setup({}), ["config", "show", "--config", "nope.yaml"]).stderr).toBe(
      "headroom: nope.yaml: no such config file (named by --config)\n",
    )
  })
})

describe("headroom config check", () => {
  test("says ok with the rule count for each file found", () => {
    const dir = setup({ "project/headroom-config.yaml": example, "home/.config/headroom/config.yaml": "lossless: true\n" })
    expect(headroom(dir, ["config", "check"])).toEqual({
      code: 0,
      stdout: "~/.config/headroom/config.yaml: ok (0 rules)\nheadroom-config.yaml: ok (4 rules)\n",
      stderr: "",
    })
    expect(headroom(setup({}), ["config", "check"]).stdout).toStartWith("no config file found")
  })

  test("checks the file named, reporting each issue with its position", () => {
    const dir = setup({ "project/team.yaml": "rules:\n  - pattern: x\n    strategy: agressive\n    head: -1\n" })
    expect(headroom(dir, ["config", "check", "team.yaml"])).toEqual({
      code: 2,
      stdout: "",
      stderr:
        'team.yaml:3:15: strategy must be one of conservative, balanced, aggressive, got "agressive" (did you mean aggressive?)\n' +
        "team.yaml:4:11: head must be a whole number ≥ 1, got -1\n",
    })
    expect(headroom(dir, ["config", "check", "missing.yaml"])).toMatchObject({ code: 2, stderr: "missing.yaml: cannot read: no such file\n" })
  })

  test("an unknown subcommand is a usage error with a suggestion", () => {
    const result = headroom(setup({}), ["config", "chek"])
    expect(result.code).toBe(2)
    expect(result.stderr).toStartWith('headroom: unknown subcommand "chek" (did you mean check?)')
    expect(headroom(setup({}), ["help"]).stdout).toContain("config")
  })
})
