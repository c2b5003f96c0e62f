/**
 * Worker thread that hosts one plugin: it imports the plugin's file and runs its hooks on what
 * the main thread sends, one message at a time. Everything the plugin does happens here, so a
 * hang is ended by terminating this thread (see host.ts) and a crash ends only this thread.
 */
import { pathToFileURL } from "node:url"
import { encodeLossless } from "../io/utf8.ts"
import { formatMarker } from "../markers/index.ts"
import { isContentKind, type Block } from "../sdk/block.ts"
import { PluginSpecError, describeValue, toPlugin, type LineContext, type Plugin, type ProxyRequest, type SseEvent } from "../sdk/plugin.ts"
import type { StageContext, StageOptions } from "../sdk/stage.ts"
import { splitLines } from "../strings/lines.ts"
import type { EncodingName, TokenizerShape } from "../tokens/index.ts"
import type { HostMessage, LineChanges, WireBlockResult, WireLineContext, WireOptions, WireStageContext, WorkerMessage } from "./protocol.ts"

declare const self: Worker

// Whatever a plugin prints must not end up in the compressed output on stdout.
console.log = console.info = console.debug = console.error
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write
// A promise a plugin forgot about must not take the thread down with it.
process.on("unhandledRejection", () => {})

// This thread starts once per plugin: it imports nothing that loads effect (the tokenizer's module
// does, so it is required on first use), which keeps its start to a few milliseconds.

/** `Unchanged` (src/sdk/stage.ts): a registered symbol, the same on every thread. */
const UNCHANGED = Symbol.for("headroom.unchanged")

/** A hook's result that is not what its signature allows; the message says what it was. */
class Garbage extends Error {}

/** Streams (or responses) whose state is kept at once; the oldest is forgotten past this. */
const MAX_LIVE_STATES = 256

let plugin: Plugin | undefined
const streamStates = new Map<number, unknown>()
const responseStates = new Map<string, unknown>()
const tokenizers = new Map<EncodingName, TokenizerShape>()

self.onmessage = async (event: MessageEvent<HostMessage>) => {
  const message = event.data
  if (message.type === "load") return load(message.file)
  try {
    post(await handle(message))
  } catch (error) {
    post({ type: "failed", id: message.id, message: error instanceof Garbage ? error.message : `threw ${describeError(error)}` })
  }
}

const post = (message: WorkerMessage) => self.postMessage(message)

const load = async (file: string) => {
  try {
    const module = (await import(pathToFileURL(file).href)) as { default?: unknown }
    plugin = toPlugin(module.default)
    const { name, description, purpose, timeoutMs, hooks, spec } = plugin
    post({ type: "loaded", plugin: { name, description, purpose, timeoutMs, hooks, kinds: spec.block?.kinds ?? "any" } })
  } catch (error) {
    post({ type: "load-failed", message: describeError(error) })
  }
}

const handle = async (message: Exclude<HostMessage, { type: "load" }>): Promise<WorkerMessage> => {
  const spec = plugin!.spec
  switch (message.type) {
    case "block": {
      const { result, retained, retainedBlock } = await runBlock(spec.block!, message.block, message.ctx)
      if (message.ctx.segment.last) streamStates.delete(message.ctx.stream)
      return { type: "block", id: message.id, result, retained, retainedBlock }
    }
    case "lines": {
      const changes = runLines(spec.line!, splitLines(message.text), message.ctx)
      if (message.ctx.segment.last) streamStates.delete(message.ctx.stream)
      return { type: "lines", id: message.id, changes }
    }
    case "request":
      return { type: "request", id: message.id, request: checkRequest(await spec.request!(message.request, { countTokens: tokenizer("o200k_base").count })) }
    case "event": {
      const ctx = { response: message.response, state: <T>(init: () => T): T => stateIn(responseStates, message.response.id, init) }
      return { type: "event", id: message.id, event: checkEvent(await spec.responseEvent!(message.event, ctx)) }
    }
  }
}

const runBlock = async (hook: NonNullable<Plugin["spec"]["block"]>, block: Block, wire: WireStageContext) => {
  const retained = new Map<string, string>()
  let retainedBlock = false
  if (hook.match !== undefined && !hook.match(block)) return { result: "unchanged" as const, retained: [], retainedBlock }
  const ctx: StageContext = {
    strategy: wire.strategy,
    options: options(wire.options),
    maxTokens: wire.maxTokens,
    countTokens: (text) => tokenizer(wire.encoding).count(text),
    retain: (text) => {
      if (plugin!.purpose === "redact") throw new Error("a redact plugin can't call ctx.retain: what it replaces is never stored")
      // As contentHash in src/store: the SHA-256 of the bytes the text stands for.
      const hash = new Bun.CryptoHasher("sha256").update(encodeLossless(text)).digest("hex")
      if (text === block.text) retainedBlock = true
      else retained.set(hash, text)
      return hash
    },
    marker: (marker) => formatMarker(wire.storeEnabled ? marker : { summary: marker.summary }, wire.markerVerb),
    state: (init) => stateIn(streamStates, wire.stream, init),
    segment: wire.segment,
    prepared: undefined,
  }
  const result = checkBlock(await hook.run(block, ctx))
  return { result, retained: [...retained.values()], retainedBlock }
}

