import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { Effect, Exit } from "effect"
import { resolveRules } from "../rules/resolve.ts"
import type { RuleSubject } from "../rules/rule.ts"
import { tempProjects, type Project } from "../../test/support/project.ts"
import { describeSource, formatIssue, loadConfig, readConfig, type Config, type FlagSettings } from "./index.ts"

const setup = tempProjects("config")
/** The project of the latest `load` or `issues`. */
let last: Project

type LoadOptions = { env?: Record<string, string> | ((p: Project) => Record<string, string>); flags?: FlagSettings; configPath?: string }
const envOf = (options: LoadOptions, p: Project) => (typeof options.env === "function" ? options.env(p) : options.env)

const load = (files: Record<string, string>, options: LoadOptions = {}): Config => {
  last = setup(files)
  const { cwd, home } = last
  const result = readConfig({
    cwd,
    env: { HOME: home, ...envOf(options, last) },
    flags: options.flags ?? {},
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  })
  if ("issues" in result) throw new Error(result.issues.map(formatIssue).join("\n"))
  return result
}

const issues = (files: Record<string, string>, options: LoadOptions = {}) => {
  last = setup(files)
  const { cwd, home } = last
  const result = readConfig({
    cwd,
    env: { HOME: home, ...envOf(options, last) },
    flags: options.flags ?? {},
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  })
  if (!("issues" in result)) throw new Error("expected issues")
  return result.issues.map(formatIssue)
}

const source = (config: Config, key: string) => describeSource(config.sources.get(key)!)

const subject = (path: string): RuleSubject => ({ path, kind: "text", bytes: 100, tokens: () => 20, sample: "" })

