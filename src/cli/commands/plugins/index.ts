import { statSync } from "node:fs"
import { resolve } from "node:path"
import { Effect } from "effect"
import { loadPlugins, type PluginEntry } from "../../../plugins/index.ts"
import { displayPath, fileHash, pluginDirs, realPath, scanDir } from "../../../plugins/files.ts"
import { readTrust, trustFile, trustOf, writeTrust, type TrustRecords } from "../../../plugins/trust.ts"
import { unknownSubcommand, flagBoolean, flagStrings, type ParsedArgs } from "../../args.ts"
import { loadCommandConfig } from "../../config-flags.ts"
import { EXIT, InputError, OutputError, UsageError } from "../../errors.ts"
import { PLUGINS_SUBCOMMANDS } from "./schema.ts"

type Env = Record<string, string | undefined>

/** `plugins list`, `plugins trust` and `plugins untrust`, chosen by the first argument. */
export const runPlugins = (args: ParsedArgs, env: Env) =>
  Effect.suspend(() => {
    const [subcommand, ...paths] = args.positionals
    switch (subcommand) {
      case "list":
        if (paths.length > 0) throw new UsageError({ command: "plugins", message: `plugins list takes no arguments (name plugins with --plugin PATH)` })
        return runList(args, env)
      case "trust":
        return Effect.sync(() => runTrust(paths, env))
      case "untrust":
        if (paths.length === 0) throw new UsageError({ command: "plugins", message: "plugins untrust needs the PATH of a plugin" })
        return Effect.sync(() => runUntrust(paths, env))
      default:
        throw unknownSubcommand("plugins", subcommand, PLUGINS_SUBCOMMANDS)
    }
  })

const runList = (args: ParsedArgs, env: Env) =>
  Effect.gen(function* () {
    const cwd = process.cwd()
    const config = yield* loadCommandConfig(args, env)
    const { settings } = config
    const found = yield* loadPlugins({
      cwd,
      env,
      explicit: settings.plugins,
      fromFlags: flagStrings(args, "plugin"),
      timeoutMs: settings.pluginTimeoutMs,
      disabled: settings.disable,
    })
    found.close()
    const trust = readTrust(env)
    if ("error" in trust) process.stderr.write(`headroom: warning: ${trustFile(env)}: ${trust.error}\n`)
    if (flagBoolean(args, "json")) {
      for (const entry of found.entries) process.stdout.write(`${JSON.stringify(entryJson(entry))}\n`)
      return EXIT.ok
    }
    process.stdout.write(listing(found.entries, cwd, env))
    return EXIT.ok
  })

const listing = (entries: ReadonlyArray<PluginEntry>, cwd: string, env: Env): string => {
  if (entries.length === 0) {
    const dirs = scannedDirs(cwd, env)
    return `no plugins: none named (--plugin, the config's plugins:, $HEADROOM_PLUGINS) and none in ${dirs.join(" or ")}\n`
  }
  const header = ["NAME", "HOOKS", "PURPOSE", "SOURCE", "TRUST", "FILE"]
  const rows = entries.map((e) => [
    e.plugin?.name ?? "-",
    e.plugin?.hooks.join(",") ?? "-",
    e.plugin?.purpose ?? "-",
    e.source,
    trustText(e),
    e.display,
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)))
  const line = (cells: ReadonlyArray<string>) => `${cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")}\n`
  let out = line(header)
  entries.forEach((entry, i) => {
    out += line(rows[i]!)
    if (entry.error !== undefined) out += `  ↳ not loaded: ${entry.error}\n`
  })
  const untrusted = entries.filter((e) => e.trust === "untrusted" || e.trust === "changed")
  if (untrusted.length > 0) {
    out += `\n${untrusted.length === 1 ? "1 plugin does" : `${untrusted.length} plugins do`} not run until trusted: read ${untrusted.length === 1 ? "it" : "them"}, then run \`headroom plugins trust ${untrusted.map((e) => e.display).join(" ")}\`\n`
  }
  return out
}

