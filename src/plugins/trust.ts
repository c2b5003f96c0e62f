/**
 * Trust records for plugins found by directory scan: `headroom plugins trust` stores each file's
 * content hash, and a scanned plugin runs only while its file still has that hash. A file put
 * in ./plugins/ by a cloned repository therefore runs only after someone has looked at it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join } from "node:path"
import { userConfigDir } from "../config/files.ts"
import type { Env } from "./files.ts"

export type TrustState = "named" | "trusted" | "untrusted" | "changed"

export const trustFile = (env: Env): string => join(userConfigDir(env), "trusted-plugins.json")

/** The trusted content hash of each file, by absolute path. */
export type TrustRecords = ReadonlyMap<string, string>

interface TrustFileShape {
  readonly version: 1
  readonly trusted: Readonly<Record<string, string>>
}

/** Reads the records; a missing file is no records, an unreadable one an error (to show after the file's path). */
export const readTrust = (env: Env): { readonly records: TrustRecords } | { readonly error: string } => {
  const path = trustFile(env)
  let text: string
  try {
    text = readFileSync(path, "utf8")
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return { records: new Map() }
    return { error: e instanceof Error ? e.message : String(e) }
  }
  try {
    const parsed = JSON.parse(text) as Partial<TrustFileShape>
    const trusted = parsed.trusted
    if (typeof trusted !== "object" || trusted === null || Object.values(trusted).some((h) => typeof h !== "string" || !/^[0-9a-f]{64}$/.test(h))) {
      throw new Error(`expected {"version": 1, "trusted": {"/path/to/plugin.ts": "<sha256>"}}`)
    }
    return { records: new Map(Object.entries(trusted)) }
  } catch (e) {
    return { error: `not a trust file: ${e instanceof Error ? e.message : String(e)}` }
  }
}

export const trustOf = (records: TrustRecords, file: string, hash: string): TrustState => {
  const trusted = records.get(file)
  return trusted === undefined ? "untrusted" : trusted === hash ? "trusted" : "changed"
}

/** Writes the records atomically (a temporary file renamed over the old one), readable by the user alone. */
export const writeTrust = (env: Env, records: TrustRecords): void => {
  const path = trustFile(env)
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const sorted = Object.fromEntries([...records].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  const body: TrustFileShape = { version: 1, trusted: sorted }
  const temporary = `${path}.${process.pid}.tmp`
  try {
    writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 })
    chmodSync(temporary, 0o600)
    renameSync(temporary, path)
  } catch (e) {
    rmSync(temporary, { force: true })
    throw e
  }
}
