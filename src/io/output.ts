import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from "node:fs"
import { basename, dirname, join } from "node:path"

/** Where compressed bytes go. Files are written to a temp file and renamed into place on commit. */
export interface OutputTarget {
  /** Resolves once the bytes are handed over, so a slow reader slows the writer down. */
  readonly write: (bytes: Uint8Array) => void | Promise<unknown>
  readonly commit: () => Promise<void>
  /** Drops everything written; for files, removes the temp file. Safe to call twice. */
  readonly abort: () => void
}

// Temp files still open, removed if the process is interrupted (see cli/main.ts).
const pending = new Set<string>()
export const removePendingOutputs = (): void => {
  for (const path of pending) {
    try {
      unlinkSync(path)
    } catch {
      // already gone
    }
  }
  pending.clear()
}

export const stdoutTarget = (): OutputTarget => ({
  // Awaited per write: behind a pipe (`| less`), unread output must not pile up in memory.
  write: (bytes) => Bun.write(Bun.stdout, bytes),
  commit: async () => {},
  abort: () => {},
})

/** Writes `path` atomically: a sibling temp file, fsync, rename. No partial file is ever visible. */
export const atomicFileTarget = (path: string): OutputTarget => {
  const temp = join(dirname(path), `.${basename(path)}.headroom-${process.pid}-${Math.random().toString(36).slice(2, 8)}.tmp`)
  const fd = openSync(temp, "wx", 0o644)
  pending.add(temp)
  let open = true
  const close = () => {
    if (open) {
      open = false
      closeSync(fd)
    }
  }
  return {
    write: (bytes) => {
      let offset = 0
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset)
    },
    commit: async () => {
      fsyncSync(fd)
      close()
      renameSync(temp, path)
      pending.delete(temp)
    },
    abort: () => {
      close()
      if (pending.delete(temp)) {
        try {
          unlinkSync(temp)
        } catch {
          // already gone
        }
      }
    },
  }
}
