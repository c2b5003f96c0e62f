/**
 * The official Anthropic SDK as the client, through the proxy, to the mock upstream: a tool result
 * is compressed on the way and redeemable; every other byte, header and streamed event arrives
 * as sent; errors, cut streams and client aborts behave as they would without the proxy.
 */
import Anthropic from "@anthropic-ai/sdk"
import { describe, expect, test } from "bun:test"
import { resolve } from "node:path"
import { recordingFetch } from "../support/client-fetch.ts"
import { useProxiedMock } from "../support/proxy.ts"
import { rawAt, withValuesFrom } from "../support/raw-json.ts"
import { buildLog, serviceLog } from "../support/tool-outputs.ts"

const { mock, proxy } = await useProxiedMock()

const BETA = "interleaved-thinking-2025-05-14,mock-feature-2026-01-01"
const KEY = "sk-ant-mock-0123456789"
const sent = recordingFetch()
/** Claude Code's way in: x-api-key, anthropic-beta, its own headers. */
const client = () =>
  new Anthropic({
    baseURL: proxy.url,
    apiKey: null,
    maxRetries: 0,
    fetch: sent.fetch,
    defaultHeaders: { "x-api-key": KEY, "anthropic-beta": BETA, "x-app": "cli", "x-mock-session": "s-1" },
  })

const MARKER = /headroom retrieve ([0-9a-f]{12})/g
const hashesIn = (text: string) => [...new Set([...text.matchAll(MARKER)].map((m) => m[1]!))]

const LOG = buildLog(2000)
const RESULT = ["messages", 3, "content", 0, "content"] as const

/** A Claude Code–shaped turn: system with cache_control, tools, thinking, a big Bash result last. */
const conversation = (toolOutput: string) =>
  ({
    model: "claude-mock-large",
    max_tokens: 4096,
    system: [
      { type: "text", text: "x-mock-header: build=1" },
      { type: "text", text: "You help with builds. Keep answers short — très court.", cache_control: { type: "ephemeral" } },
    ],
    tools: [
      {
        name: "Bash",
        description: "Runs a shell command and returns its output.",
        input_schema: { type: "object", properties: { command: { type: "string" }, description: { type: "string" } }, required: ["command"] },
      },
    ],
    thinking: { type: "enabled", budget_tokens: 1024 },
    metadata: { user_id: "user-mock-1" },
    messages: [
      {
        role: "user",
        content: [
          { type: "text", text: "<context>\nworkspace: /srv/app — café ☕\n</context>" },
          { type: "text", text: "Build the project and tell me what broke." },
        ],
      },
      // Claude Code puts system entries mid-conversation too.
      { role: "system", content: "Available helpers: none in this workspace." },
      {
        role: "assistant",
        content: [
          { type: "redacted_thinking", data: "bW9jay1yZWRhY3RlZA==" },
          { type: "thinking", thinking: "Run the build first, then read the failure.", signature: "bW9jay10aGlua2luZy1zaWduYXR1cmU=" },
          { type: "text", text: "Running the build." },
          { type: "tool_use", id: "toolu_build01", name: "Bash", input: { command: "ninja -C build", description: "Build" } },
        ],
      },
      {
        role: "user",
        content: [{ type: "tool_result", tool_use_id: "toolu_build01", content: toolOutput, is_error: true, cache_control: { type: "ephemeral" } }],
      },
    ],
  }) satisfies Anthropic.MessageCreateParamsNonStreaming

const headerNumber = (response: Response, name: string) => Number(response.headers.get(name))

/** The upstream got the tool result compressed, and nothing else changed by a single byte. */
const expectCompressedInPlace = (clientBody: string, upstreamBody: string) => {
  expect(upstreamBody.length).toBeLessThan(clientBody.length / 5)
  const compressed = JSON.parse(rawAt(upstreamBody, RESULT)) as string
  for (const needle of LOG.needles) expect(compressed).toContain(needle)
  expect(hashesIn(compressed).length).toBeGreaterThan(0)
  expect(withValuesFrom(clientBody, upstreamBody, [RESULT])).toBe(upstreamBody)
  return compressed
}

