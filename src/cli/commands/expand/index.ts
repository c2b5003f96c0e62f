import { statSync } from "node:fs"
import { Effect } from "effect"
import { expandJson } from "../../../compressors/json/expand.ts"
import { decodeLossless, encodeLossless } from "../../../io/utf8.ts"
import type { ParsedArgs } from "../../args.ts"
import { EXIT, InputError } from "../../errors.ts"

const STDIN = "-"

/** Input that is not JSON or the table format (or can't be expanded): exit 1, like unreadable input. */
class NotExpandable extends InputError {
  override get message() {
    return `${this.path}: ${this.reason}`
  }
}

/** Reads one input whole (a document only decodes whole), writes the JSON it stands for. */
export const runExpand = (args: ParsedArgs, _env: Record<string, string | undefined>) =>
  Effect.gen(function* () {
    const path = args.positionals[0] ?? STDIN
    const name = path === STDIN ? "standard input" : path
    const bytes = yield* Effect.tryPromise({
      try: async () => {
        if (path === STDIN) return new Uint8Array(await Bun.stdin.arrayBuffer())
        if (statSync(path).isDirectory()) throw new Error("is a directory")
        return new Uint8Array(await Bun.file(path).arrayBuffer())
      },
      catch: (e) => new InputError({ path: name, reason: reason(e) }),
    })
    const expansion = expandJson(decodeLossless(bytes))
    if (!expansion.ok) return yield* new NotExpandable({ path: name, reason: expansion.message })
    if (expansion.markers > 0) {
      process.stderr.write(
        `headroom: warning: ${name} holds ${expansion.markers} omission marker${expansion.markers === 1 ? "" : "s"}: it may be lossy output rather than the original (headroom retrieve HASH prints that)\n`,
      )
    }
    yield* Effect.promise(async () => {
      await Bun.write(Bun.stdout, encodeLossless(`${expansion.json}\n`))
    })
    return EXIT.ok
  })

const reason = (e: unknown): string => {
  const code = (e as { code?: string })?.code
  if (code === "ENOENT") return "no such file or directory"
  if (code === "EACCES" || code === "EPERM") return "permission denied"
  return e instanceof Error ? e.message : String(e)
}
