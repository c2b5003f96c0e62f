import { afterAll, describe, expect, test } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

const main = resolve(import.meta.dir, "../../main.ts")
const dir = mkdtempSync(join(tmpdir(), "headroom-plugins-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const headroom = (args: Array<string>) => {
  const result = Bun.spawnSync([process.execPath, main, "plugins", ...args], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: join(dir, "home"), HEADROOM_HOME: join(dir, "store") },
  })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}

describe("headroom plugins", () => {
  test("says where it looked when there are none", () => {
    expect(headroom(["list"])).toEqual({
      code: 0,
      stdout: "no plugins: none named (--plugin, the config's plugins:, $HEADROOM_PLUGINS) and none in ./plugins/ or ./home/.config/headroom/plugins/\n",
      stderr: "",
    })
  })

  test("trust with no PATH trusts every plugin found that isn't; untrust forgets one", () => {
    mkdirSync(join(dir, "plugins"))
    mkdirSync(join(dir, "home/.config/headroom/plugins"), { recursive: true })
    writeFileSync(join(dir, "plugins/a.ts"), `export default { name: "a", line: () => undefined }`)
    writeFileSync(join(dir, "home/.config/headroom/plugins/b.js"), `export default { name: "b", request: () => undefined }`)
    const trusted = headroom(["trust"])
    expect(trusted.code).toBe(0)
    expect(trusted.stdout).toMatch(/^trusted plugins\/a\.ts \(sha256 [0-9a-f]{12}\)\ntrusted home\/\.config\/headroom\/plugins\/b\.js \(sha256 [0-9a-f]{12}\)\n$/)
    expect(statSync(join(dir, "home/.config/headroom/trusted-plugins.json")).mode & 0o777).toBe(0o600)
    expect(headroom(["trust"]).stdout).toBe("nothing to trust: every plugin in ./plugins/ and ./home/.config/headroom/plugins/ is trusted already\n")
    expect(headroom(["list"]).stdout).toBe(
      [
        "NAME  HOOKS    PURPOSE   SOURCE  TRUST    FILE",
        "a     line     compress  scan    trusted  plugins/a.ts",
        "b     request  compress  scan    trusted  home/.config/headroom/plugins/b.js",
        "",
      ].join("\n"),
    )
    expect(headroom(["untrust", "plugins/a.ts", "plugins/zzz.ts"]).stdout).toBe("untrusted plugins/a.ts\nplugins/zzz.ts was not trusted\n")
    expect(headroom(["list", "--json"]).stdout.split("\n")[0]).toBe(`{"file":"${join(dir, "plugins/a.ts")}","source":"scan","trust":"untrusted","disabled":false}`)
  })

  test("refuses what it can't do, saying why", () => {
    expect(headroom(["trust", "nope.ts"])).toMatchObject({ code: 1, stderr: "headroom: cannot read nope.ts: no such file\n" })
    expect(headroom(["trsut"])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown subcommand "trsut" (did you mean trust?)') })
    writeFileSync(join(dir, "home/.config/headroom/trusted-plugins.json"), "{ not json")
    const broken = headroom(["trust", "plugins/a.ts"])
    expect(broken.code).toBe(1)
    expect(broken.stderr).toStartWith(`headroom: cannot read ${join(dir, "home/.config/headroom/trusted-plugins.json")}: not a trust file: JSON Parse error`)
    expect(broken.stderr).toEndWith("; fix or remove it\n")
  })
})
