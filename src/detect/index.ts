/**
 * Content detection: decides which ContentKind a text is (and, for code, its language) from a
 * bounded sample, so the cost does not grow with the input. Heuristic and deterministic.
 *
 * Order of decisions: binary, then JSON (exact parse or structural check), then the
 * line-oriented kinds from one pass over the sample: diff, markup, search, stack trace, a clear
 * log; otherwise log, code and markdown are scored against a text baseline. A path hint only
 * tips close calls.
 */

import type { ContentKind } from "../sdk/block.ts"
import { textLooksBinary } from "./binary.ts"
import { scoreCode, type CodeScore } from "./code.ts"
import { hintFromPath, type PathHint } from "./hint.ts"
import { detectJson } from "./json.ts"
import { analyze, type Features } from "./patterns.ts"
import { sampleText, type Sample } from "./sample.ts"

export { looksBinary } from "./binary.ts"

export interface Detection {
  readonly kind: ContentKind
  /**
   * "code": the programming language. "log" / "search": "jsonl" for JSON Lines (structured logs,
   * go test -json, ripgrep --json). "text": "xml" for XML documents.
   */
  readonly language?: string
  /** 0..1 */
  readonly confidence: number
}

/** How much a matching path hint adds to a kind's score. */
const HINT_BONUS = 0.15
/** Score text gets for free; any other kind must beat it. */
const TEXT_SCORE = 0.3
/** A log scoring this high is decided without running the code scorer. */
const CLEAR_LOG = 0.7

/** 1 for a clear win, down to 0.7 when the runner-up scored within 0.15 of the winner. */
const closeCall = (score: number, runnerUp: number): number =>
  1 - (0.3 * Math.max(0, 0.15 - (score - runnerUp))) / 0.15

/** Maps a winning score (about 0.3..1) to a confidence, discounted for close calls. */
const confidenceOf = (score: number, runnerUp: number): number =>
  (0.35 + 0.65 * Math.min(1, score)) * closeCall(score, runnerUp)

const round = (x: number): number => Math.round(Math.min(1, Math.max(0, x)) * 1000) / 1000

const result = (kind: ContentKind, confidence: number, language?: string): Detection =>
  language === undefined
    ? { kind, confidence: round(confidence) }
    : { kind, language, confidence: round(confidence) }

const bonus = (hint: PathHint | undefined, kind: ContentKind): number => (hint?.kind === kind ? HINT_BONUS : 0)

/** Confidence that the sample is a diff, 0 if it is not one. */
const diffVerdict = (f: Features, hint: PathHint | undefined): number => {
  const share = f.diffLines / f.nonBlank
  const headers = f.fileHeaders + f.gitDiffs
  if (f.hunks >= 1 && (headers >= 1 || f.hunks >= 2) && share >= 0.6 - bonus(hint, "diff")) return 0.6 + 0.4 * share
  // Renames, mode changes and binary files produce git diffs without hunks.
  if (f.gitDiffs >= 1 && share >= 0.8) return 0.5 + 0.4 * share
  return 0
}

/**
 * Confidence that the sample is an HTML fragment (no doctype: a saved snippet, an API's HTML body),
 * 0 if it is not. Mostly tag lines with HTML elements among them; JSX, templates and files named
 * as code or markdown are left to those kinds. A .html name asks for less.
 */
const htmlFragmentVerdict = (f: Features, hint: PathHint | undefined): number => {
  if (f.markup !== undefined || hint?.kind === "code" || hint?.kind === "markdown" || f.scriptedLines > 0.1 * f.nonBlank) return 0
  const tags = f.tagLines / f.nonBlank
  if (hint?.kind === "html") return f.tagLines >= 2 && f.htmlLines >= 1 ? 0.8 : 0
  return f.htmlLines >= 3 && tags >= 0.5 ? 0.5 + 0.3 * tags : 0
}

/** Confidence that the sample is grep / rg / ag output, 0 if it is not. */
const searchVerdict = (f: Features): number => {
  const n = f.nonBlank
  const share = f.searchLines / n
  if (f.searchHits < 2 || share < 0.6) return 0
  // Only "123:text" lines (grep -n on one file) need more support than path:line hits, and a
  // list numbered 1, 2, 3… is not search output.
  if (f.pathHits === 0 && (share < 0.8 || f.numberedSequence)) return 0
  // Compiler/linter diagnostics ("a.c:12:5: error: ...") with build output around them are a log.
  if (f.diagnostics > 0.2 * f.pathHits) return 0
  if (f.nonSearchLog > 0.1 * n || f.traceLines > 0.2 * n) return 0
  return 0.5 + 0.45 * share
}

/** Confidence that the sample is mostly stack traces, 0 if it is not. */
const traceVerdict = (f: Features): number => {
  const share = f.traceLines / f.nonBlank
  // A trace is frames plus the lines that announce it; one frame is enough under a header
  // ("Traceback…" + "ValueError: …"), and log lines around it must be the minority.
  const isTrace = f.frames >= 2 || (f.frames >= 1 && f.traceHeads >= 1)
  if (isTrace && share >= 0.5 && share >= (2 * f.logWeight) / f.nonBlank) return 0.5 + 0.5 * share
  return 0
}

const logScore = (f: Features, hint: PathHint | undefined): number => {
  const n = f.nonBlank
  // Trace lines are neutral for logs (log lines carry them), so they leave the denominator.
  const share = f.logWeight / Math.max(1, n - f.traceLines)
  // Repeated line shapes support weak log evidence (they are common in code too, so never alone).
  const repetition = share >= 0.1 ? (0.2 * f.repeated) / n : 0
  // Colour codes and in-place redraws mean captured terminal output: build and CI logs, whose
  // lines are otherwise often just tool chatter (version banners, package lists).
  const terminal = f.terminalLines >= 3 ? Math.min(0.5, 0.3 + (2 * f.terminalLines) / n) : 0
  return Math.min(1, share + repetition + terminal) + bonus(hint, "log")
}

