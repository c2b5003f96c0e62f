import { scoreCode } from "../../detect/code.ts"
import { hintFromPath } from "../../detect/hint.ts"
import { sampleText } from "../../detect/sample.ts"
import { STRATEGIES, Unchanged, defineStage, originalMarkers, withText, type Block, type StageContext } from "../../sdk/index.ts"
import { LANGUAGES, grammarsFor, type LanguageSpec } from "./languages.ts"
import { outline, type Outline } from "./outline.ts"
import { parse } from "./parse.ts"
import { CODE_POLICIES, MAX_CODE_CHARS, MAX_ERROR_SHARE } from "./policy.ts"
import { render } from "./render.ts"
import { splitLines } from "../../strings/lines.ts"

/**
 * Source code, read through its syntax tree (tree-sitter): every declaration and signature line
 * stays at every strategy, byte for byte. Conservative drops comments (keeping the first line of
 * doc comments and docstrings) and blank runs; balanced also replaces long function bodies by a
 * marker; aggressive leaves an outline of declarations, signatures and members. `--keep-symbol`
 * keeps named declarations whole. A file the parser cannot read goes through unchanged.
 */
export const codeCompressor = defineStage({
  name: "code",
  description: "AST-aware code compression: comments, long bodies or all bodies by strategy; signatures always kept",
  kinds: ["code"],
  match: (block) => languageOf(block) !== undefined,
  timeoutMs: 30_000,
  run: async (block, ctx) => {
    const spec = languageOf(block)
    if (spec === undefined || ctx.options.lossless || block.text.length > MAX_CODE_CHARS) return Unchanged
    const parsed = await parse(block.text, grammarsFor(spec, block.origin.path))
    if (parsed === undefined) return Unchanged
    try {
      const lines = splitLines(block.text)
      const nonBlank = lines.reduce((n, line) => (/\S/.test(line) ? n + 1 : n), 0)
      if (parsed.errorLines > nonBlank * MAX_ERROR_SHARE) return Unchanged
      const shape = outline({
        tree: parsed.tree,
        errors: parsed.errors,
        text: block.text,
        lines,
        spec,
        keepSymbols: new Set(ctx.options.keepSymbols),
        keepPatterns: ctx.options.keepPatterns,
      })
      return compress(block, lines, shape, ctx)
    } finally {
      parsed.tree.delete()
    }
  },
})

/**
 * The block's language as detected; with `--type code` detection is skipped, so the file's
 * extension or the code scorer names it.
 */
const languageOf = (block: Block): LanguageSpec | undefined => {
  const language = block.language ?? hintFromPath(block.origin.path)?.language ?? scoreCode(sampleText(block.text)).best
  return language !== undefined && Object.hasOwn(LANGUAGES, language) ? LANGUAGES[language] : undefined
}

/** Renders at the requested strategy, then at stricter ones while the result is over the token budget. */
const compress = (block: Block, lines: ReadonlyArray<string>, shape: Outline, ctx: StageContext): Block | Unchanged => {
  const markOriginal = originalMarkers(ctx, block.text)
  const marker = (summary: string, from: number, to: number) => markOriginal(summary, { from: from + 1, to: to + 1 })
  const trailingNewline = block.text.endsWith("\n")
  let text = block.text
  for (const strategy of STRATEGIES.slice(STRATEGIES.indexOf(ctx.strategy))) {
    const out = render({ lines, outline: shape, policy: CODE_POLICIES[strategy], marker }).join("\n")
    text = trailingNewline ? `${out}\n` : out
    if (ctx.maxTokens === undefined || ctx.countTokens(text) <= ctx.maxTokens) break
  }
  return text === block.text ? Unchanged : withText(block, text)
}
