import { existsSync, readdirSync, realpathSync, statSync, type Stats } from "node:fs"
import { basename, isAbsolute, join, posix, relative, resolve, sep } from "node:path"
import { ioReason } from "./io-error.ts"

/** One file the batch will look at, and where its output goes. */
export interface PlannedFile {
  /** The path as the user would name it (the input argument joined with the path below it). */
  readonly source: string
  /** The output's path relative to the output directory, `/`-separated. */
  readonly rel: string
  readonly absolute: string
  readonly size: number
  readonly mtimeMs: number
}

/** An input that names nothing readable (a missing file, a broken link, a glob matching nothing). */
export interface PlanProblem {
  readonly source: string
  readonly reason: string
}

export interface BatchPlan {
  /** Sorted by `rel`, so reports and manifests come out in the same order every time. */
  readonly files: ReadonlyArray<PlannedFile>
  readonly problems: ReadonlyArray<PlanProblem>
}

/** A plan that can't be carried out as asked (two files onto one output, output inside an input). */
export class PlanError extends Error {}

const GLOB_CHARS = /[*?[{]/

/**
 * Expands the inputs (directories walked recursively, files, globs) into files and the output
 * path each mirrors: relative to its directory, to a glob's static prefix, or a file's basename.
 * Hidden entries (names starting with ".") are skipped in walks and globs, and symbolic links to
 * directories are not followed (no cycles); a file named outright is always taken.
 */
export const planBatch = (inputs: ReadonlyArray<string>, output: string | undefined, cwd: string): BatchPlan => {
  const files: Array<PlannedFile> = []
  const problems: Array<PlanProblem> = []
  const byRel = new Map<string, PlannedFile>()
  const seen = new Set<string>()
  const roots: Array<Root> = []
  const add = (file: PlannedFile) => {
    const real = realpathSync(file.absolute)
    // A file reached twice (a directory and a glob inside it) is compressed once, where first named.
    if (seen.has(real)) return
    seen.add(real)
    const other = byRel.get(file.rel)
    if (other !== undefined) {
      throw new PlanError(`${other.source} and ${file.source} would both be written to ${file.rel} in the output directory`)
    }
    byRel.set(file.rel, file)
    files.push(file)
  }

  for (const input of inputs) {
    const absolute = resolve(cwd, input)
    const info = statOrUndefined(absolute)
    if (info?.isDirectory()) {
      roots.push({ kind: "directory", source: input, absolute })
      walk(absolute, Number.POSITIVE_INFINITY, (path, stats) => add(planned(input, relative(absolute, path), path, stats)), (path, reason) =>
        problems.push({ source: joinSource(input, relative(absolute, path)), reason }),
      )
    } else if (info?.isFile()) {
      add(planned(input, undefined, absolute, info))
    } else if (info !== undefined) {
      problems.push({ source: input, reason: "not a regular file" })
    } else if (GLOB_CHARS.test(input)) {
      const { prefix, pattern } = splitGlob(input)
      const base = resolve(cwd, prefix)
      const glob = new Bun.Glob(pattern)
      roots.push({ kind: "glob", source: input, absolute: base, glob })
      let matched = false
      // Without "**" a match is never deeper than the pattern's own segments.
      const depth = pattern.includes("**") ? Number.POSITIVE_INFINITY : pattern.split("/").length
      if (statOrUndefined(base)?.isDirectory()) {
        walk(
          base,
          depth,
          (path, stats) => {
            const rel = toPosix(relative(base, path))
            if (!glob.match(rel)) return
            matched = true
            add(planned(prefix, rel, path, stats))
          },
          (path, reason) => {
            const rel = toPosix(relative(base, path))
            if (!glob.match(rel)) return
            matched = true
            problems.push({ source: joinSource(prefix, rel), reason })
          },
        )
      }
      if (!matched) problems.push({ source: input, reason: "no files match" })
    } else {
      problems.push({ source: input, reason: existsSync(absolute) ? "not a regular file" : "no such file or directory" })
    }
  }
  if (output !== undefined) checkOutput(resolve(cwd, output), output, roots, files)
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0))
  // A broken link inside a directory and a glob over it is one problem.
  const reported = new Set<string>()
  return { files, problems: problems.filter((p) => !reported.has(p.source) && reported.add(p.source)) }
}

