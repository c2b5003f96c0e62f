import { mkdirSync, statSync } from "node:fs"
import { join, posix, resolve, sep } from "node:path"
import { atomicFileTarget, type OutputTarget } from "../io/output.ts"
import { OutputError } from "../cli/errors.ts"
import { freshness, readManifest, writeManifest, type Manifest, type ManifestEntry } from "./manifest.ts"
import { ioReason } from "./io-error.ts"
import { OutputFiles, type OutputFile } from "./outputs.ts"
import { planBatch, type PlannedFile } from "./plan.ts"
import { runPool } from "./pool.ts"
import { ProgressDisplay, formatBytes, type ProgressMode } from "./progress.ts"
import type { Job, JobOutcome, WorkerSetup } from "./protocol.ts"
import { formatLargestSavings, formatTotals, reportJson, totalsOf, type FileRecord } from "./report.ts"
import type { BatchSettings } from "./settings.ts"

export interface BatchOptions {
  readonly inputs: ReadonlyArray<string>
  /** The output directory; only a dry run may go without. */
  readonly output: string | undefined
  readonly dryRun: boolean
  /** Redo outputs that are up to date (and, in the workers, compress binary-looking files). */
  readonly force: boolean
  readonly reportPath: string | undefined
  readonly progress: ProgressMode
  readonly setup: WorkerSetup
  readonly settings: BatchSettings
}

export interface BatchConsole {
  readonly out: (text: string) => void
  readonly err: (text: string) => void
  readonly columns: () => number
}

// The manifest is saved now and then during a long batch, so an interrupted one resumes.
const SAVE_MANIFEST_EVERY_MS = 2000

/**
 * Compresses every planned file on a pool of worker threads, largest first. Outputs are written
 * by this thread, atomically, mirroring the input tree; a manifest in the output directory lets
 * the next run skip what is up to date. Returns the exit code: 1 when any file was skipped or
 * failed, else 0.
 */