describe("loadConfig", () => {
  test("with no files, every setting is its default", () => {
    const config = load({})
    expect(config.files).toEqual([])
    expect(config.rules.every((r) => r.source.layer === "pack")).toBe(true)
    expect(config.settings).toMatchObject({
      strategy: "balanced",
      lossless: false,
      keep: [],
      keepSymbols: [],
      store: { enabled: true, ttlMs: 7 * 86_400_000, maxBytes: 1024 ** 3 },
      disable: [],
      plugins: [],
      pluginTimeoutMs: 5000,
    })
    expect(config.settings.maxTokens).toBeUndefined()
    expect(config.settings.jobs).toBeGreaterThanOrEqual(1)
    expect([...config.sources.values()].every((s) => s.kind === "default")).toBe(true)
    expect(config.pinned.size).toBe(0)
    expect(config.fingerprint).toMatch(/^[0-9a-f]{64}$/)
  })

  test("the issue's example loads into four rules that behave as it reads", () => {
    const example = readFileSync(resolve(import.meta.dir, "../../test/fixtures/config/example.yaml"), "utf8")
    const config = load({ "project/headroom-config.yaml": example })
    const mine = config.rules.filter((r) => r.source.layer === "project")
    expect(mine.map((r) => [r.id, String(r.match.path), r.actions, r.source.line])).toEqual([
      ["headroom-config.yaml#1", String(/\.py$/), { minCompressRatio: 0.5 }, 2],
      ["headroom-config.yaml#2", String(/test_.*\.py$/), { compress: false }, 4],
      ["headroom-config.yaml#3", String(/ci-logs\//), { maxTokens: 500, strategy: "aggressive" }, 6],
      ["headroom-config.yaml#4", String(/openapi.*\.yaml$/), { compress: false, dedup: true }, 9],
    ])
    const resolved = (path: string) => {
      const r = resolveRules(mine, subject(path))
      return { compress: r.compress, strategy: r.strategy, maxTokens: r.maxTokens, minCompressRatio: r.minCompressRatio, dedup: r.dedup }
    }
    const none = { strategy: undefined, maxTokens: undefined, dedup: false }
    expect(resolved("app.py")).toEqual({ ...none, compress: true, minCompressRatio: 0.5 })
    expect(resolved("tests/test_app.py")).toEqual({ ...none, compress: false, minCompressRatio: 0.5 })
    expect(resolved("ci-logs/build.log")).toEqual({ compress: true, strategy: "aggressive", maxTokens: 500, minCompressRatio: undefined, dedup: false })
    expect(resolved("api/openapi.v2.yaml")).toEqual({ ...none, compress: false, minCompressRatio: undefined, dedup: true })
  })

  test("precedence: flags > environment > project file > user file > defaults", () => {
    const files = {
      "home/.config/headroom/config.yaml": "strategy: conservative\nmax_tokens: 100\nlossless: true\nstore:\n  ttl: 2d\n",
      "project/headroom-config.yaml": "# project\nstrategy: aggressive\nmax_tokens: 200\n",
    }
    const fromFiles = load(files)
    expect(fromFiles.settings).toMatchObject({ strategy: "aggressive", maxTokens: 200, lossless: true, store: { ttlMs: 2 * 86_400_000 } })
    expect(source(fromFiles, "strategy")).toBe("project headroom-config.yaml:2:1")
    expect(source(fromFiles, "lossless")).toBe("user ~/.config/headroom/config.yaml:3:1")
    expect(source(fromFiles, "store.ttl")).toBe("user ~/.config/headroom/config.yaml:5:3")
    expect(fromFiles.files.map((f) => [f.layer, f.name])).toEqual([
      ["user", "~/.config/headroom/config.yaml"],
      ["project", "headroom-config.yaml"],
    ])
    expect(fromFiles.pinned.size).toBe(0)

    const fromEnv = load(files, { env: { HEADROOM_MAX_TOKENS: "300", HEADROOM_STORE: "0" } })
    expect(fromEnv.settings).toMatchObject({ strategy: "aggressive", maxTokens: 300, store: { enabled: false } })
    expect(source(fromEnv, "max_tokens")).toBe("env HEADROOM_MAX_TOKENS")
    expect([...fromEnv.pinned]).toEqual(["maxTokens"])

    const fromFlags = load(files, { env: { HEADROOM_MAX_TOKENS: "300", HEADROOM_STRATEGY: "balanced" }, flags: { maxTokens: 400 } })
    expect(fromFlags.settings).toMatchObject({ strategy: "balanced", maxTokens: 400 })
    expect(source(fromFlags, "max_tokens")).toBe("flag --max-tokens")
    expect([...fromFlags.pinned].sort()).toEqual(["maxTokens", "strategy"])
  })

  test("XDG_CONFIG_HOME moves the user file; --config and HEADROOM_CONFIG name the project file", () => {
    const files = {
      "xdg/headroom/config.yaml": "strategy: conservative\n",
      "project/headroom-config.yaml": "max_tokens: 1\n",
      "elsewhere/team.yaml": "max_tokens: 2\n",
    }
    const xdg = load(files, { env: (p) => ({ XDG_CONFIG_HOME: join(p.dir, "xdg") }) })
    expect(xdg.settings).toMatchObject({ strategy: "conservative", maxTokens: 1 })
    expect(load(files, { configPath: "../elsewhere/team.yaml" }).settings.maxTokens).toBe(2)
    expect(load(files, { env: { HEADROOM_CONFIG: "../elsewhere/team.yaml" } }).settings.maxTokens).toBe(2)
    expect(issues(files, { configPath: "missing.yaml" })).toEqual(["missing.yaml: no such config file (named by --config)"])
    expect(issues(files, { env: { HEADROOM_CONFIG: "gone.yaml" } })).toEqual(["gone.yaml: no such config file (named by HEADROOM_CONFIG)"])
  })

  test("reads every top-level key, sections and rules", () => {
    const config = load({
      "project/headroom-config.yaml": `strategy: conservative
max_tokens: 4000
lossless: false
keep: ["(?i)fatal", "panic:"]
keep_symbols: main
encoding: cl100k_base
model: gpt-4o
store:
  enabled: false
  home: ./state
  ttl: 12h
  max_mb: 64
disable: [json]
plugins: [plugins/redact.ts]
plugin_timeout_ms: 250
batch:
  jobs: 3
  max_file_size: 2MB
  max_savings: 70
proxy:
  host: 0.0.0.0
  port: 9000
  anthropic_url: http://127.0.0.1:4000/v1/
  openai_url: https://openrouter.ai/api/v1
  allow_unauthenticated: true
  optimize: false
  exclude_tools: [Read, cat_file]
  marker_verb: curl -s localhost:9000/v1/retrieve/
  timeout: 30s
  max_body: 10MB
  log_file: logs/proxy.jsonl
  log_bodies: true
rules:
  - name: quiet-tests
    pattern: "^tests/"
    strategy: aggressive
`,
    })
    const cwd = last.cwd
    expect(config.settings).toEqual({
      strategy: "conservative",
      maxTokens: 4000,
      lossless: false,
      keep: [/fatal/i, /panic:/],
      keepSymbols: ["main"],
      encoding: "cl100k_base",
      model: "gpt-4o",
      store: { enabled: false, home: join(cwd, "state"), ttlMs: 12 * 3_600_000, maxBytes: 64 * 1024 * 1024 },
      disable: ["json"],
      plugins: [join(cwd, "plugins/redact.ts")],
      pluginTimeoutMs: 250,
      jobs: 3,
      maxFileBytes: 2 * 1024 * 1024,
      maxSavings: 70,
      proxy: {
        host: "0.0.0.0",
        port: 9000,
        anthropicUrl: "http://127.0.0.1:4000",
        openaiUrl: "https://openrouter.ai/api/v1",
        allowUnauthenticated: true,
        optimize: false,
        excludeTools: ["Read", "cat_file"],
        markerVerb: "curl -s localhost:9000/v1/retrieve/",
        timeoutMs: 30_000,
        maxBodyBytes: 10 * 1024 * 1024,
        logFile: join(cwd, "logs/proxy.jsonl"),
        logBodies: true,
      },
    })
    expect(config.rules.at(-1)!.id).toBe("quiet-tests")
  })

  test("lists add up across files, environment and flags; paths are relative to who names them", () => {
    const config = load(
      {
        "home/.config/headroom/config.yaml": "plugins: [p/user.ts]\nkeep: A\n",
        "project/headroom-config.yaml": "plugins: [p/project.ts]\nkeep: [B, A]\n",
      },
      { env: { HEADROOM_PLUGINS: "env.ts:/abs/other.js" }, flags: { plugins: ["flag.ts"], keep: ["C", "x{1,3}"] } },
    )
    const dir = last.dir
    expect(config.settings.plugins).toEqual([
      join(dir, "home/.config/headroom/p/user.ts"),
      join(dir, "project/p/project.ts"),
      join(dir, "project/env.ts"),
      "/abs/other.js",
      join(dir, "project/flag.ts"),
    ])
    expect(config.settings.keep.map(String)).toEqual(["/A/", "/B/", "/C/", "/x{1,3}/"])
    expect(source(config, "keep")).toBe("user ~/.config/headroom/config.yaml:2:1 + project headroom-config.yaml:2:1 + flag --keep")
  })

  test("an empty or comment-only file sets nothing", () => {
    expect(load({ "project/headroom-config.yaml": "# nothing yet\n" }).files.length).toBe(1)
    expect(load({ "project/headroom-config.yaml": "" }).settings.strategy).toBe("balanced")
  })

  test("refuses unknown keys, wrong types and bad regexes, with positions and did-you-mean", () => {
    expect(
      issues({
        "project/headroom-config.yaml": `stratgy: aggressive
max_tokens: "x"
store:
  ttl: forever
  enabeld: true
keep: ["ok", "(?i)[unclosed"]
batch: 4
rules:
  - pattern: x
    compres: false
`,
      }),
    ).toEqual([
      'headroom-config.yaml:1:1: unknown key "stratgy" in the config file (did you mean strategy?)',
      'headroom-config.yaml:2:13: max_tokens must be a whole number ≥ 1, got "x"',
      'headroom-config.yaml:4:8: store.ttl must be a duration: seconds, or "30m", "12h", "7d", got "forever"',
      'headroom-config.yaml:5:3: unknown key "enabeld" in store (did you mean enabled?)',
      'headroom-config.yaml:6:14: keep: bad regular expression "(?i)[unclosed": Invalid regular expression: missing terminating ] for character class',
      "headroom-config.yaml:7:8: batch must be a mapping of key: value, got 4",
      'headroom-config.yaml:10:5: unknown key "compres" in rule 1 (did you mean compress?)',
    ])
    expect(issues({ "project/headroom-config.yaml": "strategy: [\n" })[0]).toMatch(/^headroom-config\.yaml:\d+:\d+: YAML syntax: /)
  })

  test("refuses bad environment values, naming the variable", () => {
    expect(
      issues({}, { env: { HEADROOM_JOBS: "many", HEADROOM_STRATEGY: "agressive", HEADROOM_STORE: "maybe", HEADROOM_STORE_TTL: "1w" } }),
    ).toEqual([
      'environment: HEADROOM_STRATEGY must be one of conservative, balanced, aggressive, got "agressive" (did you mean aggressive?)',
      'environment: HEADROOM_STORE must be true or false, got "maybe"',
      'environment: HEADROOM_STORE_TTL must be a duration: seconds, or "30m", "12h", "7d", got "1w"',
      'environment: HEADROOM_JOBS must be a whole number ≥ 1, got "many"',
    ])
    expect(issues({}, { flags: { keep: ["("], maxSavings: 150 } })).toEqual([
      'command line: --keep: bad regular expression "(": Invalid regular expression: missing )',
      "command line: --max-savings must be a number from 0 to 100, got \"150\"",
    ])
  })

  test("the fingerprint follows settings and rule text, not jobs or store location", () => {
    const base = load({ "project/headroom-config.yaml": "rules:\n  - pattern: x\n    dedup: true\n" })
    const same = load({ "project/headroom-config.yaml": "rules:\n  - pattern: x\n    dedup: true\n" }, { flags: { jobs: 7 }, env: { HEADROOM_HOME: "/tmp/x" } })
    const otherRule = load({ "project/headroom-config.yaml": "rules:\n  - pattern: y\n    dedup: true\n" })
    const otherSetting = load({ "project/headroom-config.yaml": "rules:\n  - pattern: x\n    dedup: true\n" }, { flags: { strategy: "aggressive" } })
    expect(same.fingerprint).toBe(base.fingerprint)
    expect(otherRule.fingerprint).not.toBe(base.fingerprint)
    expect(otherSetting.fingerprint).not.toBe(base.fingerprint)
  })

  test("fails as an Effect with ConfigError whose message lists every issue", async () => {
    const { cwd, home } = setup({ "project/headroom-config.yaml": "max_tokens: 0\nlossles: true\n" })
    const exit = await Effect.runPromiseExit(loadConfig({ cwd, env: { HOME: home }, flags: {} }))
    expect(Exit.isFailure(exit)).toBe(true)
    const error = Exit.isFailure(exit) ? (exit.cause.reasons[0] as { error?: unknown } | undefined)?.error : undefined
    expect(error).toMatchObject({ _tag: "ConfigError" })
    expect((error as Error).message).toBe(
      'headroom-config.yaml:1:13: max_tokens must be a whole number ≥ 1, got 0\nheadroom-config.yaml:2:1: unknown key "lossles" in the config file (did you mean lossless?)',
    )
  })
})
