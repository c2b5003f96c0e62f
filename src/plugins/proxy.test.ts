import { afterAll, describe, expect, test } from "bun:test"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import type { ProxyRequest, ResponseInfo, SseEvent } from "../sdk/plugin.ts"
import { loadPlugins, runRequestHooks, runResponseEventHooks, type Plugins } from "./index.ts"

const dir = mkdtempSync(join(tmpdir(), "headroom-proxy-hooks-"))
const loaded: Array<Plugins> = []
afterAll(() => {
  for (const p of loaded) p.close()
  rmSync(dir, { recursive: true, force: true })
})

const load = async (sources: Record<string, string>) => {
  const explicit = Object.entries(sources).map(([name, source]) => {
    const path = join(dir, `${name}.ts`)
    writeFileSync(path, source)
    return path
  })
  const plugins = await Effect.runPromise(loadPlugins({ cwd: dir, env: {}, explicit, timeoutMs: 2_000, disabled: [] }))
  expect(plugins.warnings).toEqual([])
  loaded.push(plugins)
  return plugins
}

const request: ProxyRequest = {
  provider: "anthropic",
  path: "/v1/messages",
  headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", authorization: "Bearer sk-ant-secret", "x-api-key": "sk-ant-secret" },
  body: { model: "claude-sonnet-4-5", max_tokens: 1024, messages: [{ role: "user", content: "hello" }] },
}

describe("request hooks", () => {
  test("run in turn on what the previous one returned; credentials are never shown to a plugin nor taken from one", async () => {
    const plugins = await load({
      tagger: `export default { name: "tagger", request: (req) => ({ ...req, headers: { ...req.headers, "x-seen-headers": Object.keys(req.headers).join(","), "x-api-key": "stolen" } }) }`,
      shortener: `export default { name: "shortener", request: (req, ctx) => ({ ...req, provider: "openai-chat", body: { ...req.body, max_tokens: 256, note: ctx.countTokens("hello world") } }) }`,
      observer: `export default { name: "observer", request: () => undefined }`,
    })
    const { value, errors } = await Effect.runPromise(runRequestHooks(plugins.requestHooks, request))
    expect(errors).toEqual([])
    expect(value).toEqual({
      provider: "anthropic",
      path: "/v1/messages",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", "x-seen-headers": "content-type,anthropic-version" },
      body: { model: "claude-sonnet-4-5", max_tokens: 256, note: 2, messages: [{ role: "user", content: "hello" }] },
    })
  })

  test("a hook that throws, hangs or returns garbage is skipped and named; the request goes on", async () => {
    const plugins = await load({
      "req-thrower": `export default { name: "req-thrower", request: () => { throw new Error("no") } }`,
      "req-hang": `export default { name: "req-hang", timeoutMs: 100, request: () => { while (true) {} } }`,
      "req-garbage": `export default { name: "req-garbage", request: () => "GET /" }`,
      "req-fine": `export default { name: "req-fine", request: (req) => ({ ...req, path: req.path + "?beta=true" }) }`,
    })
    const { value, errors } = await Effect.runPromise(runRequestHooks(plugins.requestHooks, request))
    expect(value.path).toBe("/v1/messages?beta=true")
    expect(errors).toEqual([
      "plugin req-thrower (req-thrower.ts) threw Error: no; request left as it was",
      "plugin req-hang (req-hang.ts) timed out after 100 ms; request left as it was",
      'plugin req-garbage (req-garbage.ts) returned the string "GET /" instead of a request (path, headers of strings, body) or undefined; request left as it was',
    ])
  })
})

describe("response-event hooks", () => {
  const response: ResponseInfo = { id: "r1", provider: "anthropic", path: "/v1/messages", model: "claude-sonnet-4-5" }
  const run = (plugins: Plugins, event: SseEvent, info = response) => Effect.runPromise(runResponseEventHooks(plugins.responseEventHooks, event, info))

  test("transform, drop (later hooks don't see a dropped event) and keep per-response state", async () => {
    const plugins = await load({
      counter: `export default { name: "counter", responseEvent: (event, ctx) => {
        const seen = ctx.state(() => ({ n: 0 }))
        seen.n++
        return { ...event, id: ctx.response.id + "#" + seen.n }
      } }`,
      "drop-pings": `export default { name: "drop-pings", responseEvent: (event) => (event.event === "ping" ? null : undefined) }`,
      "after-drop": `export default { name: "after-drop", responseEvent: (event) => ({ ...event, data: event.data.replace("Hello", "Hi") }) }`,
    })
    const delta = { event: "content_block_delta", data: '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}' }
    expect(await run(plugins, delta)).toEqual({ value: { ...delta, id: "r1#1", data: delta.data.replace("Hello", "Hi") }, errors: [] })
    expect(await run(plugins, { event: "ping", data: '{"type": "ping"}' })).toEqual({ value: null, errors: [] })
    expect((await run(plugins, delta, { ...response, id: "r2" })).value?.id).toBe("r2#1")
    expect((await run(plugins, delta)).value?.id).toBe("r1#3")
  })

  test("garbage from a hook is named and the event goes on as it was", async () => {
    const plugins = await load({ "event-garbage": `export default { name: "event-garbage", responseEvent: () => ({ event: "x" }) }` })
    const event = { data: "[DONE]" }
    const { value, errors } = await run(plugins, event)
    expect(value).toEqual(event)
    expect(errors).toEqual([
      "plugin event-garbage (event-garbage.ts) returned an object instead of an event ({ event?, data, id? }), null or undefined; event left as it was",
    ])
  })
})
