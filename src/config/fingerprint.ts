import { createHash } from "node:crypto"
import type { Settings } from "./types.ts"

/**
 * sha256 (hex) over the settings that can change an output and the text of every rule file.
 * Left out: how many jobs run and where/how long originals are kept, which change no output, and
 * where the rule files are (moving a project changes no output either).
 */
export const fingerprintOf = (settings: Settings, ruleFiles: ReadonlyArray<string>): string => {
  // How many jobs run and how the proxy is reached change no output.
  const { jobs: _jobs, proxy: _proxy, store, ...rest } = settings
  const canonical = canonicalJson({ settings: { ...rest, store: store.enabled }, ruleFiles })
  return createHash("sha256").update(canonical).digest("hex")
}

/** JSON with object keys sorted and regexes as `/source/flags`, so equal settings hash equally. */
const canonicalJson = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof RegExp) return String(v)
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  })
