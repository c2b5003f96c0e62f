/** Where plugins are found, and how their files are named and fingerprinted in messages. */
import { readFileSync, readdirSync, realpathSync, statSync } from "node:fs"
import { join } from "node:path"
import { displayName, userConfigDir, userHome } from "../config/files.ts"

export type Env = Readonly<Record<string, string | undefined>>

/** How a plugin came to be in the run: named (trusted by that) or found by a directory scan. */
export type PluginSource = "flag" | "config" | "scan"

export interface PluginFile {
  /** Absolute, symbolic links resolved: the key of its trust record. */
  readonly file: string
  readonly source: PluginSource
  /** Why a named file can't be used ("no such file"). */
  readonly problem?: string
}

/** The directories scanned for plugins, in order: the project's, then the user's. */
export const pluginDirs = (cwd: string, env: Env): ReadonlyArray<string> => [join(cwd, "plugins"), join(userConfigDir(env), "plugins")]

const PLUGIN_FILE = /\.(?:ts|js)$/
const NOT_A_PLUGIN = /\.(?:test|spec)\.|\.d\.ts$|^README/i

/** Plugin files directly in `dir` (not below it), sorted by name; none when it doesn't exist. */
export const scanDir = (dir: string): ReadonlyArray<string> => {
  let names: Array<string>
  try {
    names = readdirSync(dir)
  } catch {
    return []
  }
  return names
    .filter((name) => PLUGIN_FILE.test(name) && !NOT_A_PLUGIN.test(name))
    .sort()
    .map((name) => join(dir, name))
    .filter((path) => {
      try {
        return statSync(path).isFile()
      } catch {
        return false
      }
    })
}

/** SHA-256 (hex) of a file's bytes: what trust records. */
export const fileHash = (file: string): string => new Bun.CryptoHasher("sha256").update(readFileSync(file)).digest("hex")

export const realPath = (file: string): string => {
  try {
    return realpathSync(file)
  } catch {
    return file
  }
}

/** A file as the user would type it: relative to cwd when below it, ~/… in the home directory. */
export const displayPath = (file: string, cwd: string, env: Env): string => displayName(file, cwd, userHome(env))
