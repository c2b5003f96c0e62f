/**
 * Prompt-cache safety, by replaying sessions the way agents drive them: every turn resends the
 * whole history plus the new assistant turn and tool results. For each turn, the part of the
 * upstream body shared with the previous turn must be byte-identical to what was sent then —
 * each historical tool result compressed to the very same bytes — and a freshly started proxy
 * must send the same bytes too.
 */
import Anthropic from "@anthropic-ai/sdk"
import OpenAI from "openai"
import { describe, expect, test } from "bun:test"
import { recordingFetch } from "../support/client-fetch.ts"
import { type Answer } from "../support/mock-upstream.ts"
import { startTestProxy, useProxiedMock } from "../support/proxy.ts"
import { rawAt, rawElements } from "../support/raw-json.ts"
import { buildLog, serviceLog, testRun } from "../support/tool-outputs.ts"

const { mock, proxy } = await useProxiedMock()

const sent = recordingFetch()

/** Per turn: what the model answers, and what each tool call it makes returns. */
interface Turn {
  readonly answer: Answer
  readonly outputs: ReadonlyArray<string>
}

const call = (name: string, args: Record<string, unknown>) => ({ name, arguments: args })
const SESSION: ReadonlyArray<Turn> = [
  { answer: { thinking: "Build first.", text: "Building.", toolCalls: [call("Bash", { command: "mvn package" })] }, outputs: [buildLog(2000, 1).text] },
  { answer: { text: "Now the tests and the log.", toolCalls: [call("Bash", { command: "mvn test" }), call("Bash", { command: "tail service.log" })] }, outputs: [testRun(1200, 2).text, serviceLog(1500, 3).text] },
  { answer: { thinking: "A small check.", toolCalls: [call("Bash", { command: "git status --short" })] }, outputs: [" M src/Scheduler.java"] },
  { answer: { text: "Rebuilding.", toolCalls: [call("Bash", { command: "mvn -o package" })] }, outputs: [buildLog(1500, 4).text] },
  { answer: { text: "All green now — terminé ✓" }, outputs: [] },
]

/** Upstream bodies of consecutive turns: messages before `shared` are identical byte for byte. */
const expectSharedPrefix = (previous: string, next: string, key: string, shared: number) => {
  const before = rawElements(previous, [key])
  const after = rawElements(next, [key])
  expect(after.length).toBeGreaterThan(before.length)
  for (let i = 0; i < shared; i++) expect(after[i]).toBe(before[i]!)
}