interface Candidate {
  readonly kind: ContentKind
  readonly score: number
  readonly language?: string
}

const codeCandidate = (c: CodeScore, n: number, hint: PathHint | undefined): Candidate | undefined => {
  const codeShare = c.codeLines / n
  const hinted = hint?.kind === "code" ? hint.language : undefined
  const best = c.best === undefined ? 0 : c.scores[c.best]
  let language: string | undefined = c.best
  if (hinted !== undefined) {
    // The extension picks within a family the content cannot split (TS vs JS, C vs C++), and
    // names languages we have no rules for; clear evidence of another language still wins.
    const hintedScore = (c.scores as Record<string, number>)[hinted]
    if (hintedScore === undefined || hintedScore >= best * 0.5 || best < 4) language = hinted
  } else if (c.shebang !== undefined) {
    language = c.shebang
  }
  if (language === undefined) return undefined
  // Little language evidence is enough when nearly every line is shaped like code (a short
  // method under its Javadoc); otherwise ask for a few signals.
  const weak = best < 3 || c.signalLines < 2
  if (weak && !(best >= 1 && codeShare >= 0.6) && hinted === undefined && c.shebang === undefined) return undefined
  const evidence = Math.min(1, (2.5 * best) / n) // ~0.4 weight per line is plenty
  const score =
    0.45 * evidence +
    0.45 * codeShare +
    (c.shebang !== undefined ? 0.2 : 0) +
    (hinted !== undefined ? HINT_BONUS : 0)
  return { kind: "code", score, language }
}

const markdownCandidate = (f: Features, hint: PathHint | undefined): Candidate | undefined => {
  if (f.mdStrong >= 1 && (f.headings >= 1 || f.fences >= 2 || f.mdStrong >= 3)) {
    const share = Math.min(1, (f.mdLines + f.proseLines) / f.nonBlank)
    const score = 0.5 * share + 0.5 * Math.min(1, f.mdWeight / f.nonBlank) + bonus(hint, "markdown")
    return { kind: "markdown", score }
  }
  return undefined
}

/** Log, code and markdown against the text baseline; the best score wins. */
const rank = (sample: Sample, f: Features, hint: PathHint | undefined, log: number): Detection => {
  // A log or markdown path hint lifts its kind just above plain text, so that neutral lines
  // ("starting", "ready") in app.log stay a log and plain prose in README.md is markdown.
  const floor = (kind: ContentKind): number => (hint?.kind === kind ? TEXT_SCORE + HINT_BONUS / 2 : 0)
  const candidates: Array<Candidate> = [{ kind: "log", score: Math.max(log >= TEXT_SCORE ? log : 0, floor("log")) }]
  const code = codeCandidate(scoreCode(sample), f.nonBlank, hint)
  if (code !== undefined) candidates.push(code)
  candidates.push(markdownCandidate(f, hint) ?? { kind: "markdown", score: floor("markdown") })

  let best: Candidate = { kind: "text", score: TEXT_SCORE + bonus(hint, "text") }
  let runnerUp = 0
  for (const c of candidates) {
    if (c.score > best.score) {
      runnerUp = best.score
      best = c
    } else if (c.score > runnerUp) {
      runnerUp = c.score
    }
  }
  if (best.kind === "text") {
    const prose = f.proseLines / f.nonBlank
    return result("text", (0.4 + 0.4 * prose) * closeCall(best.score, runnerUp))
  }
  return result(best.kind, confidenceOf(best.score, runnerUp), best.language)
}

/**
 * Heuristic, deterministic, fast: looks only at a bounded prefix (64 KiB, at most 600 lines)
 * plus three 4 KiB windows from the middle and the end of `text`. `hint.path` (a file name) may
 * nudge the decision through its extension, never overrides clear content evidence.
 */
export const detect = (text: string, hint?: { readonly path?: string }): Detection => {
  if (text.length === 0) return result("text", 0)
  if (textLooksBinary(text)) return result("binary", 0.95)
  const sample = sampleText(text)
  if (sample.nonBlank === 0) return result("text", 0)
  const pathHint = hintFromPath(hint?.path)

  const json = detectJson(text, sample)
  if (json !== undefined) {
    if (json.kind === "json") return result("json", json.confidence)
    // JSON Lines are structured records (logs, go test -json); ripgrep --json is search output.
    return result(json.ripgrep ? "search" : "log", json.confidence, "jsonl")
  }

  const f = analyze(sample)
  const diff = diffVerdict(f, pathHint)
  if (diff > 0) return result("diff", diff)
  // Markup documents (an XML prolog or an HTML doctype first) are decided before embedded stack
  // traces or timestamps (JUnit reports) make them look like logs. XML has no kind of its own.
  if (f.markup === "html" && f.tagLines >= 2) return result("html", 0.8)
  if (f.markup === "xml" && f.tagLines >= 2) return pathHint?.kind === "html" ? result("html", 0.8) : result("text", 0.7, "xml")
  const fragment = htmlFragmentVerdict(f, pathHint)
  if (fragment > 0) return result("html", fragment)
  const search = searchVerdict(f)
  if (search > 0) return result("search", search)
  const trace = traceVerdict(f)
  if (trace > 0) return result("stacktrace", trace)
  const log = logScore(f, pathHint)
  // Clear logs skip the code scorer, the most expensive step.
  if (log >= CLEAR_LOG) return result("log", confidenceOf(log, 0))
  return rank(sample, f, pathHint, log)
}