export const runBatch = async (options: BatchOptions, io: BatchConsole): Promise<number> => {
  const started = performance.now()
  const { output, dryRun, settings } = options
  const { maxFileBytes, jobs: poolSize } = settings.config.settings
  const plan = planBatch(options.inputs, output, options.setup.cwd)
  const outputDir = output === undefined ? undefined : resolve(options.setup.cwd, output)
  if (outputDir !== undefined && !dryRun) {
    try {
      mkdirSync(outputDir, { recursive: true })
    } catch (e) {
      throw new OutputError({ path: output!, reason: ioReason(e) })
    }
  }
  const outputOf = (file: PlannedFile): OutputFile | undefined =>
    outputDir === undefined ? undefined : { path: join(outputDir, file.rel), name: posix.join(output!.split(sep).join("/"), file.rel) }
  const manifest: Manifest = outputDir === undefined ? new Map() : readManifest(outputDir)
  const records: Array<FileRecord> = []
  const files = new Map<number, PlannedFile>()
  const jobs: Array<Job> = []
  let bytesTotal = 0
  let bytesDone = 0
  let tokensSaved = 0
  const reading = new Map<number, number>()

  const display = new ProgressDisplay(options.progress, { write: io.err, columns: io.columns }, () => ({
    filesDone: records.length,
    filesTotal: plan.files.length + plan.problems.length,
    bytesDone: bytesDone + [...reading.values()].reduce((a, b) => a + b, 0),
    bytesTotal,
    tokensSaved,
    elapsedMs: performance.now() - started,
  }))
  const record = (r: FileRecord) => {
    records.push(r)
    if (r.error !== undefined) display.message(`headroom: ${r.input}: ${r.status}: ${r.error}`)
  }
  const notDone = (file: PlannedFile, status: "skipped" | "failed", error: string, ms = 0): FileRecord => ({
    input: file.source,
    output: outputOf(file)?.name,
    status,
    bytesIn: file.size,
    bytesOut: 0,
    tokensBefore: 0,
    tokensAfter: 0,
    ms,
    error,
  })
  const upToDate = (file: PlannedFile, entry: ManifestEntry): FileRecord => ({
    input: file.source,
    output: outputOf(file)?.name,
    status: "up-to-date",
    bytesIn: file.size,
    bytesOut: entry.outputSize,
    tokensBefore: entry.tokensBefore,
    tokensAfter: entry.tokensAfter,
    ms: 0,
  })

  for (const problem of plan.problems) {
    record({ input: problem.source, output: undefined, status: "failed", bytesIn: 0, bytesOut: 0, tokensBefore: 0, tokensAfter: 0, ms: 0, error: problem.reason })
  }
  for (const file of plan.files) {
    if (maxFileBytes !== undefined && file.size > maxFileBytes) {
      record(notDone(file, "skipped", `larger than --max-file-size (${formatBytes(file.size)} > ${formatBytes(maxFileBytes)})`))
      continue
    }
    const entry = manifest.get(file.rel)
    const state = options.force ? { state: "stale" as const } : freshness(entry, file, settings.fingerprint, sizeOf(outputOf(file)?.path))
    if (state.state === "fresh") {
      record(upToDate(file, entry!))
      continue
    }
    const id = jobs.length
    files.set(id, file)
    jobs.push({ id, path: file.absolute, source: file.source, size: file.size, ...(state.state === "verify" ? { expectSha256: state.sha256 } : {}) })
    bytesTotal += file.size
  }
  // Largest first, so the long files don't start last and leave the other cores idle at the end.
  jobs.sort((a, b) => b.size - a.size || (files.get(a.id)!.rel < files.get(b.id)!.rel ? -1 : 1))

  let lastSave = performance.now()
  let saving: Promise<void> = Promise.resolve()
  const saveManifest = () => {
    if (dryRun || outputDir === undefined) return
    lastSave = performance.now()
    const snapshot = new Map(manifest)
    saving = saving.then(() =>
      writeManifest(outputDir, snapshot).catch((e) => display.message(`headroom: cannot write the manifest in ${output}: ${ioReason(e)}`)),
    )
  }

  const outputs = new OutputFiles()
  const commits: Array<Promise<void>> = []
  const compressed = (job: Job, file: PlannedFile, outcome: Extract<JobOutcome, { status: "compressed" | "unchanged" }>) => {
    for (const warning of outcome.warnings) display.message(`headroom: warning: ${file.source}: ${warning}`, false)
    const written = dryRun ? Promise.resolve(undefined) : outputs.commit(job.id, outputOf(file)!)
    commits.push(
      written.then((error) => {
        if (error !== undefined) {
          manifest.delete(file.rel)
          return record(notDone(file, "failed", error, outcome.ms))
        }
        tokensSaved += outcome.tokensBefore - outcome.tokensAfter
        manifest.set(file.rel, {
          size: outcome.bytesIn,
          // The time seen when planning: a change after it makes the next run check the hash.
          mtimeMs: file.mtimeMs,
          sha256: outcome.sha256,
          fingerprint: settings.fingerprint,
          outputSize: outcome.bytesOut,
          tokensBefore: outcome.tokensBefore,
          tokensAfter: outcome.tokensAfter,
        })
        record({
          input: file.source,
          output: outputOf(file)?.name,
          status: outcome.status,
          bytesIn: outcome.bytesIn,
          bytesOut: outcome.bytesOut,
          tokensBefore: outcome.tokensBefore,
          tokensAfter: outcome.tokensAfter,
          ms: outcome.ms,
        })
      }),
    )
  }
  const done = (job: Job, outcome: JobOutcome) => {
    const file = files.get(job.id)!
    reading.delete(job.id)
    bytesDone += job.size
    if (outcome.status === "up-to-date") {
      const entry = { ...manifest.get(file.rel)!, mtimeMs: file.mtimeMs }
      manifest.set(file.rel, entry)
      record(upToDate(file, entry))
    } else if ("reason" in outcome) {
      outputs.discard(job.id)
      // A file that fails is retried next time, whatever output an earlier run left.
      manifest.delete(file.rel)
      record(notDone(file, outcome.status, outcome.reason, outcome.ms))
    } else {
      compressed(job, file, outcome)
    }
    if (performance.now() - lastSave >= SAVE_MANIFEST_EVERY_MS) saveManifest()
  }

  for (const warning of settings.warnings) display.message(`headroom: ${warning}`, false)
  display.start()
  await runPool({
    size: poolSize,
    setup: options.setup,
    fingerprint: settings.fingerprint,
    jobs,
    events: {
      chunk: (job, bytes) => {
        if (!dryRun) outputs.write(job.id, outputOf(files.get(job.id)!)!, bytes)
      },
      progress: (job, bytesRead) => reading.set(job.id, bytesRead),
      done,
    },
  })
  await Promise.all(commits)
  display.stop()
  saveManifest()
  await saving

  const totals = totalsOf(records, performance.now() - started)
  let code = records.some((r) => r.status === "failed" || r.status === "skipped") ? 1 : 0
  if (options.reportPath !== undefined) {
    let target: OutputTarget | undefined
    try {
      target = atomicFileTarget(resolve(options.setup.cwd, options.reportPath))
      await target.write(new TextEncoder().encode(`${JSON.stringify(reportJson(records, totals, settings.fingerprint, dryRun), null, 1)}\n`))
      await target.commit()
    } catch (e) {
      target?.abort()
      display.message(`headroom: cannot write the report ${options.reportPath}: ${ioReason(e)}`)
      code = 1
    }
  }
  if (options.progress !== "quiet") {
    const table = formatLargestSavings(records)
    io.out([...table, ...(table.length > 0 ? [""] : []), formatTotals(totals, dryRun), ""].join("\n"))
  }
  return code
}

const sizeOf = (path: string | undefined): number | undefined => {
  if (path === undefined) return undefined
  try {
    return statSync(path).size
  } catch {
    return undefined
  }
}
