/**
 * Finds, vets and loads the run's plugins. Each runs on a worker thread of its own (host.ts);
 * its block and line hooks become pipeline stages (stages.ts), its request and response-event
 * hooks are for the proxy (proxy.ts). Loading never fails: every problem is a warning and the
 * plugin is left out.
 */
import { existsSync, statSync } from "node:fs"
import { resolve } from "node:path"
import { Effect } from "effect"
import { BUILT_IN_STAGES } from "../pipeline/registry.ts"
import type { PluginStages } from "../pipeline/stream.ts"
import type { HookName } from "../sdk/plugin.ts"
import type { Stage, StagePurpose } from "../sdk/stage.ts"
import { displayPath, fileHash, pluginDirs, realPath, scanDir, type Env, type PluginFile, type PluginSource } from "./files.ts"
import { PluginHost, type LoadResult } from "./host.ts"
import type { ProxyHook } from "./proxy.ts"
import { blockStage, lineStage } from "./stages.ts"
import { readTrust, trustFile, trustOf, type TrustRecords, type TrustState } from "./trust.ts"

export { runRequestHooks, runResponseEventHooks, type HookRun, type ProxyHook } from "./proxy.ts"
export type { PluginSource } from "./files.ts"
export type { PluginStages } from "../pipeline/stream.ts"
export type { TrustState } from "./trust.ts"

export interface LoadPluginsOptions {
  readonly cwd: string
  readonly env: Env
  /** Plugins named by --plugin, HEADROOM_PLUGINS or the config's `plugins:` (absolute paths): trusted by being named. */
  readonly explicit: ReadonlyArray<string>
  /** Which of `explicit` came from the command line (listings say "flag" for them, "config" for the rest). */
  readonly fromFlags?: ReadonlyArray<string>
  /** Limit for each hook call of a plugin that sets none (`plugin_timeout_ms`). */
  readonly timeoutMs: number
  /**
   * Plugins off everywhere (`disable:`): their request and response-event hooks are left out;
   * their stages are still returned, for the pipeline leaves them out unless a rule enables them.
   */
  readonly disabled: ReadonlyArray<string>
}

export interface LoadedPlugin {
  readonly name: string
  /** Absolute path of its module. */
  readonly file: string
  /** SHA-256 of the module as loaded: it shapes outputs, so output caches key on it. */
  readonly hash: string
  readonly description: string
  readonly purpose: StagePurpose
  readonly hooks: ReadonlyArray<HookName>
  readonly timeoutMs: number
}

/** Every plugin file found, loaded or not, for listings. */
export interface PluginEntry {
  readonly file: string
  /** The file as messages show it (relative to cwd, or ~/…). */
  readonly display: string
  readonly source: PluginSource
  readonly trust: TrustState
  readonly plugin?: LoadedPlugin
  /** Why it was left out: it did not load, or its name is taken. */
  readonly error?: string
  readonly disabled: boolean
}


export interface Plugins {
  readonly plugins: ReadonlyArray<LoadedPlugin>
  readonly entries: ReadonlyArray<PluginEntry>
  /** One line per plugin left out (untrusted, changed, failed to load…), to print as they are. */
  readonly warnings: ReadonlyArray<string>
  readonly stages: PluginStages
  readonly requestHooks: ReadonlyArray<ProxyHook>
  readonly responseEventHooks: ReadonlyArray<ProxyHook>
  /** Ends the plugins' threads (they never keep the process alive). */
  readonly close: () => void
}

const RESERVED_NAMES = new Set(["dedup", "rule-lines", ...BUILT_IN_STAGES.map((s) => s.name)])

export const loadPlugins = (options: LoadPluginsOptions): Effect.Effect<Plugins> =>
  Effect.promise(async () => {
    const warnings: Array<string> = []
    const vetted = vet(findPlugins(options), options, warnings)
    const hosts = vetted.map((plugin) =>
      "hash" in plugin && (plugin.trust === "named" || plugin.trust === "trusted")
        ? new PluginHost(plugin.file, plugin.display, plugin.hash, options.env, options.timeoutMs)
        : undefined,
    )
    // Every plugin loads on its own thread at once: the slowest sets the start-up cost.
    const loaded = await Promise.all(hosts.map((host) => host?.load()))
    return assemble(vetted, hosts, loaded, options.disabled, warnings)
  })

/** A plugin file with its trust decided: readable (with its hash) or not (with the reason). */
type Vetted = { readonly file: string; readonly display: string; readonly source: PluginSource; readonly trust: TrustState } & (
  | { readonly hash: string }
  | { readonly error: string }
)

const vet = (found: ReadonlyArray<PluginFile>, options: LoadPluginsOptions, warnings: Array<string>): ReadonlyArray<Vetted> => {
  let records: TrustRecords = new Map()
  if (found.some((f) => f.source === "scan")) {
    const trust = readTrust(options.env)
    if ("error" in trust) warnings.push(`${trustFile(options.env)}: ${trust.error}; no plugin found by directory scan is trusted`)
    else records = trust.records
  }
  return found.map((plugin): Vetted => {
    const base = { file: plugin.file, display: displayPath(plugin.file, options.cwd, options.env), source: plugin.source }
    if (plugin.problem !== undefined) return { ...base, trust: "named", error: plugin.problem }
    let hash: string
    try {
      hash = fileHash(plugin.file)
    } catch (e) {
      return { ...base, trust: "untrusted", error: `cannot read it: ${e instanceof Error ? e.message : String(e)}` }
    }
    return { ...base, trust: plugin.source === "scan" ? trustOf(records, plugin.file, hash) : "named", hash }
  })
}

