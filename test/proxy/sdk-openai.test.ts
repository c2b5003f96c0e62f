/**
 * The official OpenAI SDK as the client, through the proxy (`--openai-url ${mock}/v1`), to the
 * mock upstream: Chat Completions `role: "tool"` messages and Responses `function_call_output` /
 * `custom_tool_call_output` items are compressed in place and redeemable; streams, usage,
 * errors and other routes arrive as the upstream sent them.
 */
import OpenAI from "openai"
import { describe, expect, test } from "bun:test"
import { recordingFetch } from "../support/client-fetch.ts"
import { useProxiedMock } from "../support/proxy.ts"
import { type Path, rawAt, withValuesFrom } from "../support/raw-json.ts"
import { buildLog, serviceLog, testRun, type ToolOutput } from "../support/tool-outputs.ts"

const { mock, proxy } = await useProxiedMock()

const KEY = "sk-mock-openai-0123456789"
const sent = recordingFetch()
const client = () => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: KEY, maxRetries: 0, fetch: sent.fetch, defaultHeaders: { "openai-organization": "org-mock" } })

const MARKER = /headroom retrieve ([0-9a-f]{12})/g
const hashesIn = (text: string) => [...new Set([...text.matchAll(MARKER)].map((m) => m[1]!))]

/**
 * Each path's tool output reached the upstream compressed (needles kept, redeemable to the exact
 * original through the proxy); every byte outside those paths is the client's.
 */
const expectCompressed = async (outputs: ReadonlyArray<readonly [Path, ToolOutput]>) => {
  const clientBody = sent.last().body
  const upstreamBody = mock.last().text()
  expect(upstreamBody.length).toBeLessThan(clientBody.length / 5)
  expect(
    withValuesFrom(
      clientBody,
      upstreamBody,
      outputs.map(([path]) => path),
    ),
  ).toBe(upstreamBody)
  for (const [path, output] of outputs) {
    const compressed = JSON.parse(rawAt(upstreamBody, path)) as string
    for (const needle of output.needles) expect(compressed).toContain(needle)
    const hashes = hashesIn(compressed)
    expect(hashes.length).toBeGreaterThan(0)
    for (const hash of hashes) expect(await (await fetch(`${proxy.url}/v1/retrieve/${hash}`)).text()).toBe(output.text)
  }
}

const TESTS = testRun(1200)
const SERVICE = serviceLog(1500)
const BUILD = buildLog(2000)

const chatConversation = (tests: string, service: string) =>
  ({
    model: "gpt-mock-large",
    messages: [
      { role: "system", content: "You are a careful release engineer — réponses courtes." },
      { role: "user", content: "Run the tests and look at the service log." },
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_tests", type: "function", function: { name: "shell", arguments: '{"cmd":"cargo test"}' } },
          { id: "call_log", type: "function", function: { name: "shell", arguments: '{"cmd":"tail -n 1500 service.log"}' } },
        ],
      },
      { role: "tool", tool_call_id: "call_tests", content: tests },
      { role: "tool", tool_call_id: "call_log", content: [{ type: "text", text: service }] },
    ],
    tools: [{ type: "function", function: { name: "shell", description: "Run a command.", parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } } }],
  }) satisfies OpenAI.Chat.ChatCompletionCreateParamsNonStreaming

const CHAT_RESULTS = [
  [["messages", 3, "content"], TESTS],
  [["messages", 4, "content", 0, "text"], SERVICE],
] as const

