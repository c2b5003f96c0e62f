import { describe, expect, test } from "bun:test"
import { ProgressDisplay, formatBytes, formatDuration, formatEta, formatProgressBar, formatProgressLine, type ProgressState } from "./progress.ts"

const state: ProgressState = { filesDone: 12, filesTotal: 40, bytesDone: 30e6, bytesTotal: 120e6, tokensSaved: 1_234_567, elapsedMs: 2000 }

describe("progress", () => {
  test("the plain line: files, bytes, tokens saved, rate, time left", () => {
    expect(formatProgressLine(state)).toBe("headroom: 12/40 files · 30.0 MB/120.0 MB · 1,234,567 tokens saved · 15.0 MB/s · ETA 6.0s")
  })
  test("the bar fills with the bytes done and fits the terminal", () => {
    const bar = formatProgressBar(state, 200)
    expect(bar.startsWith(`${"█".repeat(6)}${"░".repeat(18)} 12/40 files`)).toBe(true)
    expect(formatProgressBar(state, 40)).toHaveLength(39)
    expect(formatProgressBar({ ...state, bytesDone: 120e6, filesDone: 40 }, 200).startsWith("█".repeat(24))).toBe(true)
  })
  test("units and durations", () => {
    expect([formatBytes(812), formatBytes(4200), formatBytes(1.31e9)]).toEqual(["812 B", "4.2 kB", "1.31 GB"])
    expect([formatDuration(400), formatDuration(45_000), formatDuration(185_000), formatDuration(3_720_000)]).toEqual(["0.4s", "45s", "3m 05s", "1h 02m"])
    expect(formatEta({ ...state, bytesDone: 0 })).toBe("ETA –")
    expect(formatEta({ ...state, bytesDone: state.bytesTotal })).toBe("ETA 0s")
  })
  test("messages go above the bar; --quiet keeps errors only", () => {
    const written: Array<string> = []
    const quiet = new ProgressDisplay("quiet", { write: (t) => written.push(t), columns: () => 80 }, () => state)
    quiet.start()
    quiet.message("headroom: warning: a.log: stage x failed", false)
    quiet.message("headroom: b.bin: skipped: looks like binary data")
    quiet.stop()
    expect(written).toEqual(["headroom: b.bin: skipped: looks like binary data\n"])
  })
})
