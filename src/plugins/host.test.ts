import { afterAll, describe, expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { BUILT_IN_STAGES } from "../pipeline/registry.ts"
import { redeemAll, withStore } from "../../test/support/pipeline.ts"
import { loadPlugins, type LoadPluginsOptions, type Plugins } from "./index.ts"

const dir = mkdtempSync(join(tmpdir(), "headroom-plugins-"))
const store = withStore()
const loaded: Array<Plugins> = []
afterAll(() => {
  for (const p of loaded) p.close()
  store.cleanup()
  rmSync(dir, { recursive: true, force: true })
})

let files = 0
/** Writes a plugin module and returns its path. */
const pluginFile = (source: string, name = `p${++files}.ts`): string => {
  const path = join(dir, name)
  writeFileSync(path, source)
  return path
}

const load = async (explicit: ReadonlyArray<string>, options: Partial<LoadPluginsOptions> = {}) => {
  const plugins = await Effect.runPromise(loadPlugins({ cwd: dir, env: { HOME: join(dir, "home") }, explicit, timeoutMs: 2_000, disabled: [], ...options }))
  loaded.push(plugins)
  return plugins
}

const stagesOf = (p: Plugins) => [...p.stages.redact, ...p.stages.compress]

const LOG = Array.from({ length: 60 }, (_, i) => `2024-05-01 10:00:${String(i).padStart(2, "0")} INFO request ${i} served in ${i * 3} ms`).join("\n") + "\n"

describe("a plugin that misbehaves is skipped for that block, named in the message, and the run goes on", () => {
  test("a throw", async () => {
    const file = pluginFile(`export default { name: "thrower", block: { run: () => { throw new TypeError("boom") } } }`, "thrower.ts")
    const plugins = await load([file])
    const { text, summary } = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(text).toBe(LOG)
    expect(summary.errors).toEqual(["stage thrower failed: plugin thrower (thrower.ts) threw TypeError: boom; block left as it was"])
  })

  test("a rejected promise", async () => {
    const plugins = await load([pluginFile(`export default { name: "rejecter", block: { run: async () => { throw new Error("nope") } } }`)])
    const { summary } = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(summary.errors[0]).toContain("plugin rejecter (p")
    expect(summary.errors[0]).toContain("threw Error: nope; block left as it was")
  })

  test("garbage: a number, an object without text, a kind that doesn't exist", async () => {
    const plugins = await load([
      pluginFile(`export default { name: "number", block: { run: () => 42 } }`),
      pluginFile(`export default { name: "object", block: { run: () => ({ txt: "" }) } }`),
      pluginFile(`export default { name: "kind", block: { run: (b) => ({ ...b, text: "x", kind: "poem" }) } }`),
    ])
    const { text, summary } = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(text).toBe(LOG)
    expect(summary.errors.map((e) => e.replace(/\(p\d+\.ts\)/, "(FILE)"))).toEqual([
      "stage number failed: plugin number (FILE) returned a number instead of a block, Unchanged or undefined; block left as it was",
      "stage object failed: plugin object (FILE) returned an object without a text string instead of a block, Unchanged or undefined; block left as it was",
      'stage kind failed: plugin kind (FILE) returned a block of kind "poem", which is not a content kind; block left as it was',
    ])
  })

  test("a synchronous hang is cut off at the plugin's timeout, and the plugin works again on the next block", async () => {
    const file = pluginFile(
      `export default { name: "spinner", timeoutMs: 200, block: { run: (b) => { if (b.text.includes("spin")) while (true) {} ; return { ...b, text: "short" } } } }`,
      "spinner.ts",
    )
    const plugins = await load([file])
    const started = performance.now()
    const hung = await store.compress(`spin ${LOG}`, { stages: stagesOf(plugins), kind: "log" })
    expect(performance.now() - started).toBeLessThan(1_500)
    expect(hung.text).toBe(`spin ${LOG}`)
    expect(hung.summary.errors).toEqual(["stage spinner failed: plugin spinner (spinner.ts) timed out after 200 ms; block left as it was"])
    const next = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(next.text).toBe("short")
    expect(next.summary.errors).toEqual([])
  })

  test("an asynchronous hang is cut off too", async () => {
    const plugins = await load([pluginFile(`export default { name: "waiter", timeoutMs: 150, block: { run: () => new Promise(() => {}) } }`)])
    const { text, summary } = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(text).toBe(LOG)
    expect(summary.errors[0]).toMatch(/^stage waiter failed: plugin waiter \(p\d+\.ts\) timed out after 150 ms; block left as it was$/)
  })

  test("after three timeouts in a row a plugin sits out the rest of the run, said once", async () => {
    const plugins = await load([pluginFile(`export default { name: "sleepy", timeoutMs: 100, block: { run: () => new Promise(() => {}) } }`)])
    const errors: Array<string> = []
    for (let i = 0; i < 5; i++) errors.push(...(await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })).summary.errors)
    expect(errors).toHaveLength(3)
    expect(errors[2]).toContain("timed out after 100 ms (3 times in a row: it is off for the rest of the run); block left as it was")
  })

  test("a plugin that ends its own thread (process.exit, an uncaught error) is restarted for the next block", async () => {
    const file = pluginFile(
      `export default { name: "crasher", block: { run: (b) => {
        if (b.text.startsWith("exit")) process.exit(3)
        if (b.text.startsWith("late")) { setTimeout(() => { throw new RangeError("late boom") }, 0); return new Promise(() => {}) }
        return { ...b, text: "fine" }
      } } }`,
    )
    const plugins = await load([file])
    const exited = await store.compress(`exit ${LOG}`, { stages: stagesOf(plugins), kind: "log" })
    expect(exited.summary.errors[0]).toContain("stopped: its thread exited; block left as it was")
    const late = await store.compress(`late ${LOG}`, { stages: stagesOf(plugins), kind: "log" })
    expect(late.summary.errors[0]).toContain("stopped: uncaught RangeError: late boom; block left as it was")
    expect((await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })).text).toBe("fine")
  })
})

