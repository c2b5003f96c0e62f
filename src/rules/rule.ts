import type { ContentKind } from "../sdk/block.ts"
import type { Strategy } from "../sdk/stage.ts"

/**
 * One rule of a `headroom-config.yaml` or a rule pack: conditions on a block and what to do with
 * it when they all hold. Parsed and validated from YAML by src/config; resolved per input by
 * ./resolve.ts (how several matching rules combine is documented there and in rules/README.md).
 */
export interface Rule {
  /** `name` from the file, else `<file>#<index>` (1-based); unique within a rule set. */
  readonly id: string
  readonly description?: string
  /** Where the rule is written, for `rules list` and messages. */
  readonly source: RuleSource
  readonly match: RuleMatch
  readonly actions: RuleActions
  /** Inline tests (`headroom rules test`). */
  readonly tests: ReadonlyArray<RuleTest>
}

export interface RuleSource {
  /** File path, or `rules/<pack>.yaml` for a pack built into the binary. */
  readonly file: string
  readonly line: number
  readonly column: number
  /** Built-in pack < user file < project file: later layers win over earlier ones. */
  readonly layer: "pack" | "user" | "project"
}

/** Every condition given must hold (AND); a rule with none matches everything. */
export interface RuleMatch {
  /** `pattern`: searched (not anchored) in the input's path, `/`-separated. */
  readonly path?: RegExp
  /** `tool`: searched in the tool name of a tool result (proxy). */
  readonly tool?: RegExp
  /** `type`: one of these detected kinds. */
  readonly kinds?: ReadonlyArray<ContentKind>
  /** `model`: searched in the model name. */
  readonly model?: RegExp
  /** `content`: searched in the first segment (2 MB) of the text. */
  readonly content?: RegExp
  /** `size_above` / `size_below`: bytes of the whole input (`10KB`, `2MB` or a number). */
  readonly sizeAbove?: number
  readonly sizeBelow?: number
  /** `tokens_above` / `tokens_below`: tokens of the whole input (estimated past one segment). */
  readonly tokensAbove?: number
  readonly tokensBelow?: number
}

export interface RuleActions {
  /** `compress: false` passes the block through untouched (only `dedup` still applies). */
  readonly compress?: boolean
  readonly strategy?: Strategy
  /** `max_tokens`: a token budget for the block. */
  readonly maxTokens?: number
  /** `min_compress_ratio`: a result saving less than this fraction of tokens (0–1) is dropped. */
  readonly minCompressRatio?: number
  /** `dedup`: repeated runs of lines are replaced by a marker pointing at their first copy. */
  readonly dedup?: boolean
  /** `keep_lines`: lines matching are never removed, by rules or by compressors (like `--keep`). */
  readonly keepLines?: ReadonlyArray<RegExp>
  /** `strip_lines`: lines matching are removed (behind a marker) before compression. */
  readonly stripLines?: ReadonlyArray<RegExp>
  /** `only_lines`: every line not matching is removed (behind a marker) before compression. */
  readonly onlyLines?: ReadonlyArray<RegExp>
  /** `replace`: `{pattern, with}` rewrites applied to each line (`$1` refers to groups). */
  readonly replace?: ReadonlyArray<LineReplacement>
  /** `head` / `tail`: keep only the first / last N lines (the middle behind a marker). */
  readonly head?: number
  readonly tail?: number
  /** `enable` / `disable`: names of stages or plugins switched on or off for the block. */
  readonly enable?: ReadonlyArray<string>
  readonly disable?: ReadonlyArray<string>
}

export interface LineReplacement {
  readonly pattern: RegExp
  readonly with: string
}

/** An inline test: run the rule set on `input` as if it came from `path`/`tool`/`type`. */
export interface RuleTest {
  readonly name?: string
  readonly input: string
  readonly path?: string
  readonly tool?: string
  readonly kind?: ContentKind
  readonly strategy?: Strategy
  /** Substrings (or /regex/) that must still be in the output. */
  readonly keeps: ReadonlyArray<string>
  /** Substrings (or /regex/) that must be gone from the output. */
  readonly removes: ReadonlyArray<string>
  /** The output must be at most this many tokens. */
  readonly maxTokens?: number
  readonly line: number
}

/** What resolution looks at: the facts about one input (a file, stdin, a tool result). */
export interface RuleSubject {
  readonly path?: string
  readonly tool?: string
  readonly model?: string
  readonly kind: ContentKind
  /** Bytes of the whole input, when known (a file's size); else of the first segment. */
  readonly bytes: number
  /** Tokens of the whole input (exact for one segment, extrapolated past it); computed on demand. */
  readonly tokens: () => number
  /** The first segment of the text, for `content`. */
  readonly sample: string
}