/** The run's plugins from what was found and loaded, in order; each one left out says why, once. */
const assemble = (
  vetted: ReadonlyArray<Vetted>,
  hosts: ReadonlyArray<PluginHost | undefined>,
  loaded: ReadonlyArray<LoadResult | undefined>,
  disabled: ReadonlyArray<string>,
  warnings: Array<string>,
): Plugins => {
  const entries: Array<PluginEntry> = []
  const plugins: Array<LoadedPlugin> = []
  const redact: Array<Stage> = []
  const compress: Array<Stage> = []
  const requestHooks: Array<ProxyHook> = []
  const responseEventHooks: Array<ProxyHook> = []
  const running: Array<PluginHost> = []
  const names = new Map<string, string>()
  const untrusted: Array<string> = []
  const changed: Array<string> = []
  vetted.forEach((found, i) => {
    const entry = { file: found.file, display: found.display, source: found.source, trust: found.trust, disabled: false }
    const leaveOut = (warning: string, error?: string) => {
      hosts[i]?.close()
      entries.push(error === undefined ? entry : { ...entry, error })
      warnings.push(warning)
    }
    if ("error" in found) return leaveOut(`plugin ${found.display}: ${found.error}; skipped`, found.error)
    if (found.trust === "untrusted" || found.trust === "changed") {
      hosts[i]?.close()
      entries.push(entry)
      return (found.trust === "untrusted" ? untrusted : changed).push(found.display)
    }
    const host = hosts[i]!
    const result = loaded[i]!
    if (!result.ok) return leaveOut(`plugin ${found.display} could not be loaded: ${result.message}; skipped`, result.message)
    const descriptor = result.plugin
    const clash = RESERVED_NAMES.has(descriptor.name) ? "a built-in stage" : names.get(descriptor.name)
    if (clash !== undefined) {
      return leaveOut(`plugin ${found.display} is named "${descriptor.name}" like ${clash}; skipped`, `its name "${descriptor.name}" is taken by ${clash}`)
    }
    names.set(descriptor.name, `plugin ${found.display}`)
    const plugin: LoadedPlugin = {
      name: descriptor.name,
      file: found.file,
      hash: found.hash,
      description: descriptor.description,
      purpose: descriptor.purpose,
      hooks: descriptor.hooks,
      timeoutMs: host.timeoutMs,
    }
    const off = disabled.includes(descriptor.name)
    entries.push({ ...entry, plugin, disabled: off })
    plugins.push(plugin)
    running.push(host)
    const stages = descriptor.purpose === "redact" ? redact : compress
    // The line hook first: it is the cheaper pass, and the block hook then sees less.
    if (descriptor.hooks.includes("line")) stages.push(lineStage(host, descriptor))
    if (descriptor.hooks.includes("block")) stages.push(blockStage(host, descriptor))
    if (off) return
    if (descriptor.hooks.includes("request")) requestHooks.push({ plugin: descriptor.name, host })
    if (descriptor.hooks.includes("responseEvent")) responseEventHooks.push({ plugin: descriptor.name, host })
  })
  // One line for all the scanned files awaiting trust, however many there are.
  if (untrusted.length > 0) warnings.push(awaitingTrust(untrusted, "is not trusted", "are not trusted", ""))
  if (changed.length > 0) warnings.push(awaitingTrust(changed, "changed since it was trusted", "changed since they were trusted", " again"))
  return {
    plugins,
    entries,
    warnings,
    stages: { redact, compress },
    requestHooks,
    responseEventHooks,
    close: () => running.forEach((host) => host.close()),
  }
}

const awaitingTrust = (files: ReadonlyArray<string>, one: string, several: string, again: string): string => {
  const list = files.join(" ")
  return files.length === 1
    ? `plugin ${list} ${one}, so it was skipped: read it, then run \`headroom plugins trust ${list}\`${again}`
    : `plugins ${list} ${several}, so they were skipped: read them, then run \`headroom plugins trust ${list}\`${again}`
}

/** Named plugins in the order given, then ./plugins/ and the user's plugin directory; each file once. */
const findPlugins = (options: LoadPluginsOptions): ReadonlyArray<PluginFile> => {
  const flagged = new Set((options.fromFlags ?? []).map((f) => resolve(options.cwd, f)))
  const seen = new Set<string>()
  const found: Array<PluginFile> = []
  const add = (path: string, source: PluginSource, problem?: string) => {
    const file = realPath(path)
    if (seen.has(file)) return
    seen.add(file)
    found.push({ file, source, ...(problem === undefined ? {} : { problem }) })
  }
  for (const named of options.explicit) {
    const path = resolve(options.cwd, named)
    const problem = !existsSync(path) ? "no such file" : statSync(path).isFile() ? undefined : "not a file"
    add(path, flagged.has(path) ? "flag" : "config", problem)
  }
  for (const dir of pluginDirs(options.cwd, options.env)) for (const path of scanDir(dir)) add(path, "scan")
  return found
}