describe("a large tool result", () => {
  test("streamed (beta, as Claude Code calls it): compressed upstream, redeemable, answer intact", async () => {
    mock.answer({ thinking: "The scheduler lost a method.", text: "The build fails in scheduler.cpp — fixing it.", toolCalls: [{ name: "Bash", arguments: { command: "grep -n drain_queue -r src" } }] })
    const stream = client().beta.messages.stream(conversation(LOG.text) as Anthropic.Beta.MessageCreateParams, { query: { beta: "true" } })
    const { response } = await stream.withResponse()
    const message = await stream.finalMessage()

    expect(message.content).toMatchObject([
      { type: "thinking", thinking: "The scheduler lost a method.", signature: expect.any(String) },
      { type: "text", text: "The build fails in scheduler.cpp — fixing it." },
      { type: "tool_use", name: "Bash", input: { command: "grep -n drain_queue -r src" } },
    ])
    expect(message.stop_reason).toBe("tool_use")

    const upstream = mock.last()
    expect(upstream.path).toBe("/v1/messages?beta=true")
    const compressed = expectCompressedInPlace(sent.last().body, upstream.text())
    // Usage the upstream reports reflects what it was sent.
    expect(message.usage.input_tokens).toBe(Math.ceil(upstream.body.length / 4))

    const before = headerNumber(response, "x-headroom-tokens-before")
    const after = headerNumber(response, "x-headroom-tokens-after")
    expect(after).toBeGreaterThan(0)
    expect(before).toBeGreaterThan(after * 5)
    expect(headerNumber(response, "x-headroom-tokens-saved")).toBe(before - after)
    expect(response.headers.get("x-headroom-transforms")).toBeTruthy()

    for (const hash of hashesIn(compressed)) {
      const original = await fetch(`${proxy.url}/v1/retrieve/${hash}`)
      expect(original.status).toBe(200)
      expect(await original.text()).toBe(LOG.text)
    }
  })

  test("not streamed: the same compressed bytes, the JSON message relayed", async () => {
    mock.answer({ text: "Done." })
    const { data: message, response } = await client().messages.create(conversation(LOG.text)).withResponse()
    expect(message.content).toMatchObject([{ type: "text", text: "Done." }])
    const compressed = expectCompressedInPlace(sent.last().body, mock.last().text())
    expect(mock.last().path).toBe("/v1/messages")
    expect(Number(response.headers.get("x-headroom-tokens-saved"))).toBeGreaterThan(0)
    // Same tool result, same model: the same bytes as any other request carrying it.
    await client().messages.create(conversation(LOG.text))
    expect(JSON.parse(rawAt(mock.last().text(), RESULT))).toBe(compressed)
  })

  test("`headroom retrieve` in a shell reads the same store", async () => {
    await client().messages.create(conversation(LOG.text))
    const [hash] = hashesIn(mock.last().text())
    const cli = Bun.spawnSync([process.execPath, resolve(import.meta.dir, "../../src/cli/main.ts"), "retrieve", hash!], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: proxy.home, HEADROOM_HOME: proxy.home },
    })
    expect(cli.stderr.toString()).toBe("")
    expect(cli.stdout.toString()).toBe(LOG.text)
  })

  test("multi-byte text in the tool result survives: needles kept, original redeemed exactly", async () => {
    const log = serviceLog(1500, 3)
    const body = conversation(log.text)
    await client().messages.create(body)
    const compressed = JSON.parse(rawAt(mock.last().text(), RESULT)) as string
    for (const needle of log.needles) expect(compressed).toContain(needle)
    const [hash] = hashesIn(compressed)
    expect(await (await fetch(`${proxy.url}/v1/retrieve/${hash}`)).text()).toBe(log.text)
  })
})

