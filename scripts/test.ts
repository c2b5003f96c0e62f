#!/usr/bin/env bun
/**
 * Runs the whole test suite: builds dist/headroom (end-to-end tests run the binary), then
 * `bun test`. Bun reports " N pass" / " N fail" on stderr; CI reads one line "N passed, N failed",
 * printed last. The exit code is bun's.
 */
import { resolve } from "node:path"

const root = resolve(import.meta.dir, "..")
const build = Bun.spawnSync([process.execPath, "scripts/build.ts"], { cwd: root, stdout: "inherit", stderr: "inherit" })
if (build.exitCode !== 0) {
  console.log("0 passed, 1 failed")
  process.exit(build.exitCode ?? 1)
}
const child = Bun.spawn([process.execPath, "test", ...process.argv.slice(2)], {
  cwd: root,
  stdout: "inherit",
  stderr: "pipe",
  env: { ...process.env, FORCE_COLOR: "0" },
})
let stderr = ""
const decoder = new TextDecoder()
for await (const chunk of child.stderr) {
  const text = decoder.decode(chunk, { stream: true })
  stderr += text
  process.stderr.write(text)
}
const code = await child.exited
const passed = Number(/^\s*(\d+) pass\b/m.exec(stderr)?.[1] ?? 0)
const failed = Number(/^\s*(\d+) fail\b/m.exec(stderr)?.[1] ?? 0)
console.log(`${passed} passed, ${code !== 0 && failed === 0 ? 1 : failed} failed`)
process.exit(code)
