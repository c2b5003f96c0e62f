/**
 * End-to-end: headroom-config.yaml read by the compiled binary from an empty directory, the
 * documented example behaving as it reads, the built-in rule packs, and invalid files refused.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const binary = useBinary()
let dir = ""
let run: BinaryRun
beforeAll(() => {
  ;({ dir, run } = binary())
})

const fixtures = resolve(import.meta.dir, "../fixtures")
const write = (path: string, text: string) => {
  mkdirSync(join(dir, path, ".."), { recursive: true })
  writeFileSync(join(dir, path), text)
}

const BUILD_LOG =
  Array.from({ length: 300 }, (_, i) => `[INFO] Building module-${i % 17} step ${i}: resolved ${i * 3} artifacts in ${i % 11} ms`).join("\n") +
  "\n[ERROR] Failed to execute goal on project module-4: Compilation failure\n"

const stats = (stderr: string) => {
  const m = /([\d,]+) → ([\d,]+) tokens/.exec(stderr)
  if (m === null) throw new Error(`no stats line in: ${stderr}`)
  return { before: Number(m[1]!.replaceAll(",", "")), after: Number(m[2]!.replaceAll(",", "")) }
}

describe("the documented example configuration", () => {
  beforeAll(() => {
    copyFileSync(join(fixtures, "config/example.yaml"), join(dir, "headroom-config.yaml"))
    write("ci-logs/build.log", BUILD_LOG)
    write("logs/build.log", BUILD_LOG)
    const python = readFileSync(join(fixtures, "code/requests_sessions.py"), "utf8")
    write("src/sessions.py", python)
    write("tests/test_sessions.py", python)
  })

  test("ci-logs/ is compressed aggressively into 500 tokens; other logs are not", () => {
    const ci = run(["compress", "--stats", "ci-logs/build.log"])
    expect(ci.code).toBe(0)
    expect(stats(ci.stderr).after).toBeLessThanOrEqual(500)
    expect(ci.stdout).toContain("[ERROR] Failed to execute goal")
    const other = run(["compress", "--stats", "logs/build.log"])
    expect(ci.stdout).not.toBe(other.stdout)
  })

  test("a test_*.py file passes through untouched; other .py files must save half or stay as they are", () => {
    const original = readFileSync(join(dir, "tests/test_sessions.py"), "utf8")
    const testFile = run(["compress", "--strategy", "aggressive", "tests/test_sessions.py"])
    expect(testFile.stdout).toBe(original)
    const gentle = run(["compress", "--stats", "--strategy", "conservative", "src/sessions.py"])
    expect(gentle.stdout).toBe(original)
    expect(gentle.stderr).toContain("saved less than the minimum of 50%")
    const strong = run(["compress", "--stats", "--strategy", "aggressive", "src/sessions.py"])
    const { before, after } = stats(strong.stderr)
    expect(after).toBeLessThan(before / 2)
  })

  test("a flag beats the file: --strategy on the command line is not overridden by a rule", () => {
    const flagged = run(["compress", "--strategy", "conservative", "ci-logs/build.log"])
    const plain = run(["compress", "--strategy", "conservative", "--max-tokens", "500", "logs/build.log"])
    expect(flagged.stdout).toBe(plain.stdout)
  })

  test("config show says where each value comes from", () => {
    const shown = run(["config", "show", "--strategy", "aggressive"], undefined, { HEADROOM_MAX_TOKENS: "900" })
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/strategy\s+aggressive\s+flag --strategy/)
    expect(shown.stdout).toMatch(/max_tokens\s+900\s+env HEADROOM_MAX_TOKENS/)
    expect(shown.stdout).toMatch(/headroom-config\.yaml\s+project\s+4 rules/)
  })
})

describe("invalid configuration", () => {
  test("an unknown key, with its position and a suggestion, stops every command that compresses (exit 2)", () => {
    write("bad/headroom-config.yaml", 'strategy: balanced\nrules:\n  - patern: "\\\\.log$"\n    max_tokens: lots\n')
    const result = run(["compress", "--config", "bad/headroom-config.yaml"], "hello\n")
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain('bad/headroom-config.yaml:3:5: unknown key "patern"')
    expect(result.stderr).toContain("did you mean pattern?")
    expect(result.stderr).toContain("bad/headroom-config.yaml:4:17: max_tokens must be a whole number")
    const checked = run(["config", "check", "bad/headroom-config.yaml"])
    expect(checked.code).toBe(2)
  })
})

describe("built-in rule packs", () => {
  test("ship inside the binary, pass their own tests, and are listed with their files", () => {
    const tested = run(["rules", "test"])
    expect(tested.code).toBe(0)
    expect(tested.stdout).toMatch(/^(\d+) passed, 0 failed/m)
    const listed = run(["rules", "list"])
    expect(listed.stdout).toContain("rules/tests/pytest.yaml")
  })

  test("pip noise goes behind a marker; the error stays", () => {
    const pip =
      Array.from({ length: 40 }, (_, i) => `Requirement already satisfied: package-${i} in /usr/lib/python3/site-packages (from -r requirements.txt (line ${i + 1})) (1.${i}.0)`).join("\n") +
      "\nERROR: Could not find a version that satisfies the requirement pydantic-core==9.9.9\n"
    const result = run(["compress", "--json"], pip)
    const json = JSON.parse(result.stdout)
    expect(json.rules).toContain("pip/already-satisfied")
    expect(json.text).toContain("ERROR: Could not find a version")
    expect(json.tokens_after).toBeLessThan(json.tokens_before / 3)
  })
})
