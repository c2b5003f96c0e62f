import { readFileSync } from "node:fs"
import { join } from "node:path"
import { atomicFileTarget } from "../io/output.ts"

/** Kept in the output directory; hidden, so a walk over that directory never takes it as input. */
export const MANIFEST_NAME = ".headroom-batch.json"
const FORMAT = 1

/** What an output was made from, by its path relative to the output directory. */
export interface ManifestEntry {
  readonly size: number
  readonly mtimeMs: number
  readonly sha256: string
  readonly fingerprint: string
  readonly outputSize: number
  readonly tokensBefore: number
  readonly tokensAfter: number
}

export type Manifest = Map<string, ManifestEntry>

/**
 * Whether an output can be kept: `fresh` when size and modification time match (the fast path,
 * no read), `verify` when only the time moved (a touch, a fresh checkout: the content hash
 * decides), `stale` otherwise. A missing or resized output, or another configuration, is stale.
 */
export type Freshness = { readonly state: "fresh" | "stale" } | { readonly state: "verify"; readonly sha256: string }

export const freshness = (
  entry: ManifestEntry | undefined,
  input: { readonly size: number; readonly mtimeMs: number },
  fingerprint: string,
  outputSize: number | undefined,
): Freshness => {
  if (entry === undefined || entry.fingerprint !== fingerprint || entry.size !== input.size || entry.outputSize !== outputSize) {
    return { state: "stale" }
  }
  return entry.mtimeMs === input.mtimeMs ? { state: "fresh" } : { state: "verify", sha256: entry.sha256 }
}

/** The manifest in `dir`; empty when there is none or it can't be read (everything is then redone). */
export const readManifest = (dir: string): Manifest => {
  const manifest: Manifest = new Map()
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(join(dir, MANIFEST_NAME), "utf8"))
  } catch {
    return manifest
  }
  const files = (parsed as { format?: unknown; files?: unknown })?.format === FORMAT ? (parsed as { files: unknown }).files : undefined
  if (typeof files !== "object" || files === null) return manifest
  for (const [rel, entry] of Object.entries(files)) if (isEntry(entry)) manifest.set(rel, entry)
  return manifest
}

/** Writes the manifest atomically, entries sorted by path: the same state gives the same bytes. */
export const writeManifest = async (dir: string, manifest: Manifest): Promise<void> => {
  const files = Object.fromEntries([...manifest.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  const target = atomicFileTarget(join(dir, MANIFEST_NAME))
  try {
    await target.write(new TextEncoder().encode(`${JSON.stringify({ format: FORMAT, files }, null, 1)}\n`))
    await target.commit()
  } catch (e) {
    target.abort()
    throw e
  }
}

const NUMBER_KEYS = ["size", "mtimeMs", "outputSize", "tokensBefore", "tokensAfter"] as const

const isEntry = (value: unknown): value is ManifestEntry => {
  if (typeof value !== "object" || value === null) return false
  const entry = value as Record<string, unknown>
  return (
    NUMBER_KEYS.every((k) => typeof entry[k] === "number") && typeof entry.sha256 === "string" && typeof entry.fingerprint === "string"
  )
}
