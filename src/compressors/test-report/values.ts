import { splitLines } from "./report.ts"

/** Narrowing for parsed JSON: each gives undefined for a value of another type. */

export const asRecord = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined

export const asArray = (v: unknown): ReadonlyArray<unknown> | undefined => (Array.isArray(v) ? v : undefined)

export const asNumber = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined)

export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined)

/** The last part of a path, POSIX or Windows. */
export const baseName = (path: string): string => path.slice(Math.max(path.lastIndexOf("/"), path.lastIndexOf("\\")) + 1)

/** A value as the lines a reader sees: strings as they are, anything else as JSON. */
export const valueLines = (v: unknown): Array<string> => {
  if (typeof v === "string") return splitLines(v)
  try {
    return splitLines(JSON.stringify(v, null, 2) ?? String(v))
  } catch {
    // Cycles or nesting too deep to print: say what it is rather than fail.
    return [Array.isArray(v) ? "[array]" : `[${typeof v}]`]
  }
}
