/**
 * The official SDKs against proxies started with non-default flags, and against upstreams that
 * fail in the ways networks do: what the client sees must be an ordinary API error it knows how
 * to handle, never a hang.
 */
import Anthropic from "@anthropic-ai/sdk"
import OpenAI from "openai"
import { afterAll, beforeEach, describe, expect, test } from "bun:test"
import { recordingFetch } from "../support/client-fetch.ts"
import { startMockUpstream } from "../support/mock-upstream.ts"
import { startTestProxy, type TestProxy } from "../support/proxy.ts"
import { buildLog } from "../support/tool-outputs.ts"

const mock = await startMockUpstream()
afterAll(() => mock.stop())
beforeEach(() => mock.reset())

const LOG = buildLog(1500, 7)
const sent = recordingFetch()

/** Runs `body` with a proxy started with `args`, stopped afterwards. */
const withProxy = async (args: ReadonlyArray<string>, body: (proxy: TestProxy) => Promise<void>, upstream: { anthropicUrl?: string; openaiUrl?: string } = {}) => {
  const proxy = await startTestProxy({ anthropicUrl: mock.url, openaiUrl: mock.openaiUrl, ...upstream, args })
  try {
    await body(proxy)
  } finally {
    await proxy.stop()
  }
}

const anthropic = (proxy: TestProxy) => new Anthropic({ baseURL: proxy.url, apiKey: null, maxRetries: 0, fetch: sent.fetch, defaultHeaders: { "x-api-key": "sk-ant-mock" } })
const openai = (proxy: TestProxy) => new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-mock", maxRetries: 0, fetch: sent.fetch })

const withToolResult = (tool: string, output: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: "claude-mock-large",
  max_tokens: 1024,
  messages: [
    { role: "user", content: "Build it." },
    { role: "assistant", content: [{ type: "tool_use", id: "toolu_x1", name: tool, input: { command: "mvn package" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_x1", content: output }] },
  ],
})
const toolResultOf = (body: string) => JSON.parse(body).messages[2].content[0].content as string

describe("flags", () => {
  test("--no-optimize: a large tool result goes as the client's bytes, without headroom headers", async () => {
    await withProxy(["--no-optimize"], async (proxy) => {
      const { response } = await anthropic(proxy).messages.create(withToolResult("Bash", LOG.text)).withResponse()
      expect(mock.last().text()).toBe(sent.last().body)
      expect(response.headers.get("x-headroom-tokens-before")).toBeNull()
    })
  })

  test("--exclude-tool: that tool's results pass exactly; other tools' are compressed", async () => {
    await withProxy(["--exclude-tool", "Bash"], async (proxy) => {
      await anthropic(proxy).messages.create(withToolResult("Bash", LOG.text))
      expect(mock.last().text()).toBe(sent.last().body)
      await anthropic(proxy).messages.create(withToolResult("Shell", LOG.text))
      expect(mock.last().body.length).toBeLessThan(sent.last().body.length / 5)
    })
  })

  test("--marker-verb: markers tell the model what to run", async () => {
    await withProxy(["--marker-verb", "hr show"], async (proxy) => {
      await anthropic(proxy).messages.create(withToolResult("Bash", LOG.text))
      const result = toolResultOf(mock.last().text())
      expect(result).toMatch(/hr show [0-9a-f]{12}/)
      expect(result).not.toContain("headroom retrieve")
    })
  })
})

describe("the proxy's own refusals, as SDK errors", () => {
  test("--auth-token: no token is a 401 the SDK reports; with it the request goes, without the token", async () => {
    await withProxy(["--auth-token", "t0ken-mock"], async (proxy) => {
      const refused = await anthropic(proxy)
        .messages.create(withToolResult("Bash", "ok"))
        .catch((e: unknown) => e)
      expect(refused).toBeInstanceOf(Anthropic.AuthenticationError)
      expect(mock.requests.length).toBe(0)

      const allowed = new OpenAI({ baseURL: `${proxy.url}/v1`, apiKey: "sk-mock", maxRetries: 0, defaultHeaders: { "x-headroom-token": "t0ken-mock" } })
      const completion = await allowed.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] })
      expect(completion.choices[0]?.message.content).toBe("Done.")
      expect(mock.last().headers["x-headroom-token"]).toBeUndefined()
      expect(mock.last().headers.authorization).toBe("Bearer sk-mock")
    })
  })

  test("--max-body: a larger body is a 413 in the API's shape, never forwarded", async () => {
    await withProxy(["--max-body", "64KB"], async (proxy) => {
      const error = await anthropic(proxy)
        .messages.create(withToolResult("Bash", LOG.text))
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ status: 413, error: { type: "error", error: { type: "request_too_large" } } })
      expect(mock.requests.length).toBe(0)
    })
  })
})