describe("chat completions", () => {
  test("role:tool messages, streamed with include_usage: compressed upstream; chunks and usage intact", async () => {
    mock.answer({ text: "Two tests fail — voilà 🔧", toolCalls: [{ name: "shell", arguments: { cmd: "cargo test case_0311" }, id: "call_next" }] })
    const { data: stream, response } = await client()
      .chat.completions.create({ ...chatConversation(TESTS.text, SERVICE.text), stream: true, stream_options: { include_usage: true } })
      .withResponse()
    const chunks: Array<OpenAI.Chat.ChatCompletionChunk> = []
    for await (const chunk of stream) chunks.push(chunk)

    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Two tests fail — voilà 🔧")
    expect(chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []).map((t) => t.function?.arguments ?? "").join("")).toBe('{"cmd":"cargo test case_0311"}')
    const usage = chunks.at(-1)!
    expect(usage.choices).toEqual([])
    expect(usage.usage?.prompt_tokens).toBe(Math.ceil(mock.last().body.length / 4))

    expect(mock.last().path).toBe("/v1/chat/completions")
    expect(mock.last().headers.authorization).toBe(`Bearer ${KEY}`)
    expect(mock.last().headers["openai-organization"]).toBe("org-mock")
    await expectCompressed(CHAT_RESULTS)
    const before = Number(response.headers.get("x-headroom-tokens-before"))
    const after = Number(response.headers.get("x-headroom-tokens-after"))
    expect(before).toBeGreaterThan(after * 5)
    expect(Number(response.headers.get("x-headroom-tokens-saved"))).toBe(before - after)
  })

  test("the SDK's stream helper assembles the tool calls", async () => {
    mock.answer({ toolCalls: [{ name: "shell", arguments: { cmd: "ls" }, id: "call_a" }, { name: "shell", arguments: { cmd: "pwd" }, id: "call_b" }] })
    const completion = await client()
      .chat.completions.stream({ ...chatConversation(TESTS.text, SERVICE.text), stream_options: { include_usage: true } })
      .finalChatCompletion()
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls")
    expect(completion.choices[0]?.message.tool_calls).toMatchObject([
      { id: "call_a", function: { name: "shell", arguments: '{"cmd":"ls"}' } },
      { id: "call_b", function: { name: "shell", arguments: '{"cmd":"pwd"}' } },
    ])
  })

  test("not streamed: compressed the same way, the JSON completion relayed", async () => {
    mock.answer({ text: "Fixed." })
    const completion = await client().chat.completions.create(chatConversation(TESTS.text, SERVICE.text))
    expect(completion.choices[0]?.message.content).toBe("Fixed.")
    await expectCompressed(CHAT_RESULTS)
  })

  test("nothing to compress: the upstream gets the client's own bytes", async () => {
    await client().chat.completions.create(chatConversation("test result: ok. 3 passed", "no new lines"))
    expect(mock.last().text()).toBe(sent.last().body)
  })

  test("a stream cut mid-way fails the SDK; the proxy serves the next request", async () => {
    mock.answer({ text: "this will not finish", disconnectAfter: 3 })
    const stream = client().chat.completions.stream(chatConversation(TESTS.text, SERVICE.text))
    await expect(stream.finalChatCompletion()).rejects.toThrow()
    mock.answer({ text: "Back." })
    const completion = await client().chat.completions.create(chatConversation(TESTS.text, SERVICE.text))
    expect(completion.choices[0]?.message.content).toBe("Back.")
  })

  test("an error chunk mid-stream reaches the SDK as an API error", async () => {
    mock.answer({ text: "partial text before the failure", streamError: { after: 3, message: "The server had an error while processing your request." } })
    const error = await (async () => {
      for await (const _ of await client().chat.completions.create({ ...chatConversation(TESTS.text, SERVICE.text), stream: true }));
    })().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.APIError)
    expect((error as Error).message).toContain("The server had an error while processing your request.")
  })

  test("429 and 500 are relayed: the SDK sees the status, code and message", async () => {
    mock.answer({ error: { status: 429, message: "Rate limit reached for gpt-mock-large.", code: "rate_limit_exceeded" } })
    const limited = await client().chat.completions.create(chatConversation("x", "y")).catch((e: unknown) => e)
    expect(limited).toBeInstanceOf(OpenAI.RateLimitError)
    expect(limited).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "requests" })
    expect((limited as Error).message).toContain("Rate limit reached for gpt-mock-large.")

    mock.answer({ error: { status: 500, message: "The server had an error processing your request." } })
    const failed = await client()
      .chat.completions.create({ ...chatConversation(TESTS.text, SERVICE.text), stream: true })
      .catch((e: unknown) => e)
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError)
    expect((failed as InstanceType<typeof OpenAI.APIError>).error).toEqual(JSON.parse(new TextDecoder().decode(mock.last().sent())).error)
  })
})

