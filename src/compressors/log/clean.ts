/**
 * Terminal noise removal for one log line: colour codes, carriage-return progress frames, CI
 * runner timestamps and trailing blanks. What remains is what a reader of the finished terminal
 * would have seen.
 */

// CSI sequences (colours, cursor moves), OSC sequences (titles, hyperlinks), and two-byte escapes.
const ANSI = /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g

// GitHub Actions and Azure Pipelines stamp every output line; the stamp is transport, not content.
const RUNNER_STAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z ?/

export const cleanLine = (raw: string): string => {
  let line = raw
  if (line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1)
  if (line.includes("\r")) line = lastFrame(line)
  if (line.includes("\x1b")) line = line.replace(ANSI, "")
  if (line.includes("\b")) line = applyBackspaces(line)
  if (line.length > 28 && line.charCodeAt(27) === 90 /* Z */) line = line.replace(RUNNER_STAMP, "")
  return trimEnd(line)
}

/** A progress bar redraws itself after "\r": only the last non-blank frame was ever readable. */
const lastFrame = (line: string): string => {
  const frames = line.split("\r")
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i]!.replace(ANSI, "").trim().length > 0) return frames[i]!
  }
  return ""
}

const applyBackspaces = (line: string): string => {
  const out: Array<string> = []
  for (const ch of line) {
    if (ch === "\b") out.pop()
    else out.push(ch)
  }
  return out.join("")
}

const trimEnd = (line: string): string => {
  let end = line.length
  while (end > 0) {
    const c = line.charCodeAt(end - 1)
    if (c !== 32 && c !== 9) break
    end--
  }
  return end === line.length ? line : line.slice(0, end)
}
