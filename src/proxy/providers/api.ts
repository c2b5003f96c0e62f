import type { JsonPath } from "../body/json-spans.ts"

/** The three request shapes the proxy compresses. */
export type ApiKind = "anthropic" | "openai-chat" | "openai-responses"

/** One tool result's text in a request body: where it sits, and which tool produced it. */
export interface ToolResult {
  readonly path: JsonPath
  readonly text: string
  /** The tool's name, found through the call id in an earlier assistant turn. */
  readonly tool?: string
}

/** What the proxy needs to know about one API's requests. */
export interface ApiShape {
  readonly kind: ApiKind
  /** Every tool result in the body, in document order; nothing else is ever compressed. */
  readonly toolResults: (body: unknown) => ReadonlyArray<ToolResult>
}

export type Json = Record<string, unknown>

export const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v)

export const listAt = (body: unknown, key: string): ReadonlyArray<unknown> => {
  const v = isObject(body) ? body[key] : undefined
  return Array.isArray(v) ? v : []
}

/**
 * The text parts of a tool result given as a list of content parts (`{type, text}`), each with
 * its path; images, files and anything else are left alone.
 */
export const textParts = (parts: ReadonlyArray<unknown>, at: JsonPath, types: ReadonlyArray<string>, tool: string | undefined): Array<ToolResult> =>
  parts.flatMap((part, k) =>
    isObject(part) && typeof part.type === "string" && types.includes(part.type) && typeof part.text === "string"
      ? [{ path: [...at, k, "text"], text: part.text, ...(tool === undefined ? {} : { tool }) }]
      : [],
  )
