import { homedir } from "node:os"
import { join } from "node:path"
import type { SqliteStoreOptions } from "./sqlite.ts"

export const DEFAULT_TTL_MS = 7 * 24 * 3600 * 1000
export const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024

/** Where headroom keeps its state: `$HEADROOM_HOME`, else `~/.headroom`. */
export const headroomHome = (env: Record<string, string | undefined>): string =>
  env.HEADROOM_HOME !== undefined && env.HEADROOM_HOME !== "" ? env.HEADROOM_HOME : join(homedir(), ".headroom")

/**
 * Store options from the environment: `HEADROOM_STORE_TTL` (e.g. `30m`, `12h`, `7d`, or
 * seconds) and `HEADROOM_STORE_MAX_MB`. Returns a message for a value it can't read.
 */
export const storeSettings = (env: Record<string, string | undefined>): SqliteStoreOptions | { error: string } => {
  const ttl = env.HEADROOM_STORE_TTL === undefined ? DEFAULT_TTL_MS : parseDuration(env.HEADROOM_STORE_TTL)
  if (ttl === undefined) return { error: `HEADROOM_STORE_TTL="${env.HEADROOM_STORE_TTL}" is not a duration (try 30m, 12h or 7d)` }
  const rawMax = env.HEADROOM_STORE_MAX_MB
  const maxMb = rawMax === undefined ? DEFAULT_MAX_BYTES / 1024 / 1024 : Number(rawMax)
  if (!Number.isFinite(maxMb) || maxMb <= 0) return { error: `HEADROOM_STORE_MAX_MB="${rawMax}" is not a positive number of megabytes` }
  return { path: join(headroomHome(env), "headroom.db"), ttlMs: ttl, maxBytes: Math.round(maxMb * 1024 * 1024) }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export const parseDuration = (text: string): number | undefined => {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/.exec(text)
  if (m === null) return undefined
  const ms = Number(m[1]) * UNITS[m[2] === "" ? "s" : m[2]!]!
  return ms > 0 ? ms : undefined
}
