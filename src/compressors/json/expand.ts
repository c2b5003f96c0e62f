/**
 * `headroom expand`: the table format of FORMAT.md back to JSON. Plain JSON passes through
 * (minified); output with omissions can't come back and says where the original is.
 */
import { MARKER_PATTERN, parseMarkers } from "../../markers/index.ts"
import { parseJson } from "./parse.ts"
import { serializeJson } from "./serialize.ts"

export type Expansion =
  | {
      readonly ok: true
      /** Minified JSON, one line per top-level value. */
      readonly json: string
      /** Omission markers found inside strings: likely lossy output that happened to be plain JSON. */
      readonly markers: number
    }
  | { readonly ok: false; readonly message: string }

export const expandJson = (text: string): Expansion => {
  const parsed = parseJson(text, { extended: true })
  if (!parsed.ok) {
    if (parsed.reason === "lossy") {
      const hash = parseMarkers(text).find((m) => m.hash !== undefined)?.hash
      const where = hash === undefined ? "it was compressed with --no-store: the original was not kept" : `\`headroom retrieve ${hash}\` prints the original`
      return { ok: false, message: `this is lossy output (${parsed.message}) and can't be expanded; ${where}` }
    }
    return { ok: false, message: `not JSON nor headroom's JSON table format: ${parsed.message} at line ${parsed.line}, column ${parsed.column}` }
  }
  const json = serializeJson(parsed.values)
  let markers = 0
  for (const m of json.matchAll(MARKER_PATTERN)) if (m.groups?.hash !== undefined) markers++
  return { ok: true, json, markers }
}
