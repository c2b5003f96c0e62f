/**
 * Throwaway projects for tests of commands that read configuration: each case gets a fresh
 * directory holding `project/` (the working directory) and `home/` (HOME), with its files.
 */
import { afterAll } from "bun:test"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, resolve } from "node:path"

const MAIN = resolve(import.meta.dir, "../../src/cli/main.ts")

// The caller's own HEADROOM_* or XDG settings must not leak into what these tests see.
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("HEADROOM_") && k !== "XDG_CONFIG_HOME"))

export interface Project {
  readonly dir: string
  readonly cwd: string
  readonly home: string
}

/** Call at the top of a test file: `setup(files)` makes a case (paths relative to its directory). */
export const tempProjects = (prefix: string) => {
  const root = mkdtempSync(join(tmpdir(), `headroom-${prefix}-`))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  let n = 0
  return (files: Record<string, string> = {}): Project => {
    const dir = join(root, `case-${n++}`)
    mkdirSync(join(dir, "project"), { recursive: true })
    mkdirSync(join(dir, "home"), { recursive: true })
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true })
      writeFileSync(join(dir, name), text)
    }
    return { dir, cwd: join(dir, "project"), home: join(dir, "home") }
  }
}

/** Runs `headroom ARGS` from sources in the project, with its home and a clean environment. */
export const headroomIn = (project: Project, args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = Bun.spawnSync([process.execPath, MAIN, ...args], {
    cwd: project.cwd,
    stdin: "ignore",
    env: { ...cleanEnv, HOME: project.home, ...env },
  })
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() }
}
