/**
 * End to end with the real Codex CLI (the @openai/codex dev dependency): `codex exec` with a
 * Responses provider, in a network namespace with only loopback, runs the two-prompt scripted
 * session (see scenario.ts) against a scripted Responses upstream, directly and through
 * `headroom proxy`; then code mode (freeform `exec` scripts) and the WebSocket-first transport.
 */
import { afterEach, describe, expect, test } from "bun:test"
import { join } from "node:path"
import { useBinary } from "../../support/binary.ts"
import {
  expectAnswersIntact,
  expectCacheSafe,
  expectDirectPassthrough,
  expectLogCompressed,
  expectOnlyToolResultsChanged,
  expectProxied,
  expectResponsesRelayed,
} from "./checks.ts"
import { exchanges, explain, makeRoot, runSession, type Session } from "./harness.ts"
import { CALL_IDS, CODE_MODE_ANSWER, FINAL_ANSWERS, PROMPTS, codeModeScenario, scenario } from "./scenario.ts"

const binary = useBinary()
const sessions: Array<Session> = []
afterEach(() => {
  for (const session of sessions.splice(0)) session.cleanup()
})

const codexSession = async (options: { readonly proxied?: boolean; readonly codeMode?: boolean; readonly websocketFirst?: boolean } = {}) => {
  const root = makeRoot()
  const work = join(root, "work")
  const session = await runSession({
    client: "codex",
    root,
    // gpt-6.1-sol is a model Codex drives in code mode: one freeform `exec` tool.
    ...(options.codeMode === true
      ? { steps: codeModeScenario(work), prompts: PROMPTS.slice(0, 1), model: "gpt-6.1-sol" }
      : { steps: scenario("codex", work), prompts: PROMPTS }),
    clientTimeoutMs: 60_000,
    websocketFirst: options.websocketFirst === true,
    ...(options.proxied === true ? { headroom: binary().bin } : {}),
  })
  sessions.push(session)
  return session
}

/** `headroom retrieve` against the session's store, the one the proxy wrote. */
const retrieveFrom = (session: Session) => (reference: string) =>
  binary().run(["retrieve", reference], undefined, { HEADROOM_HOME: join(session.root, "headroom") })

/** `codex exec` prints the last agent message on stdout and writes it to the `-o` file. */
const finalAnswer = (stdout: string, lastMessage?: string) =>
  lastMessage === stdout.trimEnd() ? stdout.trimEnd() : `stdout ${JSON.stringify(stdout)} vs -o file ${JSON.stringify(lastMessage)}`

describe("Codex CLI", () => {
  test("runs the scripted session against the upstream directly", async () => {
    const session = await codexSession()
    expectAnswersIntact(session, "codex", finalAnswer)
    expectResponsesRelayed(session)
    expectDirectPassthrough(session)
  }, 150_000)

  test("through headroom proxy: tool output compressed, answers intact, history byte-stable", async () => {
    const session = await codexSession({ proxied: true })
    expectAnswersIntact(session, "codex", finalAnswer)
    expectResponsesRelayed(session)
    expectProxied(session, {
      client: "codex",
      passedHeaders: ["authorization", "originator", "session-id", "user-agent", "x-codex-turn-metadata"],
      retrieve: retrieveFrom(session),
    })
  }, 150_000)

  test("code mode: script output (custom_tool_call_output parts) compressed, history byte-stable", async () => {
    const session = await codexSession({ proxied: true, codeMode: true })
    explain(session, () => {
      expect(session.result.runs.map((run) => [run.code, finalAnswer(run.stdout, run.lastMessage)])).toEqual([[0, CODE_MODE_ANSWER]])
      expect(exchanges(session.result).map((e) => e.answered)).toEqual([`tool:${CALL_IDS.buildLog}`, `tool:${CALL_IDS.grep}`, "text"])
      const items = JSON.parse(exchanges(session.result)[1]!.client.body).input as Array<{ type: string }>
      expect(items.map((item) => item.type)).toContain("custom_tool_call_output")
    })
    expectResponsesRelayed(session)
    expectOnlyToolResultsChanged(session, "openai-responses", ["authorization", "session-id"])
    expectLogCompressed(session, "openai-responses", exchanges(session.result)[1]!, CALL_IDS.buildLog, 600, retrieveFrom(session))
    expectCacheSafe(session, "openai-responses", [[CALL_IDS.buildLog, 1]])
  }, 150_000)

  test("with WebSockets on, falls back to HTTP at once when the proxy refuses the upgrade", async () => {
    // Refused with a plain 404 instead, Codex retries the handshake five times (about 6 s).
    const session = await codexSession({ proxied: true, websocketFirst: true })
    explain(session, () => {
      expect(session.result.runs.map((run) => [run.code, finalAnswer(run.stdout, run.lastMessage)])).toEqual(FINAL_ANSWERS.map((answer) => [0, answer]))
      const retries = session.result.runs.flatMap((run) => run.stderr.split("\n").filter((line) => line.includes("Reconnecting")))
      expect(retries).toEqual([])
      const tool = (id: string) => `POST tool:${id}`
      expect(session.result.upstream.map((r) => `${r.method} ${r.answered}`)).toEqual([
        tool(CALL_IDS.buildLog),
        tool(CALL_IDS.report),
        "POST text",
        tool(CALL_IDS.grep),
        "POST text",
      ])
    })
  }, 150_000)
})
