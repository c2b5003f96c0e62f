import { existsSync, statSync } from "node:fs"
import { homedir } from "node:os"
import { isAbsolute, join, relative, resolve } from "node:path"
import type { ConfigIssue } from "./issues.ts"
import type { ConfigFile } from "./types.ts"

type Env = Record<string, string | undefined>

export const PROJECT_FILE = "headroom-config.yaml"

/** `$HOME` as the environment gives it (tests point it elsewhere), else the OS's idea. */
export const userHome = (env: Env): string => (env.HOME !== undefined && env.HOME !== "" ? env.HOME : homedir())

/** headroom's folder of user configuration: `$XDG_CONFIG_HOME/headroom`, default `~/.config/headroom`. */
export const userConfigDir = (env: Env): string =>
  join(env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME !== "" ? env.XDG_CONFIG_HOME : join(userHome(env), ".config"), "headroom")

/** `$XDG_CONFIG_HOME/headroom/config.yaml`, default `~/.config/headroom/config.yaml`. */
export const userConfigPath = (env: Env): string => join(userConfigDir(env), "config.yaml")

/** A path as messages show it: relative to `cwd` when inside it, `~/…` when under home. */
export const displayName = (path: string, cwd: string, home: string): string => {
  const fromCwd = relative(cwd, path)
  if (fromCwd !== "" && !fromCwd.startsWith("..") && !isAbsolute(fromCwd)) return fromCwd
  const fromHome = relative(home, path)
  if (fromHome !== "" && !fromHome.startsWith("..") && !isAbsolute(fromHome)) return `~/${fromHome}`
  return path
}

/**
 * The config files to load, user file first. The project file is `--config PATH`, else
 * `$HEADROOM_CONFIG` (either must exist), else `./headroom-config.yaml` when present; the user
 * file is loaded when present.
 */
export const discoverFiles = (input: {
  readonly cwd: string
  readonly env: Env
  readonly configPath?: string
}): { files: Array<ConfigFile>; issues: Array<ConfigIssue> } => {
  const { cwd, env } = input
  const home = userHome(env)
  const file = (path: string, layer: ConfigFile["layer"]): ConfigFile => ({ path, layer, name: displayName(path, cwd, home) })
  const issues: Array<ConfigIssue> = []
  const named =
    input.configPath !== undefined
      ? { path: resolve(cwd, input.configPath), by: "--config" }
      : env.HEADROOM_CONFIG !== undefined && env.HEADROOM_CONFIG !== ""
        ? { path: resolve(cwd, env.HEADROOM_CONFIG), by: "HEADROOM_CONFIG" }
        : undefined
  let project: string | undefined
  if (named !== undefined) {
    // Anything readable will do (`--config /dev/null` runs on defaults and the packs alone).
    const problem = !existsSync(named.path) ? "no such config file" : statSync(named.path).isDirectory() ? "a directory, not a config file" : undefined
    if (problem === undefined) project = named.path
    else issues.push({ file: displayName(named.path, cwd, home), line: 0, column: 0, message: `${problem} (named by ${named.by})` })
  } else if (isFile(join(cwd, PROJECT_FILE))) project = join(cwd, PROJECT_FILE)
  const user = userConfigPath(env)
  const files: Array<ConfigFile> = []
  if (user !== project && isFile(user)) files.push(file(user, "user"))
  if (project !== undefined) files.push(file(project, "project"))
  return { files, issues }
}

const isFile = (path: string): boolean => existsSync(path) && statSync(path).isFile()
