#!/usr/bin/env bun
/**
 * Builds dist/headroom: one self-contained executable (Bun runtime + bytecode of src/), runnable
 * with no node_modules and no network. Never strip it: the bytecode lives in the binary's tail.
 */
import { rmSync } from "node:fs"
import { join, resolve } from "node:path"

const root = resolve(import.meta.dir, "..")
const outfile = join(root, "dist/headroom")
rmSync(outfile, { force: true })
const started = performance.now()
const build = Bun.spawnSync(
  // Worker entry points are built in too: long streams prepare their next segment on one,
  // compress-batch compresses a file per core on another, and each plugin runs on a third.
  [process.execPath, "build", "src/cli/main.ts", "src/pipeline/prepare-worker.ts", "src/batch/worker.ts", "src/plugins/host-worker.ts", "--compile", "--bytecode", "--format=esm", "--minify", "--outfile", outfile],
  { cwd: root, stdout: "pipe", stderr: "pipe" },
)
if (build.exitCode !== 0) {
  process.stderr.write(build.stdout.toString() + build.stderr.toString())
  process.exit(build.exitCode ?? 1)
}
const size = Bun.file(outfile).size
console.log(`built ${outfile} (${(size / 1024 / 1024).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`)
