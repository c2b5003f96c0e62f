/** How far a batch has got; bytes and the rate count only files that needed work. */
export interface ProgressState {
  readonly filesDone: number
  readonly filesTotal: number
  readonly bytesDone: number
  readonly bytesTotal: number
  readonly tokensSaved: number
  readonly elapsedMs: number
}

export const formatCount = (n: number) => Math.round(n).toLocaleString("en-US")

/** Decimal units, as MB/s is usually read: `812 B`, `4.2 kB`, `120.0 MB`, `1.31 GB`. */
export const formatBytes = (n: number): string => {
  if (n < 1000) return `${n} B`
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`
  return `${(n / 1e9).toFixed(2)} GB`
}

export const formatRate = (bytes: number, ms: number): string => (ms <= 0 ? "– MB/s" : `${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s`)

/** `0.4s`, `45s`, `3m 05s`, `1h 02m`. */
export const formatDuration = (ms: number): string => {
  if (ms < 9950) return `${(ms / 1000).toFixed(1)}s`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, "0")}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`
}

/** Time left at the rate so far; unknown until a little has been done. */
export const formatEta = (state: ProgressState): string => {
  if (state.bytesDone >= state.bytesTotal) return "ETA 0s"
  if (state.bytesDone === 0 || state.elapsedMs < 500) return "ETA –"
  return `ETA ${formatDuration(((state.bytesTotal - state.bytesDone) * state.elapsedMs) / state.bytesDone)}`
}

const facts = (state: ProgressState) =>
  [
    `${state.filesDone}/${state.filesTotal} files`,
    `${formatBytes(state.bytesDone)}/${formatBytes(state.bytesTotal)}`,
    `${formatCount(state.tokensSaved)} tokens saved`,
    formatRate(state.bytesDone, state.elapsedMs),
    formatEta(state),
  ].join(" · ")

/** The plain line printed every few seconds when stderr is not a terminal. */
export const formatProgressLine = (state: ProgressState): string => `headroom: ${facts(state)}`

const BAR_WIDTH = 24

/** The redrawn terminal line: a bar for bytes done, then the same facts, cut to the terminal width. */
export const formatProgressBar = (state: ProgressState, columns: number): string => {
  const share = state.bytesTotal === 0 ? state.filesDone / Math.max(1, state.filesTotal) : state.bytesDone / state.bytesTotal
  const filled = Math.min(BAR_WIDTH, Math.floor(share * BAR_WIDTH))
  const line = `${"█".repeat(filled)}${"░".repeat(BAR_WIDTH - filled)} ${facts(state)}`
  return line.length < columns ? line : line.slice(0, Math.max(0, columns - 1))
}

export type ProgressMode = "bar" | "lines" | "quiet"

interface Terminal {
  readonly write: (text: string) => void
  readonly columns: () => number
}

const CLEAR_LINE = "\r\x1b[2K"
const REDRAW_MS = 100
const LINE_EVERY_MS = 2000

/**
 * Shows progress on stderr: a bar redrawn in place on a terminal, a plain line every 2 s
 * otherwise, nothing with --quiet. Messages (errors, warnings) go above the bar.
 */
export class ProgressDisplay {
  private timer: ReturnType<typeof setInterval> | undefined
  private drawn = false

  constructor(
    private readonly mode: ProgressMode,
    private readonly terminal: Terminal,
    private readonly state: () => ProgressState,
  ) {}

  start(): void {
    if (this.mode === "quiet") return
    const tick = () => (this.mode === "bar" ? this.draw() : this.terminal.write(`${formatProgressLine(this.state())}\n`))
    this.timer = setInterval(tick, this.mode === "bar" ? REDRAW_MS : LINE_EVERY_MS)
    this.timer.unref()
  }

  /** A line for the user; with `important` false (warnings) it is dropped under --quiet. */
  message(line: string, important = true): void {
    if (this.mode === "quiet" && !important) return
    this.clear()
    this.terminal.write(`${line}\n`)
    if (this.timer !== undefined && this.mode === "bar") this.draw()
  }

  /** Stops redrawing; a plain-line display prints its last line so the log ends with the totals. */
  stop(): void {
    if (this.timer === undefined) return
    clearInterval(this.timer)
    this.timer = undefined
    if (this.mode === "bar") this.clear()
    else this.terminal.write(`${formatProgressLine(this.state())}\n`)
  }

  private draw(): void {
    this.terminal.write(`${CLEAR_LINE}${formatProgressBar(this.state(), this.terminal.columns())}`)
    this.drawn = true
  }

  private clear(): void {
    if (!this.drawn) return
    this.terminal.write(CLEAR_LINE)
    this.drawn = false
  }
}
