import { afterEach, beforeEach, describe, expect, test } from "bun:test"
import { Database } from "bun:sqlite"
import { mkdtempSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { encodeLossless } from "../io/utf8.ts"
import { DisabledStore, OriginalsStore, StoreError, contentHash } from "./index.ts"
import { SqliteStoreLayer, makeSqliteStore, type SqliteStoreOptions } from "./sqlite.ts"

const DAY = 24 * 3600 * 1000
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
const sha256 = (b: Uint8Array): string => new Bun.CryptoHasher("sha256").update(b).digest("hex")
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const fake = (head: string): string => head.padEnd(64, "0")

let dir: string
let dbPath: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "headroom-store-test-"))
  dbPath = join(dir, "home", "nested", "headroom.db")
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const open = (options: Partial<SqliteStoreOptions> = {}) =>
  makeSqliteStore({ path: dbPath, ttlMs: 7 * DAY, maxBytes: 1024 * 1024 * 1024, ...options })

describe("contentHash", () => {
  test("is the SHA-256 hex of the lossless-encoded bytes", () => {
    for (const text of ["", "hello\n", "日本 😀", "bad \uDCFF\uDC80 bytes"]) {
      expect(contentHash(text)).toBe(sha256(encodeLossless(text)))
      expect(contentHash(text)).toMatch(/^[0-9a-f]{64}$/)
    }
    // Escapes hash as the raw bytes they stand for, not as U+FFFD.
    expect(contentHash("\uDCFF")).toBe(sha256(Uint8Array.of(0xff)))
  })
})

