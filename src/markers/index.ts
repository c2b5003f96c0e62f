/**
 * The one marker format every compressor uses for content it leaves out.
 *
 *   [… <summary> · retrieve <hash>[:<from>-<to>]]
 *
 * - `summary` says what was omitted, starting with a count and unit: `812 lines like "INFO
 *   Fetching <*> (<*> ms)" omitted`, `37 lines omitted: 20× "GET <*>", 17× other`.
 * - `hash` is the first 12 hex digits of the SHA-256 of the stored original, and `from-to` an
 *   optional 1-based inclusive line range inside it: `headroom retrieve 3f9a1c2b7d4e:120-156`
 *   prints exactly those original lines, `headroom retrieve 3f9a1c2b7d4e` the whole original.
 * - With the store disabled (`--no-store`) nothing could be redeemed, so the marker carries no
 *   hash at all: `[… 812 lines omitted]`. A hash that can't be redeemed is worse than none.
 *
 * The word before the hash is `retrieve` on the command line; the proxy writes the command an
 * agent can run, `headroom retrieve` by default (any text without `]`, `·` or line breaks).
 *
 * Markers are single-line, short in tokens, and found by `MARKER_PATTERN`.
 */

export const HASH_LENGTH = 12

export interface LineRange {
  readonly from: number
  readonly to: number
}

export interface Marker {
  readonly summary: string
  /** Absent when the original was not stored. */
  readonly hash?: string
  readonly range?: LineRange
}

/**
 * Matches one marker; groups: summary (or bare, for a marker without hash), hash, from, to.
 * Summaries may quote text with "]" in it: a marker ends at its hash, or (without one) at the
 * end of its line, since markers always stand on lines of their own.
 */
export const MARKER_PATTERN =
  /\[… (?:(?<summary>[^\n]*?) · [^\n\]·]+? (?<hash>[0-9a-f]{12,64})(?::(?<from>\d+)-(?<to>\d+))?\]|(?<bare>[^\n]*?)\](?=\r?\n|$))/g

/** Matches a retrieval reference as a user types it: `3f9a1c2b7d4e` or `3f9a1c2b7d4e:120-156`. */
export const REFERENCE_PATTERN = /^(?<hash>[0-9a-f]{12,64})(?::(?<from>\d+)-(?<to>\d+))?$/

export const formatMarker = (marker: Marker, verb = "retrieve"): string => {
  if (marker.hash === undefined) return `[… ${marker.summary}]`
  const range = marker.range === undefined ? "" : `:${marker.range.from}-${marker.range.to}`
  return `[… ${marker.summary} · ${verb} ${marker.hash.slice(0, HASH_LENGTH)}${range}]`
}

export const parseMarkers = (text: string): Array<Marker> => {
  const found: Array<Marker> = []
  for (const m of text.matchAll(MARKER_PATTERN)) {
    const g = m.groups!
    found.push({
      summary: g.summary ?? g.bare!,
      ...(g.hash === undefined ? {} : { hash: g.hash }),
      ...(g.from === undefined ? {} : { range: { from: Number(g.from), to: Number(g.to) } }),
    })
  }
  return found
}

export interface Reference {
  readonly hash: string
  readonly range?: LineRange
}

export const parseReference = (text: string): Reference | undefined => {
  const m = REFERENCE_PATTERN.exec(text.trim().toLowerCase())
  if (m === null) return undefined
  const g = m.groups!
  if (g.from === undefined) return { hash: g.hash! }
  const range = { from: Number(g.from), to: Number(g.to) }
  return range.from >= 1 && range.to >= range.from ? { hash: g.hash!, range } : undefined
}

/** Quotes a template for a summary: one line, at most `max` characters. */
export const quoteTemplate = (template: string, max = 60): string => {
  let t = template.replace(/\s+/g, " ").trim()
  if (t.length > max) {
    // Cut by code point, never inside a surrogate pair.
    const points = Array.from(t)
    if (points.length > max) t = `${points.slice(0, max - 1).join("").trimEnd()}…`
  }
  return `"${t.replaceAll('"', "'")}"`
}