type Root =
  | { readonly kind: "directory"; readonly source: string; readonly absolute: string }
  | { readonly kind: "glob"; readonly source: string; readonly absolute: string; readonly glob: Bun.Glob }

const planned = (input: string, relUnder: string | undefined, absolute: string, stats: Stats): PlannedFile => {
  const rel = relUnder === undefined ? basename(absolute) : toPosix(relUnder)
  return {
    source: relUnder === undefined ? input : joinSource(input, relUnder),
    rel,
    absolute,
    size: stats.size,
    mtimeMs: stats.mtimeMs,
  }
}

const joinSource = (input: string, rel: string) => posix.join(toPosix(input), toPosix(rel))

/**
 * Depth-first over `dir` in name order (code-unit order, so the same on every machine). Links to
 * files are followed; links to directories are not. Entries that can't be read are reported.
 */
const walk = (
  dir: string,
  depth: number,
  onFile: (path: string, stats: Stats) => void,
  onProblem: (path: string, reason: string) => void,
) => {
  const stack: Array<{ dir: string; depth: number }> = [{ dir, depth: 1 }]
  while (stack.length > 0) {
    const current = stack.pop()!
    let entries
    try {
      entries = readdirSync(current.dir, { withFileTypes: true })
    } catch (e) {
      onProblem(current.dir, `cannot read: ${ioReason(e)}`)
      continue
    }
    const names = entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirs: Array<string> = []
    for (const entry of names) {
      const path = join(current.dir, entry.name)
      if (entry.isDirectory()) {
        if (current.depth < depth) subdirs.push(path)
        continue
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue
      let stats: Stats
      try {
        stats = statSync(path)
      } catch (e) {
        onProblem(path, `cannot read: ${ioReason(e)}`)
        continue
      }
      if (stats.isFile()) onFile(path, stats)
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i]!, depth: current.depth + 1 })
  }
}

/** `logs/ci/**\/*.log` → prefix `logs/ci`, pattern `**\/*.log`: the leading segments with no glob characters. */
export const splitGlob = (input: string): { prefix: string; pattern: string } => {
  const segments = toPosix(input).split("/")
  let i = 0
  while (i < segments.length - 1 && !GLOB_CHARS.test(segments[i]!)) i++
  const prefix = segments.slice(0, i).join("/")
  return { prefix: prefix === "" ? (input.startsWith("/") ? "/" : ".") : prefix, pattern: segments.slice(i).join("/") }
}

/**
 * Refuses an output directory that is an existing file, or where a later run would read its own
 * outputs back as inputs (inside a walked directory, or matched by a glob).
 */
const checkOutput = (absolute: string, output: string, roots: ReadonlyArray<Root>, files: ReadonlyArray<PlannedFile>) => {
  const info = statOrUndefined(absolute)
  if (info !== undefined && !info.isDirectory()) throw new PlanError(`--output ${output} is a file; it must be a directory`)
  const real = realOrResolved(absolute)
  for (const root of roots) {
    const rootReal = realOrResolved(root.absolute)
    if (root.kind === "directory") {
      if (isInside(real, rootReal) && !relative(rootReal, real).split(sep).some((s) => s.startsWith("."))) {
        throw new PlanError(`--output ${output} is inside the input directory ${root.source}; its outputs would be read back as inputs`)
      }
    } else {
      for (const file of files) {
        const target = join(real, file.rel)
        if (isInside(target, rootReal) && root.glob.match(toPosix(relative(rootReal, target)))) {
          throw new PlanError(`--output ${output}: ${file.rel} written there would match the input ${root.source}`)
        }
      }
    }
  }
}

const isInside = (path: string, dir: string) => {
  const rel = relative(dir, path)
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel))
}

/** The real path of the deepest existing ancestor, with the rest appended: outputs may not exist yet. */
const realOrResolved = (path: string): string => {
  if (existsSync(path)) return realpathSync(path)
  const parent = resolve(path, "..")
  return parent === path ? path : join(realOrResolved(parent), basename(path))
}

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path)
  } catch {
    return undefined
  }
}

const toPosix = (path: string) => path.split(sep).join("/")