describe("SQLite originals store", () => {
  test("put then get by full hash and by 12-digit prefix returns the exact bytes", async () => {
    const store = open()
    expect(store.enabled).toBe(true)
    const small = "first line\nbad byte \uDCFF here, and \uDC80\uDCC3 more\n日本語 😀\n"
    let large = ""
    for (let i = 0; large.length < 100 * 1024; i++) large += `${i} INFO worker-${i % 7} processed \uDCFF item ${i * 31}\n`
    const originals = [
      { hash: contentHash(small), text: small, kind: "text" },
      { hash: contentHash(large), text: large, kind: "log" },
    ]
    await Effect.runPromise(store.put(originals))
    for (const o of originals) {
      const expected = hex(encodeLossless(o.text))
      const byFull = await Effect.runPromise(store.get(o.hash))
      expect(byFull).toBeDefined()
      expect(hex(byFull!.bytes)).toBe(expected)
      expect(byFull!.hash).toBe(o.hash)
      expect(byFull!.kind).toBe(o.kind)
      expect(sha256(byFull!.bytes)).toBe(o.hash)

      const byPrefix = await Effect.runPromise(store.get(o.hash.slice(0, 12)))
      expect(byPrefix?.hash).toBe(o.hash)
      expect(hex(byPrefix!.bytes)).toBe(expected)

      // References may be typed in uppercase.
      expect((await Effect.runPromise(store.get(o.hash.slice(0, 12).toUpperCase())))?.hash).toBe(o.hash)
    }
    // The large original is stored zstd-compressed, and well below its raw size.
    const db = new Database(dbPath, { readonly: true })
    const row = db.query<{ codec: string; size: number; stored_size: number }, [string]>(
      "SELECT codec, size, stored_size FROM originals WHERE hash = ?",
    ).get(contentHash(large))
    db.close()
    expect(row?.codec).toBe("zstd")
    expect(row!.size).toBe(encodeLossless(large).length)
    expect(row!.stored_size).toBeLessThan(row!.size / 2)
  })

  test("the store survives reopening: a new instance on the same path finds what was put", async () => {
    const text = "kept across runs\n"
    await Effect.runPromise(open().put([{ hash: contentHash(text), text }]))
    const found = await Effect.runPromise(open().get(contentHash(text)))
    expect(found).toBeDefined()
    expect(new TextDecoder().decode(found!.bytes)).toBe(text)
    expect(found!.kind).toBeNull()
  })

  test("an unknown hash gives undefined", async () => {
    const store = open()
    expect(await Effect.runPromise(store.get(fake("abcdefabcdef")))).toBeUndefined()
    await Effect.runPromise(store.put([{ hash: contentHash("x"), text: "x" }]))
    expect(await Effect.runPromise(store.get("abcdefabcdef"))).toBeUndefined()
  })

  test("putting the same original twice keeps one copy", async () => {
    const store = open()
    const text = "same\n"
    await Effect.runPromise(store.put([{ hash: contentHash(text), text }]))
    await Effect.runPromise(store.put([{ hash: contentHash(text), text }]))
    const found = await Effect.runPromise(store.get(contentHash(text).slice(0, 12)))
    expect(new TextDecoder().decode(found!.bytes)).toBe(text)
  })

  test("an ambiguous prefix fails with a StoreError saying so", async () => {
    const store = open()
    const a = fake("aaaaaaaaaaaa1111")
    const b = fake("aaaaaaaaaaaa2222")
    await Effect.runPromise(store.put([
      { hash: a, text: "first" },
      { hash: b, text: "second" },
    ]))
    const error = await Effect.runPromise(Effect.flip(store.get("aaaaaaaaaaaa")))
    expect(error).toBeInstanceOf(StoreError)
    expect(error._tag).toBe("StoreError")
    expect(error.message).toContain("ambiguous")
    expect(error.message).toContain("aaaaaaaaaaaa")
    // More digits resolve it.
    expect(new TextDecoder().decode((await Effect.runPromise(store.get("aaaaaaaaaaaa2")))!.bytes)).toBe("second")
    expect((await Effect.runPromise(store.get(a)))?.hash).toBe(a)
  })

  test("entries unused for longer than the TTL are gone when the store is next opened", async () => {
    const text = "short-lived\n"
    const hash = contentHash(text)
    const first = open({ ttlMs: 40 })
    await Effect.runPromise(first.put([{ hash, text }]))
    expect(await Effect.runPromise(first.get(hash))).toBeDefined()
    await sleep(120)
    expect(await Effect.runPromise(open({ ttlMs: 40 }).get(hash))).toBeUndefined()
  })

  test("entries within the TTL survive reopening", async () => {
    const text = "still fresh\n"
    const hash = contentHash(text)
    await Effect.runPromise(open({ ttlMs: 60_000 }).put([{ hash, text }]))
    await sleep(20)
    expect(await Effect.runPromise(open({ ttlMs: 60_000 }).get(hash))).toBeDefined()
  })

  test("over the size cap, the least recently accessed originals go first; a get refreshes", async () => {
    // Raw (uncompressed) originals of 200 bytes each; the cap holds two.
    const store = open({ maxBytes: 450 })
    const make = (c: string) => ({ hash: fake(c.repeat(12)), text: c.repeat(200) })
    const a = make("a")
    const b = make("b")
    const c = make("c")
    const d = make("d")
    await Effect.runPromise(store.put([a]))
    await sleep(5)
    await Effect.runPromise(store.put([b]))
    await sleep(5)
    expect(await Effect.runPromise(store.get(a.hash))).toBeDefined() // a is now fresher than b
    await sleep(5)
    await Effect.runPromise(store.put([c])) // 600 bytes > 450: b goes
    await sleep(5)
    expect(await Effect.runPromise(store.get(b.hash))).toBeUndefined()
    expect(await Effect.runPromise(store.get(a.hash))).toBeDefined() // refreshes a again
    await sleep(5)
    await Effect.runPromise(store.put([d])) // c is now the least recently used
    expect(await Effect.runPromise(store.get(c.hash))).toBeUndefined()
    expect(hex((await Effect.runPromise(store.get(a.hash)))!.bytes)).toBe(hex(encodeLossless(a.text)))
    expect(await Effect.runPromise(store.get(d.hash))).toBeDefined()
  })

  test("the database file is created owner-only (0600) in an owner-only directory (0700)", async () => {
    await Effect.runPromise(open().put([{ hash: contentHash("secret"), text: "secret" }]))
    expect(statSync(dbPath).mode & 0o777).toBe(0o600)
    // The WAL side files hold originals too.
    for (const side of ["-wal", "-shm"]) expect(statSync(dbPath + side).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, "home", "nested")).mode & 0o777).toBe(0o700)
    expect(statSync(join(dir, "home")).mode & 0o777).toBe(0o700)
  })

  test("nothing is created until the store is used", () => {
    open()
    expect(() => statSync(join(dir, "home"))).toThrow()
  })

  test("SqliteStoreLayer provides an enabled store", async () => {
    const text = "via layer\n"
    const program = Effect.gen(function* () {
      const store = yield* OriginalsStore
      yield* store.put([{ hash: contentHash(text), text }])
      const found = yield* store.get(contentHash(text))
      return { enabled: store.enabled, text: found === undefined ? undefined : new TextDecoder().decode(found.bytes) }
    })
    const result = await Effect.runPromise(Effect.provide(program, SqliteStoreLayer({ path: dbPath, ttlMs: DAY, maxBytes: 1 << 20 })))
    expect(result).toEqual({ enabled: true, text })
  })
})

describe("DisabledStore", () => {
  test("is disabled, accepts puts and finds nothing", async () => {
    const program = Effect.gen(function* () {
      const store = yield* OriginalsStore
      yield* store.put([{ hash: contentHash("x"), text: "x" }])
      return { enabled: store.enabled, found: yield* store.get(contentHash("x")) }
    })
    const result = await Effect.runPromise(Effect.provide(program, DisabledStore))
    expect(result.enabled).toBe(false)
    expect(result.found).toBeUndefined()
  })
})

describe("lookups that are not hashes", () => {
  test("find nothing, even where SQLite GLOB would match everything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "headroom-glob-"))
    const store = makeSqliteStore({ path: join(dir, "h.db"), ttlMs: 3_600_000, maxBytes: 1 << 30 })
    await Effect.runPromise(store.put([{ hash: "ab".repeat(32), text: "x" }]))
    for (const probe of ["", "*", "ab*", "abab", "?"]) expect(await Effect.runPromise(store.get(probe))).toBeUndefined()
    rmSync(dir, { recursive: true, force: true })
  })
})