/** The scanned directories as a user would type them: ./plugins/, ~/.config/headroom/plugins/. */
const scannedDirs = (cwd: string, env: Env): ReadonlyArray<string> =>
  pluginDirs(cwd, env).map((dir) => {
    const shown = displayPath(dir, cwd, env)
    return `${shown.startsWith("/") || shown.startsWith("~") ? "" : "./"}${shown}/`
  })

const trustText = (entry: PluginEntry): string => {
  const state = entry.trust === "named" ? "trusted (named)" : entry.trust === "changed" ? "changed since trusted" : entry.trust
  return entry.disabled ? `${state}, disabled` : state
}

const entryJson = (entry: PluginEntry) => ({
  file: entry.file,
  source: entry.source,
  trust: entry.trust,
  ...(entry.plugin === undefined
    ? {}
    : { name: entry.plugin.name, description: entry.plugin.description, hooks: entry.plugin.hooks, purpose: entry.plugin.purpose, timeoutMs: entry.plugin.timeoutMs }),
  disabled: entry.disabled,
  ...(entry.error === undefined ? {} : { error: entry.error }),
})

const runTrust = (paths: ReadonlyArray<string>, env: Env): number => {
  const cwd = process.cwd()
  const records = new Map(currentRecords(env))
  const files = paths.length > 0 ? paths.map((p) => namedFile(p, cwd)) : untrustedScanned(records, cwd, env)
  if (files.length === 0) {
    const dirs = scannedDirs(cwd, env)
    process.stdout.write(`nothing to trust: every plugin in ${dirs.join(" and ")} is trusted already\n`)
    return EXIT.ok
  }
  const trusted = files.map((file) => {
    const hash = hashOf(file, cwd, env)
    records.set(file, hash)
    return { file, hash }
  })
  save(records, env)
  for (const { file, hash } of trusted) process.stdout.write(`trusted ${displayPath(file, cwd, env)} (sha256 ${hash.slice(0, 12)})\n`)
  return EXIT.ok
}

const runUntrust = (paths: ReadonlyArray<string>, env: Env): number => {
  const cwd = process.cwd()
  const records = new Map(currentRecords(env))
  const lines = paths.map((path) => {
    const file = realPath(resolve(cwd, path))
    const shown = displayPath(file, cwd, env)
    return records.delete(file) ? `untrusted ${shown}\n` : `${shown} was not trusted\n`
  })
  save(records, env)
  for (const line of lines) process.stdout.write(line)
  return EXIT.ok
}

/** The records as they are; a trust file that can't be read is not overwritten. */
const currentRecords = (env: Env): TrustRecords => {
  const trust = readTrust(env)
  if ("error" in trust) throw new InputError({ path: trustFile(env), reason: `${trust.error}; fix or remove it` })
  return trust.records
}

const namedFile = (path: string, cwd: string): string => {
  const file = resolve(cwd, path)
  let isFile: boolean
  try {
    isFile = statSync(file).isFile()
  } catch {
    throw new InputError({ path, reason: "no such file" })
  }
  if (!isFile) throw new InputError({ path, reason: "not a file (trust names plugin files)" })
  return realPath(file)
}

/** Scanned plugins not trusted in their current state. */
const untrustedScanned = (records: TrustRecords, cwd: string, env: Env): ReadonlyArray<string> =>
  [...new Set(pluginDirs(cwd, env).flatMap((dir) => scanDir(dir).map(realPath)))].filter((file) => trustOf(records, file, hashOf(file, cwd, env)) !== "trusted")

const hashOf = (file: string, cwd: string, env: Env): string => {
  try {
    return fileHash(file)
  } catch (e) {
    throw new InputError({ path: displayPath(file, cwd, env), reason: e instanceof Error ? e.message : String(e) })
  }
}

const save = (records: TrustRecords, env: Env): void => {
  try {
    writeTrust(env, records)
  } catch (e) {
    throw new OutputError({ path: trustFile(env), reason: e instanceof Error ? e.message : String(e) })
  }
}
