/**
 * End-to-end: plugins loaded at run time by the compiled binary, from an empty directory with
 * the plugin files beside it.
 */
import { beforeAll, describe, expect, test } from "bun:test"
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { parseMarkers } from "../../src/markers/index.ts"
import { useBinary, type BinaryRun } from "../support/binary.ts"

const binary = useBinary()
let dir = ""
let run: BinaryRun
beforeAll(() => {
  ;({ dir, run } = binary())
})

const write = (path: string, text: string) => {
  mkdirSync(join(dir, path, ".."), { recursive: true })
  writeFileSync(join(dir, path), text)
}

const LOG =
  Array.from({ length: 400 }, (_, i) => `2024-05-01 12:00:${String(i % 60).padStart(2, "0")} ${i % 3 === 0 ? "DEBUG" : "INFO "} fetched /api/items/${i} in ${(i * 7) % 90} ms`).join("\n") +
  "\n2024-05-01 12:09:59 ERROR upstream refused connection to db-3:5432\n"

/** A plugin with a line and a block hook, that counts tokens and prints (to stderr) as it goes. */
const TAGGER = `
const plugin = {
  name: "tagger",
  line: (line) => (line.includes("/api/items/1") ? null : undefined),
  block: {
    kinds: ["log"],
    run: (block, ctx) => {
      console.log("tagger saw a block")
      return { ...block, text: block.text.replace(/ in \\d+ ms/g, "") + "[tagger counted " + ctx.countTokens("hello world") + " tokens]\\n" }
    },
  },
}
export default plugin
`

describe("plugins in the compiled binary", () => {
  test("--plugin PATH runs the plugin's hooks; its markers redeem; what it prints goes to stderr", () => {
    write("tagger.ts", TAGGER)
    const out = run(["compress", "--plugin", "./tagger.ts", "--strategy", "conservative", "--json"], LOG)
    expect(out.code).toBe(0)
    const result = JSON.parse(out.stdout) as { text: string; transforms: Array<string> }
    expect(result.transforms.slice(0, 2)).toEqual(["tagger/line", "tagger"])
    expect(result.text).toContain("ERROR upstream refused connection to db-3:5432\n[tagger counted 2 tokens]\n")
    expect(out.stderr).toContain("tagger saw a block")
    const marker = parseMarkers(result.text).find((m) => m.summary === "1 line dropped by tagger")!
    expect(marker.range).toEqual({ from: 2, to: 2 })
    expect(run(["retrieve", `${marker.hash}:2-2`])).toMatchObject({ code: 0, stdout: `${LOG.split("\n")[1]}\n` })
  })

  test("a plugin that hangs, throws or returns garbage is named and skipped; the run goes on and succeeds", () => {
    write("spin.ts", `export default { name: "spin", timeoutMs: 300, block: { run: () => { while (true) {} } } }`)
    write("throws.js", `export default { name: "throws", line: () => { throw new Error("bad line") } }`)
    write("garbage.ts", `export default { name: "garbage", block: { run: () => 42 } }`)
    write("broken.ts", `export default { name: "broken", block: { run: ( } }`)
    const started = performance.now()
    const out = run(["compress", ...["spin.ts", "throws.js", "garbage.ts", "broken.ts"].flatMap((p) => ["--plugin", p])], LOG)
    expect(performance.now() - started).toBeLessThan(5_000)
    expect(out.code).toBe(0)
    expect(out.stdout).toContain("ERROR upstream refused connection")
    expect(out.stderr).toContain("plugin broken.ts could not be loaded: syntax error at line 1")
    expect(out.stderr).toContain("plugin spin (spin.ts) timed out after 300 ms; block left as it was")
    expect(out.stderr).toContain("plugin throws (throws.js) threw Error: bad line; block left as it was")
    expect(out.stderr).toContain("plugin garbage (garbage.ts) returned a number instead of a block, Unchanged or undefined; block left as it was")
  })

  test("a plugin in ./plugins/ runs only once trusted, and again only after a change is trusted", () => {
    write("plugins/shout.ts", `export default { name: "shout", line: (line) => (line.includes("ERROR") ? line.toUpperCase() : line.includes("/api/items/1") ? null : undefined) }`)
    write("plugins/shout.test.ts", "not a plugin")
    write("plugins/README.md", "not a plugin")
    const untrusted = run(["compress"], LOG)
    expect(untrusted.code).toBe(0)
    expect(untrusted.stderr).toBe(
      "headroom: plugin plugins/shout.ts is not trusted, so it was skipped: read it, then run `headroom plugins trust plugins/shout.ts`\n",
    )
    expect(untrusted.stdout).toContain("ERROR upstream")

    const listed = run(["plugins", "list"])
    expect(listed.code).toBe(0)
    expect(listed.stdout).toContain("scan    untrusted  plugins/shout.ts")

    const trusted = run(["plugins", "trust", "plugins/shout.ts"])
    expect(trusted).toMatchObject({ code: 0, stdout: expect.stringMatching(/^trusted plugins\/shout\.ts \(sha256 [0-9a-f]{12}\)\n$/) })
    const after = run(["compress"], LOG)
    expect(after.stderr).toBe("")
    expect(after.stdout).toContain("2024-05-01 12:09:59 ERROR UPSTREAM REFUSED CONNECTION TO DB-3:5432")
    expect(run(["plugins", "list"]).stdout).toMatch(/shout +line +compress +scan +trusted +plugins\/shout\.ts/)

    write("plugins/shout.ts", `export default { name: "shout", line: () => null }`)
    const changed = run(["compress"], LOG)
    expect(changed.stderr).toBe(
      "headroom: plugin plugins/shout.ts changed since it was trusted, so it was skipped: read it, then run `headroom plugins trust plugins/shout.ts` again\n",
    )
    expect(changed.stdout).toContain("ERROR upstream")
    expect(run(["plugins", "list", "--json"]).stdout).toContain('"trust":"changed"')
    expect(readFileSync(join(dir, ".config/headroom/trusted-plugins.json"), "utf8")).toContain(join(dir, "plugins/shout.ts"))
    expect(run(["plugins", "untrust", "plugins/shout.ts"]).stdout).toBe("untrusted plugins/shout.ts\n")
  })

  test("the shipped redact-secrets example masks keys before anything else sees them", () => {
    copyFileSync(resolve(import.meta.dir, "../../plugins/redact-secrets.ts"), join(dir, "redact-secrets.ts"))
    const input = `${LOG}2024-05-01 12:10:00 INFO  deploying with AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE token ghp_16C7e42F292c6912E7710c838347Ae178B4a\n`
    const out = run(["compress", "--plugin", "redact-secrets.ts", "--stats"], input)
    expect(out.code).toBe(0)
    expect(out.stdout).not.toContain("AKIAIOSFODNN7EXAMPLE")
    expect(out.stdout).not.toContain("ghp_16C7")
    expect(out.stdout).toContain("AWS_ACCESS_KEY_ID=[REDACTED:aws-access-key-id] token [REDACTED:github-token]")
    for (const marker of parseMarkers(out.stdout)) expect(run(["retrieve", marker.hash!]).stdout).not.toContain("AKIAIOSFODNN7EXAMPLE")
    expect(run(["plugins", "list", "--plugin", "redact-secrets.ts"]).stdout).toMatch(/redact-secrets +block,request +redact +flag +trusted \(named\) +redact-secrets\.ts/)
  })

  test("help lists the plugins command", () => {
    expect(run(["help"]).stdout).toContain("plugins")
    expect(run(["help", "plugins"]).stdout).toContain("headroom plugins trust [PATH ...]")
  })
})