describe("loading", () => {
  test("a plugin that fails to load is reported with the reason and skipped; the others load", async () => {
    const plugins = await load([
      pluginFile(`export default { name: "syntax", block: { run: () => { ) } }`, "syntax.ts"),
      pluginFile(`export const stage = { name: "x", run: () => undefined }`, "no-default.ts"),
      pluginFile(`import { defineStage } from "./not-here.ts"\nexport default defineStage({ name: "y", run: () => undefined })`, "imports.ts"),
      pluginFile(`export default { name: "typo", blok: { run: () => undefined } }`, "typo.ts"),
      pluginFile(`export default { name: "hangs-on-load", block: { run: () => undefined } }\nwhile (true) {}`, "hangs.ts"),
      pluginFile(`export default { name: "fine", line: () => undefined }`, "fine.ts"),
    ], { timeoutMs: 500 })
    expect(plugins.warnings).toEqual([
      "plugin syntax.ts could not be loaded: syntax error at line 1, column 56: Unexpected ); skipped",
      "plugin no-default.ts could not be loaded: no default export; skipped",
      expect.stringMatching(/^plugin imports\.ts could not be loaded: Cannot find module '\.\/not-here\.ts'.* \(a plugin can import only the runtime's own modules, such as node:fs; use `import type` for the SDK\); skipped$/),
      'plugin typo.ts could not be loaded: unknown field "blok" (did you mean "block"?); skipped',
      "plugin hangs.ts could not be loaded: took longer than 500 ms to load; skipped",
    ])
    expect(plugins.plugins.map((p) => p.name)).toEqual(["fine"])
  })

  test("a plain stage spec is a plugin with a block hook; hooks, purpose and timeout are read from the module", async () => {
    const plugins = await load([
      pluginFile(`export default { name: "stage-only", kinds: ["log"], run: () => undefined }`),
      pluginFile(`export default { name: "all", purpose: "redact", timeoutMs: 1234, block: { run: () => undefined }, line: () => undefined, request: () => undefined, responseEvent: () => undefined }`),
    ])
    expect(plugins.plugins.map(({ file: _, hash, ...p }) => ({ ...p, hash: hash.length }))).toEqual([
      { name: "stage-only", description: "", purpose: "compress", hooks: ["block"], timeoutMs: 2_000, hash: 64 },
      { name: "all", description: "", purpose: "redact", hooks: ["block", "line", "request", "responseEvent"], timeoutMs: 1234, hash: 64 },
    ])
    expect(plugins.stages.compress.map((s) => [s.name, s.kinds])).toEqual([["stage-only", ["log"]]])
    expect(plugins.stages.redact.map((s) => [s.name, s.purpose])).toEqual([["all/line", "redact"], ["all", "redact"]])
    expect(plugins.requestHooks.map((h) => h.plugin)).toEqual(["all"])
    expect(plugins.responseEventHooks.map((h) => h.plugin)).toEqual(["all"])
  })

  test("names must be unique and not a built-in stage's; a missing file is reported", async () => {
    const plugins = await load([
      pluginFile(`export default { name: "twin", line: () => undefined }`),
      pluginFile(`export default { name: "twin", line: () => undefined }`),
      pluginFile(`export default { name: "log", line: () => undefined }`),
      join(dir, "missing.ts"),
    ])
    expect(plugins.plugins.map((p) => p.name)).toEqual(["twin"])
    expect(plugins.warnings.map((w) => w.replace(/p\d+\.ts/g, "FILE"))).toEqual([
      'plugin FILE is named "twin" like plugin FILE; skipped',
      'plugin FILE is named "log" like a built-in stage; skipped',
      "plugin missing.ts: no such file; skipped",
    ])
  })

  test("a disabled plugin keeps its stages (a rule may enable them) but not its proxy hooks", async () => {
    const plugins = await load([pluginFile(`export default { name: "off", line: () => undefined, request: () => undefined }`)], { disabled: ["off"] })
    expect(plugins.entries[0]!.disabled).toBe(true)
    expect(plugins.stages.compress.map((s) => s.name)).toEqual(["off/line"])
    expect(plugins.requestHooks).toEqual([])
  })
})

describe("trust: plugins found by directory scan", () => {
  const project = join(dir, "project")
  const home = join(dir, "scan-home")
  const env = { HOME: home }
  mkdirSync(join(project, "plugins"), { recursive: true })
  mkdirSync(join(home, ".config/headroom/plugins"), { recursive: true })
  const trust = (records: Record<string, string>) =>
    writeFileSync(join(home, ".config/headroom/trusted-plugins.json"), JSON.stringify({ version: 1, trusted: records }))
  const scan = () => load([], { cwd: project, env })

  test("run only once trusted, and not after their file changed", async () => {
    const local = join(project, "plugins/local.ts")
    writeFileSync(local, `export default { name: "local", line: (l) => l.replace("a", "b") }`)
    writeFileSync(join(project, "plugins/local.test.ts"), "not a plugin")
    writeFileSync(join(project, "plugins/README.md"), "not a plugin")
    writeFileSync(join(home, ".config/headroom/plugins/user.js"), `export default { name: "user", line: () => undefined }`)
    trust({})
    const untrusted = await scan()
    expect(untrusted.plugins).toEqual([])
    // One line for every file awaiting trust.
    expect(untrusted.warnings).toEqual([
      "plugins plugins/local.ts ~/.config/headroom/plugins/user.js are not trusted, so they were skipped: read them, then run `headroom plugins trust plugins/local.ts ~/.config/headroom/plugins/user.js`",
    ])
    const hash = new Bun.CryptoHasher("sha256").update(await Bun.file(local).bytes()).digest("hex")
    trust({ [local]: hash })
    const trusted = await scan()
    expect(trusted.plugins.map((p) => p.name)).toEqual(["local"])
    expect(trusted.entries.map((e) => [e.display, e.source, e.trust])).toEqual([
      ["plugins/local.ts", "scan", "trusted"],
      ["~/.config/headroom/plugins/user.js", "scan", "untrusted"],
    ])
    writeFileSync(local, `export default { name: "local", line: () => null }`)
    const changed = await scan()
    expect(changed.plugins).toEqual([])
    expect(changed.entries[0]!.trust).toBe("changed")
    expect(changed.warnings[1]).toBe(
      "plugin plugins/local.ts changed since it was trusted, so it was skipped: read it, then run `headroom plugins trust plugins/local.ts` again",
    )
  })

  test("a plugin named explicitly needs no trust, and is not scanned a second time", async () => {
    const local = join(project, "plugins/local.ts")
    const plugins = await load([local], { cwd: project, env, fromFlags: ["plugins/local.ts"] })
    expect(plugins.entries.map((e) => [e.display, e.source, e.trust])).toEqual([
      ["plugins/local.ts", "flag", "named"],
      ["~/.config/headroom/plugins/user.js", "scan", "untrusted"],
    ])
    expect(plugins.plugins.map((p) => p.name)).toEqual(["local"])
  })

  test("a plugin edited after it was loaded is not loaded again when its thread restarts", async () => {
    const file = pluginFile(`export default { name: "edited", timeoutMs: 100, block: { run: () => new Promise(() => {}) } }`)
    const plugins = await load([file])
    writeFileSync(file, `export default { name: "edited", block: { run: (b) => ({ ...b, text: "evil" }) } }`)
    const first = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(first.summary.errors[0]).toContain("timed out after 100 ms")
    const second = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(second.text).toBe(LOG)
    expect(second.summary.errors[0]).toContain("could not be started again (the file changed since it was found): it is off for the rest of the run")
  })
})

describe("the context a plugin's hooks get on their thread", () => {
  test("retain and marker work as in a built-in stage: markers redeem the original", async () => {
    const file = pluginFile(`
      export default { name: "keep-errors", block: { kinds: ["log"], run: (block, ctx) => {
        const lines = block.text.split("\\n")
        const kept = lines.filter((l) => l.includes("ERROR"))
        const hash = ctx.retain(block.text)
        return { ...block, text: kept.join("\\n") + "\\n" + ctx.marker({ summary: (lines.length - kept.length) + " lines omitted", hash, range: { from: 1, to: 2 } }) + "\\n" }
      } } }`)
    const plugins = await load([file])
    const input = `${LOG}2024-05-01 10:01:00 ERROR upstream timed out\n`
    const { text, summary } = await store.compress(input, { stages: stagesOf(plugins), kind: "log" })
    expect(summary.transforms).toEqual(["keep-errors"])
    expect(text).toMatch(/^2024-05-01 10:01:00 ERROR upstream timed out\n\[… 61 lines omitted · retrieve [0-9a-f]{12}:1-2\]\n$/)
    expect(await redeemAll(store, text)).toEqual([LOG.split("\n").slice(0, 2).join("\n") + "\n"])
  })

  test("state lasts across the segments of one stream; options, strategy, segment and countTokens arrive", async () => {
    const file = pluginFile(`
      export default { name: "observer", block: { run: (block, ctx) => {
        const seen = ctx.state(() => ({ blocks: 0 }))
        seen.blocks++
        const facts = [seen.blocks, ctx.segment.index, ctx.segment.last, ctx.strategy, ctx.options.keepPatterns.map(String).join(), ctx.countTokens("hello world")]
        return { ...block, text: facts.join(" ") + "\\n" }
      } } }`)
    const plugins = await load([file])
    const { text, summary } = await store.compress(LOG.repeat(40), {
      stages: stagesOf(plugins),
      kind: "log",
      strategy: "aggressive",
      segmentBytes: 64 * 1024,
      options: { lossless: false, keepSymbols: [], keepPatterns: [/ERROR/i] },
    })
    expect(summary.segments).toBeGreaterThan(1)
    const expected = Array.from({ length: summary.segments }, (_, i) => `${i + 1} ${i} ${i === summary.segments - 1} aggressive /ERROR/i 2\n`)
    expect(text).toBe(expected.join(""))
  })

  test("a line hook: dropped runs redeem exactly their lines, rewritten lines the whole block", async () => {
    const file = pluginFile(`
      export default { name: "lines", line: (line, ctx) => line.includes("request 1") ? null : line.endsWith("9 ms") ? line.replace(/\\d+ ms$/, "N ms") + " #" + ctx.lineNumber : undefined }`)
    const plugins = await load([file])
    const { text, summary } = await store.compress(LOG, { stages: stagesOf(plugins), kind: "log" })
    expect(summary.transforms).toEqual(["lines/line"])
    expect(text).toContain("2024-05-01 10:00:03 INFO request 3 served in N ms #4\n")
    const markers = [...text.matchAll(/\[… (\d+) lines? (dropped|rewritten) by lines · retrieve [0-9a-f]{12}(?::(\d+)-(\d+))?\]/g)]
    expect(markers.map((m) => [m[1], m[2], m[3], m[4]])).toEqual([
      ["1", "dropped", "2", "2"],
      ["10", "dropped", "11", "20"],
      ["5", "rewritten", undefined, undefined],
    ])
    const redeemed = await redeemAll(store, text)
    expect(redeemed[1]).toBe(LOG.split("\n").slice(10, 20).join("\n") + "\n")
    expect(redeemed[2]).toBe(LOG)
  })

  test("a redact plugin runs before every stage, is kept even when longer, and stores nothing", async () => {
    const redact = pluginFile(`export default { name: "mask", purpose: "redact", block: { run: (b) => ({ ...b, text: b.text.replaceAll("request", "[REDACTED:word]") }) } }`)
    const retains = pluginFile(`export default { name: "bad-mask", purpose: "redact", block: { run: (b, ctx) => { ctx.retain(b.text); return b } } }`)
    const plugins = await load([redact, retains])
    const { text, summary } = await store.compress(LOG, { stages: [...stagesOf(plugins), ...BUILT_IN_STAGES], kind: "log" })
    expect(summary.transforms[0]).toBe("mask")
    expect(text).not.toContain("request")
    expect(summary.errors[0]).toContain("plugin bad-mask (p")
    expect(summary.errors[0]).toContain("threw Error: a redact plugin can't call ctx.retain: what it replaces is never stored; block left as it was")
    for (const original of await redeemAll(store, text)) expect(original).not.toContain(" request ")
  })
})
