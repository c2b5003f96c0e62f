/**
 * Plugins: user code loaded at run time by the `headroom` binary. A plugin is a module whose
 * default export is a `PluginSpec` (or a plain `StageSpec`, which is a plugin with only a block
 * hook). It runs on a worker thread of its own, so it can't crash or hang the run (see
 * src/plugins/). It needs no imports at run time: type imports are erased, the runtime's own
 * modules (`node:fs`…) are there, and `Symbol.for("headroom.unchanged")` is `Unchanged`.
 */
import { CONTENT_KINDS, type Block, type ContentKind, type Origin } from "./block.ts"
import type { StageContext, StageOptions, StagePurpose, StageReturn, StageSpec, Strategy } from "./stage.ts"

/** The API a proxied request is for; its body has that API's shape. */
export type Provider = "anthropic" | "openai-chat" | "openai-responses"

/** A request on its way to the provider, as request hooks see it. */
export interface ProxyRequest {
  readonly provider: Provider
  /** URL path, e.g. "/v1/messages". */
  readonly path: string
  /** Lower-cased names. Never the credentials (authorization, x-api-key, cookies…). */
  readonly headers: Readonly<Record<string, string>>
  /** The parsed JSON body. */
  readonly body: unknown
}

/** One server-sent event of a streamed response. */
export interface SseEvent {
  readonly event?: string
  readonly data: string
  readonly id?: string
}

/** Which response an event belongs to; the proxy makes one per request it forwards. */
export interface ResponseInfo {
  /** Unique per response: `ctx.state` of a response-event hook is kept per id. */
  readonly id: string
  readonly provider: Provider
  readonly path: string
  /** The model the request asked for, when it named one. */
  readonly model?: string
}

/** What a line hook knows besides the line. */
export interface LineContext {
  readonly strategy: Strategy
  readonly options: StageOptions
  /** The kind, language and origin of the block the line is in. */
  readonly kind: ContentKind
  readonly language?: string
  readonly origin: Origin
  /** 1-based number of the line in its block. */
  readonly lineNumber: number
  readonly segment: { readonly index: number; readonly last: boolean }
  /** State kept across the lines and blocks of one input stream. */
  readonly state: <T>(init: () => T) => T
}

export interface RequestContext {
  /** Exact token count (o200k_base). */
  readonly countTokens: (text: string) => number
}

export interface ResponseEventContext {
  readonly response: ResponseInfo
  /** State kept across the events of this one response. */
  readonly state: <T>(init: () => T) => T
}

type Awaitable<A> = A | PromiseLike<A>

/** The block hook: a stage (see stage.ts) run on blocks of the given kinds that pass `match`. */
export interface BlockHook {
  readonly kinds?: ReadonlyArray<ContentKind> | "any"
  readonly match?: (block: Block) => boolean
  readonly run: (block: Block, ctx: StageContext) => StageReturn
}

export interface PluginSpec {
  /** Unique; letters, digits, ".", "_" and "-". Shown in messages, `--json` transforms, `disable:`. */
  readonly name: string
  readonly description?: string
  /**
   * "compress" (default): block and line hooks are stages like the built-in ones, kept only when
   * their output is smaller. "redact": they run first, their change is always kept, and what they
   * replace is never stored (so they can't call `ctx.retain`).
   */
  readonly purpose?: StagePurpose
  /** Limit for one call of a hook, in ms (default: `plugin_timeout_ms`, 5000). */
  readonly timeoutMs?: number
  readonly block?: BlockHook
  /** Called for each line of a block: `null` drops it, a string replaces it, `undefined` keeps it. */
  readonly line?: (line: string, ctx: LineContext) => string | null | undefined
  /** The whole request before it is forwarded: return a new request, or `undefined` to keep it. */
  readonly request?: (request: ProxyRequest, ctx: RequestContext) => Awaitable<ProxyRequest | undefined>
  /** Each event of a streamed response: return a new event, `null` to drop it, `undefined` to keep it. */
  readonly responseEvent?: (event: SseEvent, ctx: ResponseEventContext) => Awaitable<SseEvent | null | undefined>
}

export const HOOKS = ["block", "line", "request", "responseEvent"] as const
export type HookName = (typeof HOOKS)[number]

/** A checked plugin, whatever form its module exported. */
export interface Plugin {
  readonly name: string
  readonly description: string
  readonly purpose: StagePurpose
  readonly timeoutMs: number | undefined
  readonly hooks: ReadonlyArray<HookName>
  readonly spec: PluginSpec
}

/** A plugin's default export is not a plugin; the message says what is wrong. */
export class PluginSpecError extends Error {
  override readonly name = "PluginSpecError"
}

/**
 * Checks a plugin spec and returns it as it is: a typo (`respnseEvent`, a kind that doesn't
 * exist) is reported when the plugin loads rather than silently ignored.
 *
 * @example
 * ```ts
 * export default definePlugin({
 *   name: "strip-ansi",
 *   line: (line) => (line.includes("\x1b[") ? line.replace(/\x1b\[[0-9;]*m/g, "") : undefined),
 * })
 * ```
 */