describe("stats", () => {
  test("usage read from streamed and JSON answers of each API; no request left active after cuts and aborts", async () => {
    await withProxy([], async (proxy) => {
      const stats = async () => (await (await fetch(`${proxy.url}/stats`)).json()) as { active_requests: number; usage: Record<string, number>; requests_by_api: Record<string, number> }
      mock.answer(
        { text: "a", usage: { input: 1000, output: 50, cacheRead: 300, cacheWrite: 20 } },
        { text: "b", usage: { input: 2000, output: 60, cacheRead: 400, cacheWrite: 30 } },
        { text: "c", usage: { input: 500, output: 7 } },
        { text: "d", usage: { input: 40, output: 3 } },
      )
      await anthropic(proxy).messages.stream(withToolResult("Bash", "ok")).finalMessage()
      await anthropic(proxy).messages.create(withToolResult("Bash", "ok"))
      await openai(proxy).chat.completions.stream({ model: "m", messages: [{ role: "user", content: "hi" }], stream_options: { include_usage: true } }).finalChatCompletion()
      await openai(proxy).responses.stream({ model: "m", input: "hi" }).finalResponse()
      const after = await stats()
      expect(after.usage).toMatchObject({ input_tokens: 3540, output_tokens: 120, cache_read_input_tokens: 700, cache_creation_input_tokens: 50 })
      expect(after.requests_by_api).toEqual({ anthropic: 2, "openai-chat": 1, "openai-responses": 1 })

      mock.answer({ text: "cut", disconnectAfter: 3 }, { stallAfter: 2 })
      await anthropic(proxy).messages.stream(withToolResult("Bash", "ok")).finalMessage().catch(() => undefined)
      const controller = new AbortController()
      const stalled = anthropic(proxy).messages.stream(withToolResult("Bash", "ok"), { signal: controller.signal })
      await new Promise<void>((ready) => stalled.on("connect", () => ready()))
      controller.abort()
      await stalled.finalMessage().catch(() => undefined)
      await mock.last().outcome
      let active = (await stats()).active_requests
      for (let i = 0; i < 20 && active !== 0; i++) {
        await Bun.sleep(50)
        active = (await stats()).active_requests
      }
      expect(active).toBe(0)
    })
  })
})

describe("upstream failures", () => {
  test("an upstream nobody listens on: 502 in each API's error shape", async () => {
    const closed = Bun.serve({ port: 0, fetch: () => new Response() })
    const dead = `http://127.0.0.1:${closed.port}`
    await closed.stop(true)
    await withProxy(
      [],
      async (proxy) => {
        const a = await anthropic(proxy)
          .messages.create(withToolResult("Bash", "ok"))
          .catch((e: unknown) => e)
        expect(a).toBeInstanceOf(Anthropic.APIError)
        expect(a).toMatchObject({ status: 502, error: { type: "error", error: { type: "api_error" } } })
        expect((a as Error).message).toContain("cannot reach the upstream")

        const o = await openai(proxy)
          .chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }] })
          .catch((e: unknown) => e)
        expect(o).toBeInstanceOf(OpenAI.APIError)
        expect(o).toMatchObject({ status: 502, type: "server_error" })
      },
      { anthropicUrl: dead, openaiUrl: `${dead}/v1` },
    )
  })

  test("an upstream that drops the connection before answering: 502", async () => {
    await withProxy([], async (proxy) => {
      mock.answer({ disconnectAfter: 0 })
      const error = await anthropic(proxy)
        .messages.stream(withToolResult("Bash", LOG.text))
        .finalMessage()
        .catch((e: unknown) => e)
      expect(error).toMatchObject({ status: 502 })
    })
  })

  test("--timeout: an upstream that never answers gives 504; one that stalls mid-stream ends the stream and is cancelled", async () => {
    await withProxy(["--timeout", "1s"], async (proxy) => {
      mock.answer({ stallAfter: 0 })
      const started = performance.now()
      const silent = await anthropic(proxy)
        .messages.create(withToolResult("Bash", "ok"))
        .catch((e: unknown) => e)
      expect(silent).toMatchObject({ status: 504, error: { type: "error" } })
      expect(performance.now() - started).toBeLessThan(5000)
      expect(await mock.last().outcome).toBe("cancelled")

      mock.answer({ text: "thinking very slowly", stallAfter: 3 })
      const stalled = await anthropic(proxy)
        .messages.stream(withToolResult("Bash", "ok"))
        .finalMessage()
        .then(
          () => "completed",
          () => "failed",
        )
      expect(stalled).toBe("failed")
      expect(await Promise.race([mock.last().outcome, Bun.sleep(3000).then(() => "still open")])).toBe("cancelled")
    })
  })
})
