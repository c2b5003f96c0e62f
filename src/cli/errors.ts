import { Data } from "effect"

/** Wrong flags or arguments: exit 2, with the command's name so the user knows which help to read. */
export class UsageError extends Data.TaggedError("UsageError")<{ readonly command: string; readonly message: string }> {}

/** An input that could not be read (missing, a directory, permission denied): exit 1. */
export class InputError extends Data.TaggedError("InputError")<{ readonly path: string; readonly reason: string }> {
  override get message() {
    return `cannot read ${this.path}: ${this.reason}`
  }
}

/** An output that could not be written, or would overwrite an input: exit 1. */
export class OutputError extends Data.TaggedError("OutputError")<{ readonly path: string; readonly reason: string }> {
  override get message() {
    return `cannot write ${this.path}: ${this.reason}`
  }
}

/** A hash or reference that names nothing retrievable: exit 1. */
export class NotFound extends Data.TaggedError("NotFound")<{ readonly message: string }> {}

/** Bad settings from the environment (HEADROOM_*): exit 2. */
export class SettingsError extends Data.TaggedError("SettingsError")<{ readonly message: string }> {}

export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const

/** The one place errors become exit codes and messages. */
export const describeFailure = (error: unknown): { code: number; message: string } => {
  const tag = typeof error === "object" && error !== null ? (error as { _tag?: string })._tag : undefined
  const message = error instanceof Error ? error.message : String(error)
  switch (tag) {
    case "UsageError": {
      const { command } = error as UsageError
      return { code: EXIT.usage, message: `${message}\nrun "headroom help${command === "help" ? "" : ` ${command}`}" for usage` }
    }
    case "BinaryInput":
    case "SettingsError":
    case "ConfigError":
      return { code: EXIT.usage, message }
    case "InputError":
    case "OutputError":
    case "NotFound":
    case "StoreError":
    case "ProxyStartError":
      return { code: EXIT.failure, message }
    default:
      return { code: EXIT.failure, message: `internal error: ${message}` }
  }
}
