import { describe, expect, test } from "bun:test"
import { Effect, Stream } from "effect"
import { encodeSseEvent, sseFrames, type SseFrame } from "./decode.ts"
import { ANTHROPIC_STREAM, CHAT_STREAM, RESPONSES_STREAM, TEXT } from "./fixtures.ts"

const bytes = (text: string) => new TextEncoder().encode(text)
const text = (raw: Uint8Array) => new TextDecoder("utf-8", { ignoreBOM: true }).decode(raw)

const framesOf = (chunks: ReadonlyArray<Uint8Array>): Array<SseFrame> =>
  Effect.runSync(Stream.runCollect(sseFrames(Stream.fromIterable(chunks))))

/** The frames as plain values, raw bytes as text, to compare re-chunked runs. */
const shape = (frames: ReadonlyArray<SseFrame>) => frames.map((f) => ({ ...f, raw: text(f.raw) }))

/** The parsed events, without their bytes and without data-less frames (blank lines). */
const fields = (frames: ReadonlyArray<{ readonly event?: string; readonly data: string; readonly id?: string }>) =>
  frames.flatMap(({ event, data, id }) => (data === "" && event === undefined ? [] : [{ event, data, id }]))

const joined = (frames: ReadonlyArray<SseFrame>) => frames.map((f) => text(f.raw)).join("")

/** Every split into two chunks, and one byte at a time. */
const rechunkings = (all: Uint8Array): Array<Array<Uint8Array>> => [
  ...Array.from({ length: all.length + 1 }, (_, at) => [all.slice(0, at), all.slice(at)]),
  Array.from(all, (b) => Uint8Array.of(b)),
]

