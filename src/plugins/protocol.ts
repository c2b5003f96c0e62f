/** Messages between a plugin's host (main thread) and its worker thread (host-worker.ts). */
import type { Block, ContentKind, Origin } from "../sdk/block.ts"
import type { HookName, ProxyRequest, ResponseInfo, SseEvent } from "../sdk/plugin.ts"
import type { StagePurpose, Strategy } from "../sdk/stage.ts"
import type { EncodingName } from "../tokens/index.ts"

/** StageOptions as they cross threads: regular expressions travel as source and flags. */
export interface WireOptions {
  readonly lossless: boolean
  readonly keepSymbols: ReadonlyArray<string>
  readonly keepPatterns: ReadonlyArray<readonly [source: string, flags: string]>
}

/** What a stage context lends a hook, minus the functions (the worker rebuilds those). */
export interface WireStageContext {
  readonly strategy: Strategy
  readonly options: WireOptions
  readonly maxTokens: number | undefined
  readonly segment: { readonly index: number; readonly last: boolean }
  /** One per input stream and hook: the worker keeps `ctx.state` under it. */
  readonly stream: number
  readonly encoding: EncodingName
  /** Whether markers carry a hash (false with --no-store), and the word before it. */
  readonly storeEnabled: boolean
  readonly markerVerb: string
}

export interface WireLineContext {
  readonly strategy: Strategy
  readonly options: WireOptions
  readonly segment: { readonly index: number; readonly last: boolean }
  readonly stream: number
  readonly kind: ContentKind
  readonly language?: string
  readonly origin: Origin
}

export type HostMessage =
  | { readonly type: "load"; readonly file: string }
  | { readonly type: "block"; readonly id: number; readonly block: Block; readonly ctx: WireStageContext }
  /** The block's text: the worker splits it (one string crosses threads faster than its lines). */
  | { readonly type: "lines"; readonly id: number; readonly text: string; readonly ctx: WireLineContext }
  | { readonly type: "request"; readonly id: number; readonly request: ProxyRequest }
  | { readonly type: "event"; readonly id: number; readonly event: SseEvent; readonly response: ResponseInfo }

/** What the worker learned from the module, once loaded. */
export interface PluginDescriptor {
  readonly name: string
  readonly description: string
  readonly purpose: StagePurpose
  readonly timeoutMs: number | undefined
  readonly hooks: ReadonlyArray<HookName>
  /** Routing of the block hook (its `match` runs in the worker). */
  readonly kinds: ReadonlyArray<ContentKind> | "any"
}

/** A block hook's result: the changed fields, or nothing. */
export type WireBlockResult = "unchanged" | { readonly text: string; readonly kind?: ContentKind; readonly language?: string; readonly meta?: Readonly<Record<string, unknown>> }

/** Each line the hook changed: its 0-based index and the new text, or null when dropped. */
export type LineChanges = ReadonlyArray<readonly [index: number, text: string | null]>

export type WorkerMessage =
  | { readonly type: "loaded"; readonly plugin: PluginDescriptor }
  | { readonly type: "load-failed"; readonly message: string }
  | { readonly type: "failed"; readonly id: number; readonly message: string }
  | {
      readonly type: "block"
      readonly id: number
      readonly result: WireBlockResult
      /** Texts the hook retained, other than the block's own text (see `retainedBlock`). */
      readonly retained: ReadonlyArray<string>
      readonly retainedBlock: boolean
    }
  | { readonly type: "lines"; readonly id: number; readonly changes: LineChanges }
  | { readonly type: "request"; readonly id: number; readonly request: ProxyRequest | undefined }
  | { readonly type: "event"; readonly id: number; readonly event: SseEvent | null | undefined }
