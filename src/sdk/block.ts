/** What a piece of content is, as decided by detection (or `--type`). Stages are routed by it. */
export const CONTENT_KINDS = [
  "log",
  "json",
  "diff",
  "search",
  "stacktrace",
  "code",
  "markdown",
  "html",
  "text",
  "binary",
] as const

export type ContentKind = (typeof CONTENT_KINDS)[number]

export const isContentKind = (value: string): value is ContentKind =>
  (CONTENT_KINDS as ReadonlyArray<string>).includes(value)

/** Where a block came from; every field is optional because a stdin pipe has none of them. */
export interface Origin {
  /** File path as given by the user (CLI) or as named by a tool call. */
  readonly path?: string
  /** Name of the tool whose output this is (proxy). */
  readonly tool?: string
  /** Message role in a conversation (proxy). */
  readonly role?: string
}

/**
 * The unit of content every stage works on.
 *
 * Blocks are immutable: a stage that changes something returns a new block (`withText`).
 * `text` may contain lone surrogates U+DC80–U+DCFF: those stand for input bytes that were not
 * valid UTF-8 and are written back as the same bytes on output.
 */
export interface Block {
  readonly text: string
  readonly kind: ContentKind
  /** Programming language, when `kind` is "code" (e.g. "python", "typescript"). */
  readonly language?: string
  /** Detection confidence in [0, 1]; 1 when the kind was forced with `--type`. */
  readonly confidence: number
  readonly origin: Origin
  /** Free-form facts stages pass along (e.g. a segment index for streamed input). */
  readonly meta: Readonly<Record<string, unknown>>
}

export const makeBlock = (
  text: string,
  fields: Partial<Omit<Block, "text">> = {},
): Block => ({
  text,
  kind: fields.kind ?? "text",
  confidence: fields.confidence ?? 0,
  origin: fields.origin ?? {},
  meta: fields.meta ?? {},
  ...(fields.language === undefined ? {} : { language: fields.language }),
})

/** A copy of `block` with new text; kind, origin and meta are kept. */
export const withText = (block: Block, text: string): Block => ({ ...block, text })