/** A second proxy, started fresh (empty memo, its own store), sends the same bytes for the same body. */
const expectSameFromFreshProxy = async (path: string, body: string, headers: Record<string, string>, expected: string) => {
  const fresh = await startTestProxy({ anthropicUrl: mock.url, openaiUrl: mock.openaiUrl })
  try {
    const response = await fetch(`${fresh.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body })
    await response.arrayBuffer()
    expect(mock.last().text()).toBe(expected)
  } finally {
    await fresh.stop()
  }
}

describe("Anthropic, as Claude Code drives it", () => {
  const EPHEMERAL = { type: "ephemeral" } as const
  type Block = Anthropic.ContentBlockParam

  /** Claude Code keeps one cache breakpoint on the conversation: the last block of the last message. */
  const withCacheOnLast = (messages: ReadonlyArray<Anthropic.MessageParam>): Array<Anthropic.MessageParam> =>
    messages.map((m, i) => {
      const blocks = (m.content as ReadonlyArray<Block>).map((b) => {
        const { cache_control: _dropped, ...rest } = b as Block & { cache_control?: unknown }
        return rest as Block
      })
      if (i === messages.length - 1) blocks[blocks.length - 1] = { ...blocks.at(-1)!, cache_control: EPHEMERAL } as Block
      return { ...m, content: blocks } as Anthropic.MessageParam
    })

  /** The assistant's answer as Claude Code sends it back: thinking with its signature, text, tool_use. */
  const asParams = (content: ReadonlyArray<Anthropic.ContentBlock>): Array<Block> =>
    content.flatMap((b): Array<Block> =>
      b.type === "thinking"
        ? [{ type: "thinking", thinking: b.thinking, signature: b.signature }]
        : b.type === "text"
          ? [{ type: "text", text: b.text }]
          : b.type === "tool_use"
            ? [{ type: "tool_use", id: b.id, name: b.name, input: b.input }]
            : [],
    )

  test("every turn's upstream messages repeat the previous turn's bytes", async () => {
    const client = new Anthropic({ baseURL: proxy.url, apiKey: null, maxRetries: 0, fetch: sent.fetch, defaultHeaders: { "x-api-key": "sk-ant-mock" } })
    const base = {
      model: "claude-mock-large",
      max_tokens: 8192,
      system: [{ type: "text" as const, text: "You fix builds. Be brief.", cache_control: EPHEMERAL }],
      tools: [{ name: "Bash", description: "Run a command.", input_schema: { type: "object" as const, properties: { command: { type: "string" } } } }],
      thinking: { type: "enabled" as const, budget_tokens: 2048 },
    }
    let messages = withCacheOnLast([{ role: "user", content: [{ type: "text", text: "The build is red; fix it." }] }])
    const upstream: Array<string> = []
    const counts: Array<number> = []
    for (const turn of SESSION) {
      mock.answer(turn.answer)
      const message = await client.messages.stream({ ...base, messages }, { query: { beta: "true" } }).finalMessage()
      upstream.push(mock.last().text())
      counts.push(messages.length)
      const calls = message.content.filter((b): b is Anthropic.ToolUseBlock => b.type === "tool_use")
      expect(calls.length).toBe(turn.outputs.length)
      if (calls.length === 0) break
      const results: Array<Block> = calls.map((c, n) => ({ type: "tool_result", tool_use_id: c.id, content: turn.outputs[n]! }))
      messages = withCacheOnLast([...messages, { role: "assistant", content: asParams(message.content) }, { role: "user", content: results }])
    }
    expect(upstream.length).toBe(SESSION.length)
    // The big results were compressed: otherwise this proves nothing.
    expect(upstream.at(-1)!.length).toBeLessThan(sent.last().body.length / 5)

    for (let k = 1; k < upstream.length; k++) {
      const previous = upstream[k - 1]!
      const next = upstream[k]!
      expect(rawAt(next, ["system"])).toBe(rawAt(previous, ["system"]))
      expect(rawAt(next, ["tools"])).toBe(rawAt(previous, ["tools"]))
      // All but the last message of turn k are repeated as they were…
      expectSharedPrefix(previous, next, "messages", counts[k - 1]! - 1)
      // …and that last one only lost its cache breakpoint, which moved to the new last block.
      const moved = rawElements(previous, ["messages"])[counts[k - 1]! - 1]!
      expect(rawElements(next, ["messages"])[counts[k - 1]! - 1]).toBe(moved.replace(',"cache_control":{"type":"ephemeral"}', ""))
    }

    await expectSameFromFreshProxy("/v1/messages?beta=true", sent.last().body, { "x-api-key": "sk-ant-mock" }, upstream.at(-1)!)
  })
})

describe("OpenAI chat completions", () => {
  test("every turn's upstream messages repeat the previous turn's bytes", async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-mock", maxRetries: 0, fetch: sent.fetch })
    let messages: Array<OpenAI.Chat.ChatCompletionMessageParam> = [
      { role: "system", content: "You fix builds." },
      { role: "user", content: "The build is red; fix it." },
    ]
    const upstream: Array<string> = []
    const counts: Array<number> = []
    for (const turn of SESSION) {
      const { thinking: _chatHasNone, ...answer } = turn.answer
      mock.answer(answer)
      const completion = await client.chat.completions
        .stream({ model: "gpt-mock-large", messages, stream_options: { include_usage: true } })
        .finalChatCompletion()
      upstream.push(mock.last().text())
      counts.push(messages.length)
      const reply = completion.choices[0]!.message
      const calls = (reply.tool_calls ?? []).filter((c) => c.type === "function")
      if (calls.length === 0) break
      messages = [
        ...messages,
        { role: "assistant", content: reply.content ?? null, tool_calls: calls.map((c) => ({ id: c.id, type: "function", function: { name: c.function.name, arguments: c.function.arguments } })) },
        ...calls.map((c, n): OpenAI.Chat.ChatCompletionToolMessageParam => ({ role: "tool", tool_call_id: c.id, content: turn.outputs[n]! })),
      ]
    }
    expect(upstream.length).toBe(SESSION.length)
    expect(upstream.at(-1)!.length).toBeLessThan(sent.last().body.length / 5)
    for (let k = 1; k < upstream.length; k++) expectSharedPrefix(upstream[k - 1]!, upstream[k]!, "messages", counts[k - 1]!)

    await expectSameFromFreshProxy("/v1/chat/completions", sent.last().body, { authorization: "Bearer sk-mock" }, upstream.at(-1)!)
  })
})

describe("OpenAI responses, as Codex drives it", () => {
  test("every turn's upstream input items repeat the previous turn's bytes", async () => {
    const client = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-mock", maxRetries: 0, fetch: sent.fetch })
    let input: Array<OpenAI.Responses.ResponseInputItem> = [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "You are a coding agent." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "The build is red; fix it." }] },
    ]
    const upstream: Array<string> = []
    const counts: Array<number> = []
    for (const [t, turn] of SESSION.entries()) {
      // Codex's code mode: odd turns call the custom `exec` tool, whose output is a list of parts.
      const custom = t % 2 === 1
      mock.answer({
        ...(turn.answer.text === undefined ? {} : { text: turn.answer.text }),
        toolCalls: (turn.answer.toolCalls ?? []).map((c) => (custom ? { name: "exec", arguments: `text(await run(${JSON.stringify(c.arguments)}))`, custom: true } : { ...c, name: "exec_command" })),
      })
      const response = await client.responses
        .stream({ model: "gpt-mock-large", input, store: false, prompt_cache_key: "mock-session-2" } as Parameters<OpenAI["responses"]["stream"]>[0])
        .finalResponse()
      upstream.push(mock.last().text())
      counts.push(input.length)
      const calls = response.output.filter((o) => o.type === "function_call" || o.type === "custom_tool_call")
      if (calls.length === 0) break
      const next: Array<OpenAI.Responses.ResponseInputItem> = []
      for (const [n, c] of calls.entries()) {
        const output = turn.outputs[n]!
        if (c.type === "function_call") {
          next.push({ type: "function_call", id: c.id!, call_id: c.call_id, name: c.name, arguments: c.arguments, status: "completed" })
          next.push({ type: "function_call_output", call_id: c.call_id, output })
        } else {
          next.push({ type: "custom_tool_call", id: c.id!, call_id: c.call_id, name: c.name, input: c.input })
          next.push({ type: "custom_tool_call_output", call_id: c.call_id, output: [{ type: "input_text", text: "Script completed\n" }, { type: "input_text", text: output }] })
        }
      }
      input = [...input, ...next]
    }
    expect(upstream.length).toBe(SESSION.length)
    expect(upstream.at(-1)!.length).toBeLessThan(sent.last().body.length / 5)
    for (let k = 1; k < upstream.length; k++) expectSharedPrefix(upstream[k - 1]!, upstream[k]!, "input", counts[k - 1]!)

    await expectSameFromFreshProxy("/v1/responses", sent.last().body, { authorization: "Bearer sk-mock" }, upstream.at(-1)!)
  })
})
