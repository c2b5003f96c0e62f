import { HASH_LENGTH } from "../../../markers/index.ts"
import type { CompressSummary } from "../../../pipeline/stream.ts"

import type { TokenCount } from "../../../tokens/index.ts"

const number = (n: number) => n.toLocaleString("en-US")
const count = (c: TokenCount | undefined) => (c === undefined ? "?" : `${c.exact ? "" : "~"}${number(c.tokens)}`)

export const savedPercent = (summary: CompressSummary): number => {
  const before = summary.before?.tokens ?? 0
  const after = summary.after?.tokens ?? 0
  return before === 0 ? 0 : Math.round((1 - after / before) * 1000) / 10
}

/**
 * `headroom: build.log · log · 101,046 → 7,210 tokens (−92.9%) · 12.3 ms`; "~" marks an estimate.
 * Long inputs add how many segments they were cut into and how many a second thread prepared.
 */
export const formatStatsLine = (name: string, summary: CompressSummary): string => {
  const kind = summary.language === undefined ? summary.kind : `${summary.kind}/${summary.language}`
  const saved = savedPercent(summary)
  const sign = saved > 0 ? "−" : saved < 0 ? "+" : "±"
  const segments =
    summary.segments > 1 ? ` · ${summary.segments} segments${summary.preparedAhead > 0 ? `, ${summary.preparedAhead} prepared in parallel` : ""}` : ""
  return `headroom: ${name} · ${kind} · ${count(summary.before)} → ${count(summary.after)} tokens (${sign}${Math.abs(saved)}%) · ${summary.ms.toFixed(1)} ms${segments}`
}

/** The `--json` record for one input. No timings: the same input gives the same bytes. */
export const summaryJson = (plan: { input: string; output: string | undefined }, summary: CompressSummary, text: string | undefined) => ({
  input: plan.input === "-" ? null : plan.input,
  ...(plan.output === undefined ? {} : { output: plan.output }),
  text: text ?? "",
  tokens_before: summary.before?.tokens ?? null,
  tokens_after: summary.after?.tokens ?? null,
  exact: summary.before?.exact === true && summary.after?.exact === true,
  saved_pct: savedPercent(summary),
  type: summary.kind,
  ...(summary.language === undefined ? {} : { language: summary.language }),
  confidence: Math.round(summary.confidence * 100) / 100,
  transforms: summary.transforms,
  rules: summary.rules,
  stages: summary.stages.map((s) => ({
    stage: s.stage,
    outcome: s.outcome,
    ...(s.error === undefined ? {} : { error: s.error }),
  })),
  markers: summary.markers.map((m) => ({
    summary: m.summary,
    ...(m.hash === undefined ? {} : { hash: m.hash.slice(0, HASH_LENGTH) }),
    ...(m.range === undefined ? {} : { lines: [m.range.from, m.range.to] }),
  })),
  ...(summary.notes.length === 0 ? {} : { notes: summary.notes }),
  ...(summary.errors.length === 0 ? {} : { errors: summary.errors }),
})