export const definePlugin = <S extends PluginSpec>(spec: S): S => {
  toPlugin(spec)
  return spec
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/
const SPEC_KEYS = new Set(["name", "description", "purpose", "timeoutMs", ...HOOKS])
const STAGE_KEYS = new Set(["name", "description", "purpose", "timeoutMs", "kinds", "match", "run"])

/** The plugin a module's default export stands for: a PluginSpec, or a StageSpec (block hook only). */
export const toPlugin = (exported: unknown): Plugin => {
  if (typeof exported !== "object" || exported === null) {
    throw new PluginSpecError(exported === undefined ? "no default export" : `the default export is ${describeValue(exported)}, not a plugin`)
  }
  const value = exported as Record<string, unknown>
  const spec = typeof value.run === "function" ? fromStageSpec(value as unknown as StageSpec) : (value as unknown as PluginSpec)
  const allowed = typeof value.run === "function" ? STAGE_KEYS : SPEC_KEYS
  for (const key of Object.keys(value)) {
    if (!allowed.has(key)) throw new PluginSpecError(`unknown field "${key}"${suggestion(key, [...allowed])}`)
  }
  if (typeof spec.name !== "string" || !NAME.test(spec.name)) {
    throw new PluginSpecError(`"name" must be letters, digits, ".", "_" or "-" (got ${describeValue(spec.name)})`)
  }
  if (spec.description !== undefined && typeof spec.description !== "string") throw new PluginSpecError(`"description" must be a string`)
  if (spec.purpose !== undefined && spec.purpose !== "compress" && spec.purpose !== "redact") {
    throw new PluginSpecError(`"purpose" must be "compress" or "redact" (got ${describeValue(spec.purpose)})`)
  }
  if (spec.timeoutMs !== undefined && !(Number.isInteger(spec.timeoutMs) && spec.timeoutMs > 0)) {
    throw new PluginSpecError(`"timeoutMs" must be a positive whole number of milliseconds`)
  }
  if (spec.block !== undefined) checkBlockHook(spec.block)
  for (const hook of ["line", "request", "responseEvent"] as const) {
    if (spec[hook] !== undefined && typeof spec[hook] !== "function") throw new PluginSpecError(`"${hook}" must be a function`)
  }
  const hooks = HOOKS.filter((hook) => spec[hook] !== undefined)
  if (hooks.length === 0) throw new PluginSpecError(`no hook: give at least one of ${HOOKS.join(", ")}`)
  return {
    name: spec.name,
    description: spec.description ?? "",
    purpose: spec.purpose ?? "compress",
    timeoutMs: spec.timeoutMs,
    hooks,
    spec,
  }
}

const fromStageSpec = (stage: StageSpec): PluginSpec => ({
  name: stage.name,
  ...(stage.description === undefined ? {} : { description: stage.description }),
  ...(stage.purpose === undefined ? {} : { purpose: stage.purpose }),
  ...(stage.timeoutMs === undefined ? {} : { timeoutMs: stage.timeoutMs }),
  block: {
    ...(stage.kinds === undefined ? {} : { kinds: stage.kinds }),
    ...(stage.match === undefined ? {} : { match: stage.match }),
    run: stage.run,
  },
})

const checkBlockHook = (hook: BlockHook): void => {
  if (typeof hook !== "object" || hook === null || typeof hook.run !== "function") {
    throw new PluginSpecError(`"block" must be an object with a run(block, ctx) function`)
  }
  if (hook.match !== undefined && typeof hook.match !== "function") throw new PluginSpecError(`"block.match" must be a function`)
  const kinds = hook.kinds
  if (kinds === undefined || kinds === "any") return
  if (!Array.isArray(kinds)) throw new PluginSpecError(`"kinds" must be "any" or a list of kinds`)
  for (const kind of kinds) {
    if (!(CONTENT_KINDS as ReadonlyArray<unknown>).includes(kind)) {
      throw new PluginSpecError(`unknown kind ${JSON.stringify(kind)}; kinds: ${CONTENT_KINDS.join(", ")}`)
    }
  }
}

/** "a number", "an array", "null"…: for messages about values of the wrong type. */
export const describeValue = (value: unknown): string => {
  if (value === null) return "null"
  if (value === undefined) return "undefined"
  if (Array.isArray(value)) return "an array"
  if (typeof value === "string") return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`
  const type = typeof value
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`
}

/** " (did you mean …?)" for a key one or two edits away from a known one. */
const suggestion = (key: string, known: ReadonlyArray<string>): string => {
  const near = known.find((k) => editDistance(k.toLowerCase(), key.toLowerCase()) <= 2)
  return near === undefined ? "" : ` (did you mean "${near}"?)`
}

const editDistance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = row
  }
  return previous[b.length]!
}
