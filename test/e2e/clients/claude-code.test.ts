/**
 * End to end with the real Claude Code CLI (the @anthropic-ai/claude-code dev dependency): print
 * mode, in a network namespace with only loopback, runs the two-prompt scripted session (see
 * scenario.ts) against a scripted Anthropic upstream, directly and through `headroom proxy`.
 */
import { afterEach, describe, test } from "bun:test"
import { join } from "node:path"
import { useBinary } from "../../support/binary.ts"
import { expectAnswersIntact, expectDirectPassthrough, expectProxied, expectResponsesRelayed } from "./checks.ts"
import { makeRoot, runSession, type Session } from "./harness.ts"
import { PROMPTS, scenario } from "./scenario.ts"

const binary = useBinary()
const sessions: Array<Session> = []
afterEach(() => {
  for (const session of sessions.splice(0)) session.cleanup()
})

const claudeSession = async (proxied: boolean) => {
  const root = makeRoot()
  const session = await runSession({
    client: "claude",
    root,
    steps: scenario("claude", join(root, "work")),
    prompts: PROMPTS,
    clientTimeoutMs: 60_000,
    ...(proxied ? { headroom: binary().bin } : {}),
  })
  sessions.push(session)
  return session
}

/** `--output-format json` prints one result object; its `result` is the final assistant text. */
const finalAnswer = (stdout: string) => {
  const printed = JSON.parse(stdout) as { result: string; is_error: boolean }
  return printed.is_error ? `error: ${printed.result}` : printed.result
}

describe("Claude Code", () => {
  test("runs the scripted session against the upstream directly", async () => {
    const session = await claudeSession(false)
    expectAnswersIntact(session, "claude", finalAnswer)
    expectResponsesRelayed(session)
    expectDirectPassthrough(session)
  }, 150_000)

  test("through headroom proxy: tool output compressed, answers intact, history byte-stable", async () => {
    const session = await claudeSession(true)
    expectAnswersIntact(session, "claude", finalAnswer)
    expectResponsesRelayed(session)
    expectProxied(session, {
      client: "claude",
      passedHeaders: ["x-api-key", "anthropic-version", "anthropic-beta", "user-agent", "x-claude-code-session-id"],
      retrieve: (reference) => binary().run(["retrieve", reference], undefined, { HEADROOM_HOME: join(session.root, "headroom") }),
    })
  }, 150_000)
})
