import { Effect } from "effect"
import { parseReference } from "../../../markers/index.ts"
import { OriginalsStore } from "../../../store/index.ts"
import type { ParsedArgs } from "../../args.ts"
import { EXIT, NotFound, UsageError } from "../../errors.ts"
import { loadCommandConfig } from "../../config-flags.ts"
import { configServices } from "../../services.ts"
import { sliceLines } from "./lines.ts"

export const runRetrieve = (args: ParsedArgs, env: Record<string, string | undefined>) =>
  Effect.gen(function* () {
    const config = yield* loadCommandConfig(args, env)
    // Reading works even where the configuration stops new originals from being stored.
    const store = { ...config.settings.store, enabled: true }
    return yield* printOriginal(args).pipe(Effect.provide(configServices({ ...config, settings: { ...config.settings, store } })))
  })

const printOriginal = (args: ParsedArgs) =>
  Effect.gen(function* () {
    const raw = args.positionals[0]!
    const reference = parseReference(raw)
    if (reference === undefined) {
      return yield* new UsageError({
        command: "retrieve",
        message: `"${raw}" is not a marker reference; expected 12+ hex digits, optionally followed by :FROM-TO`,
      })
    }
    const store = yield* OriginalsStore
    const found = yield* store.get(reference.hash)
    if (found === undefined) {
      return yield* new NotFound({
        message: `nothing is stored under ${reference.hash}: it may have expired (HEADROOM_STORE_TTL), been compressed with --no-store, or live under another HEADROOM_HOME`,
      })
    }
    let bytes = found.bytes
    if (reference.range !== undefined) {
      const sliced = sliceLines(bytes, reference.range.from, reference.range.to)
      if (sliced === undefined) {
        return yield* new NotFound({ message: `${reference.hash} has fewer than ${reference.range.from} lines` })
      }
      bytes = sliced
    }
    yield* Effect.promise(async () => {
      await Bun.write(Bun.stdout, bytes)
    })
    return EXIT.ok
  })
