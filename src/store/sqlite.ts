import { Database } from "bun:sqlite"
import { chmodSync, mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { Effect, Layer } from "effect"
import { encodeLossless } from "../io/utf8.ts"
import { OriginalsStore, StoreError, type Original, type StoredOriginal } from "./index.ts"

export interface SqliteStoreOptions {
  readonly path: string
  /** Originals unused for this long are deleted. */
  readonly ttlMs: number
  /** Upper bound on stored (compressed) bytes; least recently used originals go first. */
  readonly maxBytes: number
}

// Originals below this size are stored as-is: zstd's frame overhead would not pay off.
const COMPRESS_ABOVE = 512

const SCHEMA = `
CREATE TABLE IF NOT EXISTS originals (
  hash        TEXT PRIMARY KEY,
  kind        TEXT,
  codec       TEXT NOT NULL,
  size        INTEGER NOT NULL,
  stored_size INTEGER NOT NULL,
  data        BLOB NOT NULL,
  created_at  INTEGER NOT NULL,
  accessed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS originals_accessed_at ON originals (accessed_at);
`

/**
 * The embedded store: one SQLite file (WAL, so a proxy and CLI runs can share it), opened on first
 * use, created owner-only because originals may hold anything a tool printed.
 */
export const makeSqliteStore = (options: SqliteStoreOptions) => {
  let db: Database | undefined
  const open = (): Database => {
    if (db !== undefined) return db
    mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 })
    const opened = new Database(options.path, { create: true })
    try {
      chmodSync(options.path, 0o600)
    } catch {
      // not fatal: a filesystem without permissions
    }
    opened.exec("PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
    opened.exec(SCHEMA)
    opened.query("DELETE FROM originals WHERE accessed_at < ?").run(Date.now() - options.ttlMs)
    db = opened
    return opened
  }

  const attempt = <A>(what: string, f: () => A) =>
    Effect.try({
      try: f,
      catch: (cause) =>
        new StoreError({ message: `originals store at ${options.path}: ${what} failed: ${String((cause as Error)?.message ?? cause)}`, cause }),
    })

  // Bytes stored, known after the first write; other processes may write too, so the cap is
  // checked against the real sum whenever this running figure says it may be exceeded.
  let storedBytes: number | undefined

  const put = (originals: ReadonlyArray<Original>) =>
    originals.length === 0
      ? Effect.void
      : attempt("write", () => {
          const d = open()
          const now = Date.now()
          storedBytes ??= totalStored(d)
          const touch = d.query("UPDATE originals SET accessed_at = ?1 WHERE hash = ?2")
          const insert = d.query(
            `INSERT OR IGNORE INTO originals (hash, kind, codec, size, stored_size, data, created_at, accessed_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)`,
          )
          d.transaction(() => {
            for (const o of originals) {
              // Seen before (a resent conversation, a re-run): only its last use moves.
              if (touch.run(now, o.hash).changes > 0) continue
              const bytes = o.bytes ?? encodeLossless(o.text)
              const packed = bytes.length > COMPRESS_ABOVE ? Bun.zstdCompressSync(bytes, { level: 1 }) : bytes
              const codec = packed === bytes ? "raw" : "zstd"
              insert.run(o.hash, o.kind ?? null, codec, bytes.length, packed.length, packed, now)
              storedBytes! += packed.length
            }
          })()
          if (storedBytes > options.maxBytes) storedBytes = enforceCap(d, options.maxBytes)
        })

  const get = (hashOrPrefix: string) =>
    attempt("read", () => {
      // Anything but 12+ hex digits would reach GLOB as a pattern ("*" matches everything).
      if (!/^[0-9a-f]{12,64}$/i.test(hashOrPrefix)) return undefined
      const d = open()
      const rows = d
        .query<{ hash: string; kind: string | null; codec: string; data: Uint8Array; created_at: number }, [string]>(
          "SELECT hash, kind, codec, data, created_at FROM originals WHERE hash GLOB ?1 || '*' LIMIT 2",
        )
        .all(hashOrPrefix.toLowerCase())
      if (rows.length !== 1) {
        if (rows.length > 1) throw new Error(`prefix ${hashOrPrefix} is ambiguous; give more digits`)
        return undefined
      }
      const row = rows[0]!
      d.query("UPDATE originals SET accessed_at = ? WHERE hash = ?").run(Date.now(), row.hash)
      const data = new Uint8Array(row.data)
      const stored: StoredOriginal = {
        hash: row.hash,
        kind: row.kind,
        createdAt: row.created_at,
        bytes: row.codec === "zstd" ? new Uint8Array(Bun.zstdDecompressSync(data)) : data,
      }
      return stored
    })

  return { enabled: true, put, get } as const
}

const totalStored = (d: Database): number =>
  d.query<{ total: number | null }, []>("SELECT SUM(stored_size) AS total FROM originals").get()?.total ?? 0

/** Deletes least recently used originals until the store fits `maxBytes`; returns what is left. */
const enforceCap = (d: Database, maxBytes: number): number => {
  const total = totalStored(d)
  if (total <= maxBytes) return total
  let excess = total - maxBytes
  const victims = d
    .query<{ hash: string; stored_size: number }, []>("SELECT hash, stored_size FROM originals ORDER BY accessed_at, hash")
    .all()
  const del = d.query("DELETE FROM originals WHERE hash = ?")
  d.transaction(() => {
    for (const v of victims) {
      if (excess <= 0) break
      del.run(v.hash)
      excess -= v.stored_size
    }
  })()
  return totalStored(d)
}

export const SqliteStoreLayer = (options: SqliteStoreOptions) =>
  Layer.sync(OriginalsStore, () => makeSqliteStore(options))