const checkBlock = (value: unknown): WireBlockResult => {
  if (value === undefined || value === null || value === UNCHANGED) return "unchanged"
  const out = value as Partial<Block>
  if (typeof value !== "object" || typeof out.text !== "string") {
    throw new Garbage(`returned ${typeof value === "object" ? "an object without a text string" : describeValue(value)} instead of a block, Unchanged or undefined`)
  }
  if (out.kind !== undefined && !isContentKind(out.kind)) throw new Garbage(`returned a block of kind ${JSON.stringify(out.kind)}, which is not a content kind`)
  return {
    text: out.text,
    ...(out.kind === undefined ? {} : { kind: out.kind }),
    ...(typeof out.language === "string" ? { language: out.language } : {}),
    ...(typeof out.meta === "object" && out.meta !== null ? { meta: out.meta } : {}),
  }
}

const runLines = (hook: NonNullable<Plugin["spec"]["line"]>, lines: ReadonlyArray<string>, wire: WireLineContext): LineChanges => {
  const changes: Array<readonly [number, string | null]> = []
  // One context for every line: only its number changes.
  const ctx: { -readonly [K in keyof LineContext]: LineContext[K] } = {
    strategy: wire.strategy,
    options: options(wire.options),
    kind: wire.kind,
    ...(wire.language === undefined ? {} : { language: wire.language }),
    origin: wire.origin,
    lineNumber: 0,
    segment: wire.segment,
    state: (init) => stateIn(streamStates, wire.stream, init),
  }
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    // The hook sees a line without its "\r"; a replacement gets it back.
    const cr = raw.endsWith("\r")
    ctx.lineNumber = i + 1
    const result: unknown = hook(cr ? raw.slice(0, -1) : raw, ctx)
    if (result === undefined) continue
    if (result === null) changes.push([i, null])
    else if (typeof result === "string") {
      const text = cr ? `${result}\r` : result
      if (text !== raw) changes.push([i, text])
    } else {
      const what = typeof (result as PromiseLike<unknown>)?.then === "function" ? "a promise (line hooks are synchronous)" : describeValue(result)
      throw new Garbage(`returned ${what} for line ${i + 1} instead of a string, null or undefined`)
    }
  }
  return changes
}

const checkRequest = (value: unknown): ProxyRequest | undefined => {
  if (value === undefined) return undefined
  const request = value as Partial<ProxyRequest>
  const headersOk =
    typeof request.headers === "object" && request.headers !== null && Object.values(request.headers).every((v) => typeof v === "string")
  if (typeof value !== "object" || value === null || typeof request.path !== "string" || !headersOk || !("body" in request)) {
    throw new Garbage(`returned ${describeValue(value)} instead of a request (path, headers of strings, body) or undefined`)
  }
  return value as ProxyRequest
}

const checkEvent = (value: unknown): SseEvent | null | undefined => {
  if (value === undefined || value === null) return value
  const event = value as Partial<SseEvent>
  const optionalString = (v: unknown) => v === undefined || typeof v === "string"
  if (typeof value !== "object" || typeof event.data !== "string" || !optionalString(event.event) || !optionalString(event.id)) {
    throw new Garbage(`returned ${describeValue(value)} instead of an event ({ event?, data, id? }), null or undefined`)
  }
  return { data: event.data, ...(event.event === undefined ? {} : { event: event.event }), ...(event.id === undefined ? {} : { id: event.id }) }
}

const options = (wire: WireOptions): StageOptions => ({
  lossless: wire.lossless,
  keepSymbols: wire.keepSymbols,
  keepPatterns: wire.keepPatterns.map(([source, flags]) => new RegExp(source, flags)),
})

const stateIn = <K, T>(states: Map<K, unknown>, key: K, init: () => T): T => {
  if (states.has(key)) return states.get(key) as T
  const value = init()
  states.set(key, value)
  if (states.size > MAX_LIVE_STATES) states.delete(states.keys().next().value!)
  return value
}

const tokenizer = (encoding: EncodingName): TokenizerShape => {
  let found = tokenizers.get(encoding)
  if (found === undefined) {
    const { makeTokenizer } = require("../tokens/index.ts") as typeof import("../tokens/index.ts")
    found = makeTokenizer(encoding)
    tokenizers.set(encoding, found)
  }
  return found
}

const describeError = (error: unknown): string => {
  if (error instanceof PluginSpecError) return error.message
  if (!(error instanceof Error)) return describeValue(error)
  // How Bun reports a module that doesn't compile, or an import it can't find.
  const position = (error as { position?: { line: number; column: number } | null }).position
  if (error.name === "BuildMessage" && position) return `syntax error at line ${position.line}, column ${position.column}: ${error.message}`
  if (error.name === "ResolveMessage") return `${error.message} (a plugin can import only the runtime's own modules, such as node:fs; use \`import type\` for the SDK)`
  return `${error.name}: ${error.message}`
}
