import { Data } from "effect"

/** One problem found in a config file, a rule pack or the environment. */
export interface ConfigIssue {
  /** The file, or `environment` / a flag for values that come from there. */
  readonly file: string
  /** 1-based; 0 when the problem has no position (a missing file, an environment variable). */
  readonly line: number
  readonly column: number
  readonly message: string
  /** A close valid spelling, shown as "did you mean …?". */
  readonly hint?: string
}

/** `file:line:col: message (did you mean hint?)`, or `file: message` without a position. */
export const formatIssue = (issue: ConfigIssue): string => {
  const where = issue.line > 0 ? `${issue.file}:${issue.line}:${issue.column}` : issue.file
  return `${where}: ${issue.message}${issue.hint === undefined ? "" : ` (did you mean ${issue.hint}?)`}`
}

/** Issues of one file in the order they are written (fields are checked in schema order). */
export const inFileOrder = (issues: ReadonlyArray<ConfigIssue>): Array<ConfigIssue> =>
  [...issues].sort((a, b) => a.line - b.line || a.column - b.column)

/** Settings or rules that can't be used as written: the program refuses to run (exit 2). */
export class ConfigError extends Data.TaggedError("ConfigError")<{ readonly issues: ReadonlyArray<ConfigIssue> }> {
  override get message() {
    return this.issues.map(formatIssue).join("\n")
  }
}