describe("sseFrames", () => {
  test("splits an Anthropic stream into its events, keeping each event's exact bytes", () => {
    const frames = framesOf([bytes(ANTHROPIC_STREAM)])
    expect(frames.map((f) => f.event)).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      ...TEXT.map(() => "content_block_delta"),
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ])
    expect(joined(frames)).toBe(ANTHROPIC_STREAM)
    expect(text(frames[2]!.raw)).toBe('event: ping\ndata: {"type":"ping"}\n\n')
    expect(JSON.parse(frames[3]!.data).delta.text).toBe(TEXT[0])
  })

  test("OpenAI chat chunks have no event name and end with [DONE]", () => {
    const frames = framesOf([bytes(CHAT_STREAM)])
    expect(frames.every((f) => f.event === undefined)).toBe(true)
    expect(frames.at(-1)!.data).toBe("[DONE]")
    expect(frames.slice(1, 1 + TEXT.length).map((f) => JSON.parse(f.data).choices[0].delta.content)).toEqual(TEXT)
  })

  for (const [name, stream] of [
    ["anthropic", ANTHROPIC_STREAM],
    ["openai chat", CHAT_STREAM],
    ["openai responses", RESPONSES_STREAM],
    ["anthropic with CRLF line ends", ANTHROPIC_STREAM.replaceAll("\n", "\r\n")],
    ["openai chat with CR line ends", CHAT_STREAM.replaceAll("\n", "\r")],
  ] as const) {
    test(`${name}: the same events at every chunk boundary, UTF-8 intact`, () => {
      const all = bytes(stream)
      const expected = shape(framesOf([all]))
      expect(expected.map((f) => f.raw).join("")).toBe(stream)
      expect(expected.some((f) => f.data.includes("\uFFFD"))).toBe(false)
      for (const chunks of rechunkings(all)) {
        const frames = framesOf(chunks)
        expect(joined(frames)).toBe(stream)
        // A chunk boundary inside a CRLF blank line moves its LF to the next frame's bytes
        // (or to a frame of its own at the end).
        if (stream.includes("\r")) expect(fields(frames)).toEqual(fields(expected))
        else expect(shape(frames)).toEqual(expected)
      }
    })
  }

  test("follows the spec: multi-line data, comments, bare fields, one optional space, ids", () => {
    const stream = ": keep-alive\n\nevent: update\ndata: first\ndata:second\ndata:  third\ndata\nid: 7\nretry: 100\nunknown: x\n\nid: a\0b\ndata: x\n\nevent:\ndata: y\n\n"
    const frames = framesOf([bytes(stream)])
    expect(frames.map(({ raw: _, ...f }) => f)).toEqual([
      { data: "" },
      { event: "update", data: "first\nsecond\n third\n", id: "7" },
      { data: "x" },
      { data: "y" },
    ])
    expect(joined(frames)).toBe(stream)
  })

  test("mixed line ends: CRLF, CR and LF all end lines, and blank lines end events", () => {
    const stream = "data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\revent: e\ndata: f\n\n"
    const expected = [{ data: "a\nb\nc" }, { data: "d" }, { event: "e", data: "f" }]
    for (const chunks of rechunkings(bytes(stream))) {
      const frames = framesOf(chunks)
      expect(frames.map(({ raw: _, ...f }) => f)).toEqual(expected)
      expect(joined(frames)).toBe(stream)
    }
  })

  test("a byte-order mark is skipped at the start of the stream only, and kept in the bytes", () => {
    const stream = "\uFEFFdata: one\n\n\uFEFFdata: two\n\n"
    for (const chunks of rechunkings(bytes(stream))) {
      const frames = framesOf(chunks)
      expect(frames.map((f) => f.data)).toEqual(["one", ""])
      expect(joined(frames)).toBe(stream)
    }
  })

  test("bytes after the last blank line come out at the end as they are", () => {
    const stream = 'data: {"a":1}\n\ndata: [DONE]\n'
    for (const chunks of rechunkings(bytes(stream))) {
      const frames = framesOf(chunks)
      expect(frames.map((f) => text(f.raw))).toEqual(['data: {"a":1}\n\n', "data: [DONE]\n"])
      expect(frames[1]!.data).toBe("[DONE]")
    }
  })

  test("extra blank lines between events pass through as frames without data", () => {
    const frames = framesOf([bytes("data: a\n\n\n\ndata: b\n\n")])
    expect(frames.map((f) => [text(f.raw), f.data])).toEqual([
      ["data: a\n\n", "a"],
      ["\n", ""],
      ["\n", ""],
      ["data: b\n\n", "b"],
    ])
  })

  test("an event is emitted as soon as its blank line arrives, before the stream goes on", async () => {
    const seen: Array<string> = []
    let release!: () => void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const source = Stream.fromIterable([bytes("data: first\n\ndata: sec"), bytes("ond\n\n")]).pipe(
      Stream.tap((chunk) => (text(chunk).startsWith("ond") ? Effect.promise(() => gate) : Effect.void)),
    )
    const run = Effect.runPromise(Stream.runForEach(sseFrames(source), (f) => Effect.sync(() => seen.push(f.data))))
    await Bun.sleep(5)
    expect(seen).toEqual(["first"])
    release()
    await run
    expect(seen).toEqual(["first", "second"])
  })
})

describe("encodeSseEvent", () => {
  test("writes event, id and one data line per line, ending with a blank line", () => {
    expect(text(encodeSseEvent({ event: "message_delta", data: '{"a":1}' }))).toBe('event: message_delta\ndata: {"a":1}\n\n')
    expect(text(encodeSseEvent({ data: "one\ntwo\r\nthree", id: "9" }))).toBe("id: 9\ndata: one\ndata: two\ndata: three\n\n")
  })

  test("reads back as the same event, line breaks in event names and ids dropped", () => {
    const events = [
      { event: "x", data: "plain" },
      { data: "multi\nline\n\nwith blank" },
      { data: " leading space", id: "id-1" },
      { event: "bad\nname", data: "é 🎉", id: "a\rb" },
    ]
    for (const event of events) {
      const [frame] = framesOf([encodeSseEvent(event)])
      expect({ event: frame!.event, data: frame!.data, id: frame!.id }).toEqual({
        event: event.event?.replace(/[\r\n]/g, ""),
        data: event.data.replace(/\r\n|\r/g, "\n"),
        id: event.id?.replace(/[\r\n]/g, ""),
      })
    }
  })
})