describe("what passes untouched", () => {
  test("system, tools, thinking, cache_control, user text: byte-identical; headers as the client sent them", async () => {
    await client().messages.create(conversation(LOG.text), { headers: { "anthropic-version": "2023-06-01" } })
    const clientBody = sent.last().body
    const upstream = mock.last()
    const body = upstream.text()
    for (const path of [["system"], ["tools"], ["thinking"], ["metadata"], ["messages", 0], ["messages", 1], ["messages", 2], ["messages", 3, "content", 0, "cache_control"], ["messages", 3, "content", 0, "tool_use_id"]]) {
      expect(rawAt(body, path)).toBe(rawAt(clientBody, path))
    }
    expect(upstream.headers["x-api-key"]).toBe(KEY)
    expect(upstream.headers["anthropic-beta"]).toBe(BETA)
    expect(upstream.headers["anthropic-version"]).toBe("2023-06-01")
    expect(upstream.headers["x-app"]).toBe("cli")
    expect(upstream.headers["x-mock-session"]).toBe("s-1")
    expect(upstream.headers.authorization).toBeUndefined()
  })

  test("a tool result given as blocks: the text compressed, the image beside it untouched", async () => {
    const body = conversation(LOG.text)
    const image = { type: "image" as const, source: { type: "base64" as const, media_type: "image/png" as const, data: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==" } }
    const withBlocks = { ...body, messages: [...body.messages.slice(0, 3), { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_build01", content: [{ type: "text" as const, text: LOG.text }, image] }] }] }
    await client().messages.create(withBlocks)
    const upstream = mock.last().text()
    const textPath = ["messages", 3, "content", 0, "content", 0, "text"]
    expect(withValuesFrom(sent.last().body, upstream, [textPath])).toBe(upstream)
    expect(hashesIn(rawAt(upstream, textPath)).length).toBeGreaterThan(0)
    expect(rawAt(upstream, ["messages", 3, "content", 0, "content", 1])).toBe(JSON.stringify(image))
  })

  test("results of exact-content tools (Read) pass untouched", async () => {
    const body = conversation(LOG.text)
    const numbered = LOG.text
      .split("\n")
      .map((line, i) => `${i + 1}\t${line}`)
      .join("\n")
    const assistant = { role: "assistant" as const, content: [{ type: "tool_use" as const, id: "toolu_read01", name: "Read", input: { file_path: "/srv/app/build.log" } }] }
    const result = { role: "user" as const, content: [{ type: "tool_result" as const, tool_use_id: "toolu_read01", content: numbered }] }
    await client().messages.create({ ...body, messages: [...body.messages.slice(0, 2), assistant, result] })
    expect(mock.last().text()).toBe(sent.last().body)
  })

  test("a request with nothing to compress reaches the upstream as the client's own bytes", async () => {
    const { response } = await client().messages.create(conversation("ok: 3 files changed")).withResponse()
    expect(mock.last().text()).toBe(sent.last().body)
    expect(response.headers.get("x-headroom-tokens-before")).toBeNull()
  })

  test("x-headroom-bypass: true sends the original bytes and no x-headroom header upstream", async () => {
    const { response } = await client().messages.create(conversation(LOG.text), { headers: { "x-headroom-bypass": "true" } }).withResponse()
    expect(mock.last().text()).toBe(sent.last().body)
    expect(Object.keys(mock.last().headers).filter((h) => h.startsWith("x-headroom"))).toEqual([])
    expect(response.headers.get("x-headroom-tokens-saved")).toBeNull()
  })

  test("count_tokens is forwarded and answered", async () => {
    const { model, messages, system, tools } = conversation("short output")
    const count = await client().messages.countTokens({ model, messages, system, tools })
    expect(mock.last().path).toBe("/v1/messages/count_tokens")
    expect(mock.last().json()).toEqual(JSON.parse(sent.last().body))
    expect(count.input_tokens).toBe(Math.ceil(mock.last().body.length / 4))
  })

  test("GET /v1/models passes through", async () => {
    const models = await client().models.list()
    expect(models.data.map((m) => m.id)).toEqual(["claude-mock-large", "claude-mock-small"])
    expect(mock.last().method).toBe("GET")
    expect(mock.last().path).toStartWith("/v1/models")
    expect(mock.last().headers["x-api-key"]).toBe(KEY)
  })
})

describe("streaming", () => {
  test("events split at every byte (inside UTF-8 sequences) are relayed byte for byte", async () => {
    const text = "Réparé — 修正しました ✓ 🚀 all green"
    mock.answer({ text, chunkBytes: 1, deltaChars: 3 })
    const body = JSON.stringify({ ...conversation("ok"), stream: true })
    const response = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "anthropic-version": "2023-06-01", "content-type": "application/json" }, body })
    const relayed = new Uint8Array(await response.arrayBuffer())
    expect(response.headers.get("content-type")).toStartWith("text/event-stream")
    expect(relayed).toEqual(mock.last().sent())

    mock.answer({ text, chunkBytes: 5 })
    const message = await client().messages.stream(conversation("ok")).finalMessage()
    expect(message.content).toMatchObject([{ type: "text", text }])
  })

  test("each event reaches the client as soon as the upstream sends it", async () => {
    mock.answer({ text: "one two three four", deltaChars: 4, delayMs: 60 })
    const stream = client().messages.stream(conversation("ok"))
    const started = performance.now()
    const firstText = await new Promise<number>((done) => stream.on("text", () => done(performance.now() - started)))
    const message = await stream.finalMessage()
    const total = performance.now() - started
    expect(message.content).toMatchObject([{ type: "text", text: "one two three four" }])
    // 12 events, 60 ms apart: the first text arrives long before the end.
    expect(firstText).toBeLessThan(total - 240)
  })

  test("a stream cut mid-way fails the SDK; the proxy serves the next request", async () => {
    mock.answer({ text: "this answer is cut short by the upstream", disconnectAfter: 5 })
    const stream = client().messages.stream(conversation(LOG.text))
    await expect(stream.finalMessage()).rejects.toThrow()
    expect(await mock.last().outcome).toBe("disconnected")

    mock.answer({ text: "Back." })
    const message = await client().messages.stream(conversation(LOG.text)).finalMessage()
    expect(message.content).toMatchObject([{ type: "text", text: "Back." }])
    const health = (await (await fetch(`${proxy.url}/health`)).json()) as { status: string }
    expect(health.status).toBe("healthy")
  })

  test("an error event mid-stream (overloaded) reaches the SDK as the API error it is", async () => {
    mock.answer({ text: "a partial answer before the overload", streamError: { after: 5, message: "Overloaded" } })
    const error = await client()
      .messages.stream(conversation(LOG.text))
      .finalMessage()
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(Anthropic.APIError)
    expect(error).toMatchObject({ error: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } } })

    mock.answer({ text: "a partial answer before the overload", streamError: { after: 5, message: "Overloaded" } })
    const body = JSON.stringify({ ...conversation("ok"), stream: true })
    const response = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body })
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(mock.last().sent())
  })

  test("a cut stream reaches a raw client as a failed body, not a clean end", async () => {
    mock.answer({ text: "cut short", disconnectAfter: 4 })
    const body = JSON.stringify({ ...conversation("ok"), stream: true })
    const response = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body })
    expect(response.status).toBe(200)
    await expect(response.arrayBuffer()).rejects.toThrow()
  })

  test("a client that goes away cancels the upstream stream", async () => {
    mock.answer({ stallAfter: 3 })
    const controller = new AbortController()
    const stream = client().messages.stream(conversation("ok"), { signal: controller.signal })
    const failed = stream.finalMessage().then(
      () => false,
      () => true,
    )
    await new Promise<void>((ready) => stream.on("streamEvent", (e) => e.type === "content_block_start" && ready()))
    controller.abort()
    expect(await failed).toBe(true)
    const outcome = await Promise.race([mock.last().outcome, Bun.sleep(3000).then(() => "still open")])
    expect(outcome).toBe("cancelled")
  })
})

