/**
 * What a real client's scripted session must show, with and without headroom proxy in the way.
 * Each check runs under `explain`, so a failure prints the client's stderr and what was seen.
 */
import { expect } from "bun:test"
import { parseMarkers } from "../../../src/markers/index.ts"
import type { BinaryRun } from "../../support/binary.ts"
import { checkSharedPrefix, exchanges, explain, restoreToolResults, toolResults, type Exchange, type Session } from "./harness.ts"
import { CALL_IDS, ERROR_LINES, FAILED_TEST, FINAL_ANSWERS, callId } from "./scenario.ts"
import type { Api } from "./scripted-upstream.ts"
import type { ClientName } from "./session.ts"

export const apiOf = (client: ClientName): Api => (client === "claude" ? "anthropic" : "openai-responses")

/** Both runs finished, each printing its final answer exactly as streamed. */
export const expectAnswersIntact = (session: Session, client: ClientName, answerOf: (stdout: string, lastMessage?: string) => string) =>
  explain(session, () => {
    expect(session.result.error).toBeUndefined()
    expect(session.result.runs.map((run) => run.code)).toEqual([0, 0])
    expect(session.result.runs.map((run) => answerOf(run.stdout, run.lastMessage))).toEqual(FINAL_ANSWERS)
    const tool = (id: string) => `tool:${callId(client, id)}`
    expect(exchanges(session.result).map((e) => e.answered)).toEqual([tool(CALL_IDS.buildLog), tool(CALL_IDS.report), "text", tool(CALL_IDS.grep), "text"])
    for (const request of session.result.client) {
      expect(request.error).toBeUndefined()
      expect(request.status).toBe(200)
    }
  })

/** The client got every response byte the upstream sent (the SSE relay changed nothing). */
export const expectResponsesRelayed = (session: Session) =>
  explain(session, () => {
    for (const e of exchanges(session.result)) expect({ serial: e.serial, body: e.client.response }).toEqual({ serial: e.serial, body: e.upstream.response })
  })

/** Without a proxy the upstream gets the client's bytes; a sanity check of the harness itself. */
export const expectDirectPassthrough = (session: Session) =>
  explain(session, () => {
    for (const e of exchanges(session.result)) expect(e.upstream.body).toBe(e.client.body)
  })

export interface ProxyChecks {
  readonly client: ClientName
  /** Headers the client sends that must reach the upstream unchanged. */
  readonly passedHeaders: ReadonlyArray<string>
  /** `headroom retrieve` with the session's HEADROOM_HOME. */
  readonly retrieve: Retrieve
}

type Retrieve = (reference: string) => ReturnType<BinaryRun>

/** The two-prompt scenario through the proxy (see scenario.ts). */
export const expectProxied = (session: Session, checks: ProxyChecks) => {
  const api = apiOf(checks.client)
  const all = exchanges(session.result)
  const buildLogId = callId(checks.client, CALL_IDS.buildLog)
  const reportId = callId(checks.client, CALL_IDS.report)
  expectOnlyToolResultsChanged(session, api, checks.passedHeaders)
  expectLogCompressed(session, api, all[1]!, buildLogId, 2000, checks.retrieve)
  explain(session, () => {
    const report = toolResults(api, all[2]!.upstream.body).get(reportId)!
    const failure = [FAILED_TEST, "AssertionError: expected status 'retrying' but got 'failed'"]
    expect(failure.filter((line) => !report.includes(line))).toEqual([])
    // Claude Code's Read is an exact-content tool: excluded from compression by default.
    if (checks.client === "claude") expect(report === toolResults(api, all[2]!.client.body).get(reportId)).toBe(true)
  })
  expectCacheSafe(session, api, [
    [buildLogId, 1],
    [reportId, 2],
  ])
}

/**
 * The proxy stopped cleanly, forwarded the first request (nothing to compress yet) byte for byte,
 * passed the client's headers on, and changed nothing but tool results: system, tools, user and
 * assistant text, ids and cache_control all reach the upstream as sent.
 */
