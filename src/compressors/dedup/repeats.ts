/** A stretch of lines that already appeared, identical, earlier in the same text. */
export interface Repeat {
  /** First line of the copy (0-based). */
  readonly from: number
  /** One past its last line. */
  readonly to: number
  /** First line of the earlier occurrence it copies. */
  readonly source: number
}

/** Fewest consecutive lines that make a repeat worth looking at. */
export const MIN_RUN = 4
/** A single line this long is worth replacing on its own when it repeats. */
export const MIN_LONG_LINE = 200

/**
 * Finds repeats greedily, left to right: at each line, the earliest earlier occurrence of the next
 * MIN_RUN lines (or of this line alone, when it is long) is extended for as long as the lines
 * agree; the copy may overlap its source, so N identical lines in a row are one repeat of the
 * first. `movable(i)` says whether line i may be replaced at all, `worth(repeat)` whether a
 * marker pays for it. Linear: every line is keyed once, and every comparison of an extension
 * moves the scan forward by a line (a repeat that is not worth it is skipped whole).
 */
export const findRepeats = (
  lines: ReadonlyArray<string>,
  movable: (i: number) => boolean,
  worth: (repeat: Repeat) => boolean,
): Array<Repeat> => {
  const ids = lineIds(lines)
  const firstWindow = new Map<string, number>()
  const firstLongLine = new Map<number, number>()
  let registered = 0
  const registerUpTo = (end: number) => {
    for (; registered < end; registered++) {
      const i = registered
      if (i + MIN_RUN <= lines.length) {
        const key = windowKey(ids, i)
        if (!firstWindow.has(key)) firstWindow.set(key, i)
      }
      if (lines[i]!.length >= MIN_LONG_LINE && !firstLongLine.has(ids[i]!)) firstLongLine.set(ids[i]!, i)
    }
  }
  const extend = (source: number, from: number): number => {
    let k = 0
    while (from + k < lines.length && ids[source + k] === ids[from + k] && movable(from + k)) k++
    return k
  }

  const repeats: Array<Repeat> = []
  let i = 0
  while (i < lines.length) {
    let found: Repeat | undefined
    const windowSource = i + MIN_RUN <= lines.length ? firstWindow.get(windowKey(ids, i)) : undefined
    if (windowSource !== undefined) {
      const k = extend(windowSource, i)
      if (k >= MIN_RUN) found = { from: i, to: i + k, source: windowSource }
    }
    const lineSource = firstLongLine.get(ids[i]!)
    if (found === undefined && lineSource !== undefined) {
      const k = extend(lineSource, i)
      if (k >= 1) found = { from: i, to: i + k, source: lineSource }
    }
    if (found === undefined) {
      registerUpTo(i + 1)
      i++
      continue
    }
    if (worth(found)) repeats.push(found)
    registerUpTo(found.to)
    i = found.to
  }
  return repeats
}

/** Equal lines get equal small integers, so comparing and keying lines is cheap. */
const lineIds = (lines: ReadonlyArray<string>): Int32Array => {
  const seen = new Map<string, number>()
  const ids = new Int32Array(lines.length)
  lines.forEach((line, i) => {
    let id = seen.get(line)
    if (id === undefined) {
      id = seen.size
      seen.set(line, id)
    }
    ids[i] = id
  })
  return ids
}

const windowKey = (ids: Int32Array, i: number): string => `${ids[i]},${ids[i + 1]},${ids[i + 2]},${ids[i + 3]}`