describe("upstream errors", () => {
  test.each([
    [429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.", Anthropic.RateLimitError],
    [500, "api_error", "Internal server error.", Anthropic.InternalServerError],
    [529, "overloaded_error", "Overloaded", Anthropic.APIError],
  ] as const)("%i is relayed with its body: the SDK sees the status and message", async (status, type, message, kind) => {
    mock.answer({ error: { status, message, headers: { "retry-after": "7" } } })
    const error = await client()
      .messages.create(conversation(LOG.text))
      .catch((e: unknown) => e)
    expect(error).toBeInstanceOf(kind)
    const apiError = error as InstanceType<typeof Anthropic.APIError>
    expect(apiError.status).toBe(status)
    expect(apiError.error).toEqual(JSON.parse(new TextDecoder().decode(mock.last().sent())))
    expect(apiError.error).toMatchObject({ type: "error", error: { type, message } })
    expect(apiError.headers?.get("retry-after")).toBe("7")
  })

  test("the error body's bytes are relayed verbatim", async () => {
    mock.answer({ error: { status: 429, message: "Slow down — s'il vous plaît." } })
    const response = await fetch(`${proxy.url}/v1/messages`, { method: "POST", headers: { "x-api-key": KEY, "content-type": "application/json" }, body: JSON.stringify(conversation("ok")) })
    expect(response.status).toBe(429)
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(mock.last().sent())
  })
})
