import type { Strategy } from "../../sdk/stage.ts"

/** How much of a test report each strategy keeps. Counts lines are kept by every one of them. */
export interface TestReportPolicy {
  /**
   * Per-package / per-suite counts lines: all of them, or only those with failures or skips (the
   * others named on one line), or none (a budget's last resort).
   */
  readonly groups: "all" | "notable" | "none"
  /** Skipped tests listed by name (the rest are only counted). */
  readonly skippedNames: number
  /** A skipped test's reason (its output or message) next to its name. */
  readonly skipReasons: boolean
  /** First lines of each failure's message, never cut below this. */
  readonly messageLines: number
  /** Lines pointing at the failure (file:line in test code, assertion, expected/actual) kept beyond head and tail. */
  readonly pointerLines: number
  /** First and last lines of the rest of a failure's output or stack. */
  readonly head: number
  readonly tail: number
  /** Runs of framework frames (test runner, reflection, node internals) fold into one marker. */
  readonly foldLibraryFrames: boolean
  /** Runner progress lines in a test's output (go "=== PAUSE", "=== CONT", subtest "--- FAIL"). */
  readonly framing: boolean
  /** Lines that only repeat the failure's header (go "=== RUN X", "--- FAIL: X"). */
  readonly echoes: boolean
  /** Failures with the same message shown in full; later ones are listed by name only. */
  readonly sameMessage: number
}

const ALL = 1_000_000

export const TEST_REPORT_POLICIES: Record<Strategy, TestReportPolicy> = {
  conservative: {
    groups: "all",
    skippedNames: ALL,
    skipReasons: true,
    messageLines: ALL,
    pointerLines: ALL,
    head: ALL,
    tail: 0,
    foldLibraryFrames: false,
    framing: true,
    echoes: true,
    sameMessage: ALL,
  },
  balanced: {
    groups: "all",
    skippedNames: 50,
    skipReasons: false,
    messageLines: 40,
    pointerLines: 20,
    head: 20,
    tail: 10,
    foldLibraryFrames: true,
    framing: true,
    echoes: false,
    sameMessage: 3,
  },
  aggressive: {
    groups: "notable",
    skippedNames: 0,
    skipReasons: false,
    messageLines: 10,
    pointerLines: 5,
    head: 5,
    tail: 2,
    foldLibraryFrames: true,
    framing: false,
    echoes: false,
    sameMessage: 1,
  },
}

/**
 * Ever smaller versions of `policy`, tried in turn under a token budget: passing details go
 * first, then long failure outputs are cut down, then failures shrink to their headers.
 */
export const budgetLadder = (policy: TestReportPolicy): Array<TestReportPolicy> => {
  const passingDropped: TestReportPolicy = { ...policy, groups: "notable", skippedNames: 0, skipReasons: false }
  const shorter: TestReportPolicy = {
    ...passingDropped,
    messageLines: Math.min(policy.messageLines, 10),
    pointerLines: Math.min(policy.pointerLines, 5),
    head: Math.min(policy.head, 5),
    tail: Math.min(policy.tail, 2),
    foldLibraryFrames: true,
    framing: false,
    echoes: false,
    sameMessage: 1,
  }
  const shortest: TestReportPolicy = { ...shorter, messageLines: 3, pointerLines: 2, head: 1, tail: 0 }
  const firstLines: TestReportPolicy = { ...shortest, messageLines: 1, pointerLines: 0, head: 0, tail: 0 }
  const headersOnly: TestReportPolicy = { ...firstLines, messageLines: 0 }
  return [policy, passingDropped, shorter, shortest, firstLines, headersOnly]
}
