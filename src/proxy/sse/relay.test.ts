import { describe, expect, test } from "bun:test"
import { Effect } from "effect"
import { STREAMS } from "./fixtures.ts"
import { relaySse, type RelayOptions } from "./relay.ts"
import type { Usage } from "./usage.ts"

type End = Parameters<NonNullable<RelayOptions["onEnd"]>>[0]

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)

/** An upstream body that hands out one chunk per pull, then ends (or fails), and records a cancel. */
const upstreamOf = (chunks: ReadonlyArray<Uint8Array>, options: { readonly failWith?: Error; readonly endless?: boolean } = {}) => {
  const state = { cancelled: false, pulls: 0 }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = chunks[state.pulls++]
      if (next !== undefined) controller.enqueue(next)
      else if (options.endless) controller.enqueue(encode(": keep-alive\n\n"))
      else if (options.failWith !== undefined) controller.error(options.failWith)
      else controller.close()
    },
    cancel() {
      state.cancelled = true
    },
  })
  return { stream, state }
}

const readAll = async (stream: ReadableStream<Uint8Array>): Promise<string> => {
  const parts: Array<Uint8Array> = []
  for await (const part of stream) parts.push(part)
  return decode(Buffer.concat(parts))
}

/** Runs a relay and records every onEnd call. */
const relay = (upstream: ReadableStream<Uint8Array>, options: Omit<RelayOptions, "onEnd"> & { readonly api: RelayOptions["api"] }) => {
  const ends: Array<End> = []
  const client = relaySse(upstream, { ...options, onEnd: (end) => ends.push(end) })
  return { client, ends }
}

const chunked = (text: string, size: number): Array<Uint8Array> => {
  const all = encode(text)
  const out: Array<Uint8Array> = []
  for (let at = 0; at < all.length; at += size) out.push(all.slice(at, at + size))
  return out
}

const USAGE: Record<keyof typeof STREAMS, Usage> = {
  anthropic: { input: 412, output: 37, cacheRead: 8192, cacheWrite: 1024 },
  "openai-chat": { input: 950, output: 23, cacheRead: 768 },
  "openai-responses": { input: 1300, output: 41, cacheRead: 1024 },
}

describe("relaySse", () => {
  for (const api of ["anthropic", "openai-chat", "openai-responses"] as const) {
    test(`${api}: byte-identical at any chunking, usage reported once on completion`, async () => {
      const stream = STREAMS[api]
      for (const size of [1, 2, 3, 5, 7, 64, 100_000]) {
        const { stream: upstream, state } = upstreamOf(chunked(stream, size))
        const { client, ends } = relay(upstream, { api })
        expect(await readAll(client)).toBe(stream)
        expect(ends).toEqual([{ usage: USAGE[api], outcome: "completed" }])
        expect(state.cancelled).toBe(false)
      }
    })
  }

  test("byte-identical with hooks that keep every event, keep-alives and trailing bytes included", async () => {
    const stream = `: keep-alive\n\n${STREAMS["openai-chat"]}\n\n: bye\ndata: tail without blank line`
    const seen: Array<string> = []
    const { stream: upstream } = upstreamOf(chunked(stream, 13))
    const { client } = relay(upstream, {
      api: "openai-chat",
      onEvent: (frame) => Effect.sync(() => void seen.push(frame.data)),
    })
    expect(await readAll(client)).toBe(stream)
    // Hooks see events only: not the comment blocks or the stray blank lines.
    expect(seen[0]!.startsWith("{")).toBe(true)
    expect(seen.at(-2)).toBe("[DONE]")
    expect(seen.at(-1)).toBe("tail without blank line")
  })

  test("hooks change and drop events; changed events are written in SSE form", async () => {
    const { stream: upstream } = upstreamOf(chunked(STREAMS.anthropic, 11))
    const { client, ends } = relay(upstream, {
      api: "anthropic",
      onEvent: (frame) =>
        Effect.succeed(
          frame.event === "ping" ? null : frame.event === "message_stop" ? { event: "message_stop", data: '{"type":"message_stop","edited":true}' } : undefined,
        ),
    })
    const out = await readAll(client)
    expect(out).not.toContain("event: ping")
    expect(out.endsWith('event: message_stop\ndata: {"type":"message_stop","edited":true}\n\n')).toBe(true)
    expect(out.replace(/event: message_stop\n.*\n\n$/, "")).toBe(
      STREAMS.anthropic.replace('event: ping\ndata: {"type":"ping"}\n\n', "").replace(/event: message_stop\n.*\n\n$/, ""),
    )
    // Usage comes from what the upstream sent.
    expect(ends).toEqual([{ usage: USAGE.anthropic, outcome: "completed" }])
  })

  test("a hook that throws leaves its event as it came", async () => {
    const { stream: upstream } = upstreamOf(chunked(STREAMS["openai-responses"], 50))
    const { client, ends } = relay(upstream, {
      api: "openai-responses",
      onEvent: () => {
        throw new Error("hook bug")
      },
    })
    expect(await readAll(client)).toBe(STREAMS["openai-responses"])
    expect(ends.map((e) => e.outcome)).toEqual(["completed"])
  })

  test("each event reaches the client before the upstream sends the next", async () => {
    let push!: (text: string) => void
    const upstream = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(encode(text))
      },
    })
    const { client } = relay(upstream, { api: "anthropic" })
    const reader = client.getReader()
    push('event: ping\ndata: {"type":"ping"}\n\nevent: message_stop\ndata: {"ty')
    expect(decode((await reader.read()).value!)).toBe('event: ping\ndata: {"type":"ping"}\n\n')
    push('pe":"message_stop"}\n\n')
    expect(decode((await reader.read()).value!)).toBe('event: message_stop\ndata: {"type":"message_stop"}\n\n')
    await reader.cancel()
  })

  test("cancelling the client stream cancels the upstream and ends once as cancelled", async () => {
    const { stream: upstream, state } = upstreamOf(chunked(STREAMS.anthropic, 40), { endless: true })
    const { client, ends } = relay(upstream, { api: "anthropic" })
    const reader = client.getReader()
    expect(decode((await reader.read()).value!)).toStartWith("event: message_start")
    await reader.cancel()
    expect(state.cancelled).toBe(true)
    expect(ends.map((e) => e.outcome)).toEqual(["cancelled"])
    expect(ends[0]!.usage).toMatchObject({ input: 412, cacheRead: 8192, cacheWrite: 1024 })
  })

  test("an upstream error mid-stream errors the client stream (without a reason to print) and ends once as failed", async () => {
    const boom = new Error("connection reset")
    const { stream: upstream } = upstreamOf(chunked(STREAMS["openai-chat"], 30).slice(0, 4), { failWith: boom })
    const { client, ends } = relay(upstream, { api: "openai-chat" })
    const received: Array<Uint8Array> = []
    const failed = await (async () => {
      try {
        for await (const part of client) received.push(part)
        return false
      } catch (e) {
        return e === undefined
      }
    })()
    expect(failed).toBe(true)
    expect(STREAMS["openai-chat"].startsWith(decode(Buffer.concat(received)))).toBe(true)
    expect(ends).toEqual([{ usage: {}, outcome: "failed", error: boom }])
  })

  test("an onEnd that throws doesn't break the response", async () => {
    const { stream: upstream } = upstreamOf([encode(STREAMS["openai-chat"])])
    const client = relaySse(upstream, {
      api: "openai-chat",
      onEnd: () => {
        throw new Error("stats bug")
      },
    })
    expect(await readAll(client)).toBe(STREAMS["openai-chat"])
  })
})
