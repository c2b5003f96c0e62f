import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { atomicFileTarget, type OutputTarget } from "../io/output.ts"
import { ioReason } from "./io-error.ts"

/** Where an output goes, and how messages name it (as the user gave the output directory). */
export interface OutputFile {
  readonly path: string
  readonly name: string
}

interface OpenOutput {
  readonly target: OutputTarget | undefined
  /** Set once creating or writing the file failed: the rest of its bytes are dropped. */
  error: string | undefined
}

/**
 * The output files being written, one per job in flight. Each goes to a temp file beside its
 * final path and is renamed into place on commit, so an interrupted batch (removePendingOutputs
 * runs on Ctrl-C) or a failed file leaves nothing half-written.
 */
export class OutputFiles {
  private readonly open = new Map<number, OpenOutput>()

  write(id: number, file: OutputFile, bytes: Uint8Array): void {
    const output = this.opened(id, file)
    if (output.error !== undefined) return
    try {
      void output.target!.write(bytes)
    } catch (e) {
      output.target!.abort()
      output.error = cannotWrite(file, e)
    }
  }

  /** Moves the finished file into place (an empty one if nothing was written); the error, if any. */
  async commit(id: number, file: OutputFile): Promise<string | undefined> {
    const output = this.opened(id, file)
    this.open.delete(id)
    if (output.error !== undefined) return output.error
    try {
      await output.target!.commit()
      return undefined
    } catch (e) {
      output.target!.abort()
      return cannotWrite(file, e)
    }
  }

  discard(id: number): void {
    this.open.get(id)?.target?.abort()
    this.open.delete(id)
  }

  private opened(id: number, file: OutputFile): OpenOutput {
    let output = this.open.get(id)
    if (output === undefined) {
      try {
        mkdirSync(dirname(file.path), { recursive: true })
        output = { target: atomicFileTarget(file.path), error: undefined }
      } catch (e) {
        output = { target: undefined, error: cannotWrite(file, e) }
      }
      this.open.set(id, output)
    }
    return output
  }
}

const cannotWrite = (file: OutputFile, e: unknown) => `cannot write ${file.name}: ${ioReason(e)}`
