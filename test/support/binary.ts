/**
 * The compiled binary for end-to-end tests, copied alone into an empty temporary directory (no
 * node_modules, no sources beside it). `HEADROOM_TEST_BINARY` points at another build.
 */
import { afterAll, beforeAll } from "bun:test"
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

export interface BinaryResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly bytes: Buffer
}

export type BinaryRun = (args: Array<string>, stdin?: Uint8Array | string, env?: Record<string, string>) => BinaryResult

/** Call at the top of a test file; the returned function gives the directory, binary and runner. */
export const useBinary = () => {
  const built = process.env.HEADROOM_TEST_BINARY ?? resolve(import.meta.dir, "../../dist/headroom")
  let dir = ""
  let bin = ""
  beforeAll(() => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`bun run build\` (npm test does it)`)
    dir = mkdtempSync(join(tmpdir(), "headroom-e2e-"))
    bin = join(dir, "headroom")
    copyFileSync(built, bin)
    Bun.spawnSync(["chmod", "+x", bin])
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  const run: BinaryRun = (args, stdin, env = {}) => {
    const result = Bun.spawnSync([bin, ...args], {
      cwd: dir,
      stdin: stdin === undefined ? "ignore" : typeof stdin === "string" ? new TextEncoder().encode(stdin) : stdin,
      env: { PATH: "/usr/bin:/bin", HOME: dir, HEADROOM_HOME: join(dir, "home"), ...env },
    })
    return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString(), bytes: result.stdout }
  }
  return () => ({ dir, bin, run })
}
