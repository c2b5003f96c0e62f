/**
 * Block and line hooks as pipeline stages. The stage runs on the main thread and hands the work
 * to the plugin's worker; what the worker can't do itself (keeping originals for markers) it
 * reports back, and the stage does it with the real context.
 */
import { Effect, Option } from "effect"
import type { Block } from "../sdk/block.ts"
import { StageError, Unchanged, originalMarkers, type Stage, type StageContext, type StageResult } from "../sdk/stage.ts"
import { splitLines } from "../strings/lines.ts"
import { Tokenizer } from "../tokens/index.ts"
import type { CallResult, PluginHost } from "./host.ts"
import type { PluginDescriptor, WireOptions, WorkerMessage } from "./protocol.ts"

let streams = 0
/** A number per input stream and stage: `ctx.state` is per stream, so this is too. */
const streamOf = (ctx: StageContext): number => ctx.state(() => ++streams)

export const blockStage = (host: PluginHost, plugin: PluginDescriptor): Stage => {
  const name = plugin.name
  return {
    name,
    description: plugin.description,
    kinds: plugin.kinds,
    // The plugin's own `match` runs in its worker.
    match: () => true,
    timeoutMs: stageTimeout(host),
    purpose: plugin.purpose,
    run: (block, ctx) =>
      Effect.gen(function* () {
        const encoding = Option.match(yield* Effect.serviceOption(Tokenizer), { onNone: () => "o200k_base" as const, onSome: (t) => t.encoding })
        const markers = markerFormat(ctx)
        const result = yield* callHost(host, name, {
          type: "block",
          block,
          ctx: {
            strategy: ctx.strategy,
            options: wireOptions(ctx),
            maxTokens: ctx.maxTokens,
            segment: ctx.segment,
            stream: streamOf(ctx),
            encoding,
            ...markers,
          },
        })
        if (result === undefined) return Unchanged
        const reply = yield* expectReply(result, "block", name)
        if (reply.result === "unchanged") return Unchanged
        if (reply.retainedBlock) ctx.retain(block.text)
        for (const text of reply.retained) ctx.retain(text)
        return { ...block, ...reply.result } satisfies Block
      }),
  }
}

/**
 * The line hook as a stage named "NAME/line": each run of dropped lines becomes one marker that
 * redeems exactly those lines, and rewritten lines one marker at the end that redeems the block
 * as it was. A redacting plugin keeps nothing: dropped runs leave a marker without a hash.
 */
export const lineStage = (host: PluginHost, plugin: PluginDescriptor): Stage => {
  const name = `${plugin.name}/line`
  return {
    name,
    description: plugin.description,
    kinds: "any",
    match: () => true,
    timeoutMs: stageTimeout(host),
    purpose: plugin.purpose,
    run: (block, ctx) =>
      Effect.gen(function* () {
        const result = yield* callHost(host, name, {
          type: "lines",
          text: block.text,
          ctx: {
            strategy: ctx.strategy,
            options: wireOptions(ctx),
            segment: ctx.segment,
            stream: streamOf(ctx),
            kind: block.kind,
            ...(block.language === undefined ? {} : { language: block.language }),
            origin: block.origin,
          },
        })
        if (result === undefined) return Unchanged
        const reply = yield* expectReply(result, "lines", name)
        if (reply.changes.length === 0) return Unchanged
        return { ...block, text: applyLineChanges(block.text, reply.changes, plugin, ctx) } satisfies StageResult
      }),
  }
}

const applyLineChanges = (
  text: string,
  changes: ReadonlyArray<readonly [number, string | null]>,
  plugin: PluginDescriptor,
  ctx: StageContext,
): string => {
  const lines = splitLines(text)
  const changed = new Map(changes)
  const mark = plugin.purpose === "redact" ? undefined : originalMarkers(ctx, text)
  const out: Array<string> = []
  let rewritten = 0
  for (let i = 0; i < lines.length; ) {
    const change = changed.get(i)
    if (change === null) {
      let end = i
      while (end < lines.length && changed.get(end) === null) end++
      const summary = `${plural(end - i, "line")} dropped by ${plugin.name}`
      out.push(mark === undefined ? ctx.marker({ summary }) : mark(summary, { from: i + 1, to: end }))
      i = end
      continue
    }
    if (change === undefined) out.push(lines[i]!)
    else {
      out.push(change)
      rewritten++
    }
    i++
  }
  if (rewritten > 0 && mark !== undefined) out.push(mark(`${plural(rewritten, "line")} rewritten by ${plugin.name}`))
  return `${out.join("\n")}${text.endsWith("\n") ? "\n" : ""}`
}

/** The host's reply; undefined when the plugin is off (it said so once already). */
const callHost = (host: PluginHost, stage: string, message: Parameters<PluginHost["call"]>[0]) =>
  Effect.flatMap(Effect.promise(() => host.call(message)), (result: CallResult): Effect.Effect<WorkerMessage | undefined, StageError> => {
    if (result.ok) return Effect.succeed(result.reply)
    if ("off" in result) return Effect.succeed(undefined)
    return Effect.fail(new StageError({ stage, message: `${result.message}; block left as it was` }))
  })

const expectReply = <T extends WorkerMessage["type"]>(reply: WorkerMessage, type: T, stage: string) =>
  reply.type === type
    ? Effect.succeed(reply as Extract<WorkerMessage, { type: T }>)
    : Effect.fail(new StageError({ stage, message: `plugin worker answered ${reply.type} to ${type}` }))

const wireOptions = (ctx: StageContext): WireOptions => ({
  lossless: ctx.options.lossless,
  keepSymbols: ctx.options.keepSymbols,
  keepPatterns: ctx.options.keepPatterns.map((p) => [p.source, p.flags] as const),
})

/**
 * How this run writes markers (with a hash or not, and the word before it), read off the
 * context's own marker writer so the worker writes exactly the same ones.
 */
const markerFormat = (ctx: StageContext): { storeEnabled: boolean; markerVerb: string } => {
  const probe = ctx.marker({ summary: "probe", hash: "0".repeat(64) })
  const verb = / · (.+) 0{12}\]$/.exec(probe)
  return verb === null ? { storeEnabled: false, markerVerb: "retrieve" } : { storeEnabled: true, markerVerb: verb[1]! }
}

/** Longer than the host's own limits (a restart, then the call), so the host always answers first. */
const stageTimeout = (host: PluginHost): number => host.timeoutMs + host.loadTimeoutMs + 1_000

const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? "" : "s"}`