export const expectOnlyToolResultsChanged = (session: Session, api: Api, passedHeaders: ReadonlyArray<string>) =>
  explain(session, () => {
    const all = exchanges(session.result)
    expect(session.result.proxy?.exitCode).toBe(0)
    expect(all[0]!.upstream.body).toBe(all[0]!.client.body)
    for (const name of passedHeaders) {
      for (const e of all) expect({ serial: e.serial, [name]: e.upstream.headers[name] }).toEqual({ serial: e.serial, [name]: e.client.headers[name] })
    }
    for (const e of all) {
      const { client, restored } = restoreToolResults(api, e.client.body, e.upstream.body)
      expect({ serial: e.serial, body: restored }).toEqual({ serial: e.serial, body: client })
    }
  })

/**
 * In `exchange`, the build log the client sent back whole (over `minLines` lines) reached the
 * upstream compressed: a marker, under a quarter of the bytes, both ERROR lines kept, the saving
 * reported in the response headers, and every marker redeemable from the proxy's store to text
 * the client really sent.
 */
export const expectLogCompressed = (session: Session, api: Api, exchange: Exchange, id: string, minLines: number, retrieve: Retrieve) =>
  explain(session, () => {
    const original = toolResults(api, exchange.client.body).get(id) ?? ""
    const compressed = toolResults(api, exchange.upstream.body).get(id) ?? ""
    // Compared as a summary, so a failure does not print 100 KB of log.
    expect({
      originalLines: original.split("\n").length > minLines ? true : original.split("\n").length,
      marker: /headroom retrieve [0-9a-f]{12}/.test(compressed),
      underAQuarter: compressed.length < original.length / 4 ? true : `${compressed.length} of ${original.length} bytes`,
      errorLinesMissing: ERROR_LINES.filter((line) => !compressed.includes(line)),
    }).toEqual({ originalLines: true, marker: true, underAQuarter: true, errorLinesMissing: [] })
    expect(Number(exchange.client.responseHeaders?.["x-headroom-tokens-saved"])).toBeGreaterThan(0)
    expect(exchange.client.responseHeaders?.["x-headroom-tokens-before"]).toBeDefined()
    const markers = parseMarkers(compressed).filter((m) => m.hash !== undefined)
    expect(markers.length).toBeGreaterThan(0)
    for (const marker of markers) {
      const reference = marker.range === undefined ? marker.hash! : `${marker.hash}:${marker.range.from}-${marker.range.to}`
      const back = retrieve(reference)
      expect({ reference, code: back.code, stderr: back.stderr }).toEqual({ reference, code: 0, stderr: "" })
      const fromOriginal = back.stdout.length > 0 && original.includes(back.stdout.trimEnd())
      expect({ reference, fromOriginal }).toEqual({ reference, fromOriginal: true })
    }
  })

/**
 * Prompt-cache safety: turn after turn (and across resumed runs), every conversation item the
 * client resent unchanged reaches the upstream byte-identical; each `[id, from]` tool result,
 * compressed in exchange `from`, is the same text in every later exchange.
 */
export const expectCacheSafe = (session: Session, api: Api, stableResults: ReadonlyArray<readonly [string, number]>) =>
  explain(session, () => {
    const all = exchanges(session.result)
    let identical = 0
    for (let i = 1; i < all.length; i++) {
      const check = checkSharedPrefix(api, all[i - 1]!, all[i]!)
      expect(check.violations).toEqual([])
      identical += check.identical
    }
    expect(identical).toBeGreaterThanOrEqual(all.length)
    const resultIn = (e: Exchange, id: string) => toolResults(api, e.upstream.body).get(id)
    for (const [id, from] of stableResults) {
      const later = all.slice(from + 1)
      expect(later.map((e) => ({ serial: e.serial, id, same: resultIn(e, id) === resultIn(all[from]!, id) }))).toEqual(
        later.map((e) => ({ serial: e.serial, id, same: true })),
      )
    }
  })