const responsesInput = (build: string, service: string) =>
  ({
    model: "gpt-mock-large",
    instructions: "You are a coding agent.",
    input: [
      { type: "message", role: "developer", content: [{ type: "input_text", text: "Sandbox: read-only — ünïcödé ok." }] },
      { type: "message", role: "user", content: [{ type: "input_text", text: "Check the build and the service log." }] },
      { type: "function_call", call_id: "call_build", name: "exec_command", arguments: '{"cmd":"mvn -q package"}' },
      { type: "function_call_output", call_id: "call_build", output: build },
      { type: "custom_tool_call", call_id: "call_exec", name: "exec", input: "const r = await tools.exec_command({cmd: 'tail -n 1500 service.log'});\ntext(r.output);" },
      {
        type: "custom_tool_call_output",
        call_id: "call_exec",
        output: [
          { type: "input_text", text: "Script completed\nOutput:\n" },
          { type: "input_text", text: service },
        ],
      },
    ],
    tools: [
      { type: "function", name: "exec_command", description: "Run a command.", strict: false, parameters: { type: "object", properties: { cmd: { type: "string" } }, required: ["cmd"] } },
      { type: "custom", name: "exec", description: "Run a script." },
    ],
    store: false,
    reasoning: { effort: "medium" },
    include: ["reasoning.encrypted_content"],
    prompt_cache_key: "mock-session-1",
  }) as OpenAI.Responses.ResponseCreateParamsNonStreaming

/** The same request for the SDK's stream helper (its parameter type is a union the literal doesn't narrow to). */
const streamed = (params: OpenAI.Responses.ResponseCreateParamsNonStreaming) => params as Parameters<OpenAI["responses"]["stream"]>[0]

const RESPONSES_RESULTS = [
  [["input", 3, "output"], BUILD],
  [["input", 5, "output", 1, "text"], SERVICE],
] as const

describe("responses", () => {
  test("function_call_output and custom_tool_call_output parts, streamed: compressed upstream; final response intact", async () => {
    mock.answer({ text: "The build broke in Scheduler.java.", toolCalls: [{ name: "exec_command", arguments: { cmd: "git diff" }, id: "call_diff" }, { name: "exec", arguments: "text('hi')", custom: true, id: "call_js" }] })
    const response = await client().responses.stream(streamed(responsesInput(BUILD.text, SERVICE.text))).finalResponse()
    expect(response.output_text).toBe("The build broke in Scheduler.java.")
    expect(response.output.slice(1)).toMatchObject([
      { type: "function_call", call_id: "call_diff", name: "exec_command", arguments: '{"cmd":"git diff"}' },
      { type: "custom_tool_call", call_id: "call_js", name: "exec", input: "text('hi')" },
    ])
    expect(response.usage?.input_tokens).toBe(Math.ceil(mock.last().body.length / 4))
    expect(mock.last().path).toBe("/v1/responses")
    await expectCompressed(RESPONSES_RESULTS)
    // The short first part is left as it was.
    expect(rawAt(mock.last().text(), ["input", 5, "output", 0])).toBe(rawAt(sent.last().body, ["input", 5, "output", 0]))
  })

  test("streamed events split mid-UTF-8 are relayed byte for byte", async () => {
    mock.answer({ text: "Überprüft — 確認済み ✅", chunkBytes: 3 })
    const response = await fetch(`${proxy.url}/v1/responses`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ ...responsesInput("short", "short"), stream: true }),
    })
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(mock.last().sent())
  })

  test("not streamed, and bypassed: x-headroom-bypass sends the client's bytes", async () => {
    mock.answer({ text: "Plain." })
    const { data, response } = await client().responses.create(responsesInput(BUILD.text, SERVICE.text), { headers: { "x-headroom-bypass": "true" } }).withResponse()
    expect(data.output_text).toBe("Plain.")
    expect(mock.last().text()).toBe(sent.last().body)
    expect(mock.last().headers["x-headroom-bypass"]).toBeUndefined()
    expect(response.headers.get("x-headroom-tokens-before")).toBeNull()
  })

  test("a stream cut mid-way fails the SDK", async () => {
    mock.answer({ text: "cut", disconnectAfter: 4 })
    await expect(client().responses.stream(streamed(responsesInput(BUILD.text, SERVICE.text))).finalResponse()).rejects.toThrow()
    expect(await mock.last().outcome).toBe("disconnected")
  })
})

test("GET /v1/models passes through to the OpenAI upstream", async () => {
  const models = await client().models.list()
  expect(models.data.map((m) => m.id)).toEqual(["gpt-mock-large", "gpt-mock-small"])
  expect(mock.last().path).toBe("/v1/models")
  expect(mock.last().headers.authorization).toBe(`Bearer ${KEY}`)
})
