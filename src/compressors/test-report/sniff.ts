/**
 * Recognises a test-runner report from the start of a text, without parsing it: the parsers
 * decide for good (and give up on anything that turns out not to be one).
 */

export type ReportFormat = "go" | "mocha" | "jest" | "junit"

const HEAD_CHARS = 4096
const GO_PROBE_LINES = 5

// go test -json events: {"Time":…,"Action":"run","Package":…}; go ≥ 1.24 build events carry ImportPath.
const GO_ACTION = /"Action":"(?:start|run|output|pass|fail|skip|pause|cont|bench|build-output|build-fail)"/
const GO_SUBJECT = /"(?:Package|ImportPath)":"/
// The mocha JSON reporter opens with its stats object.
const MOCHA = /^\s*\{\s*"stats"\s*:\s*\{[^{}]*"(?:tests|passes|failures|pending)"\s*:/
// jest --json (and vitest's jest-compatible reporter) open with the num… counters.
const JEST = /^\s*\{\s*"num(?:Failed|Passed|Pending|RuntimeError|Todo|Total)\w*"\s*:/
// JUnit XML: <testsuites> or <testsuite> is the root, after an optional prolog and comments.
const JUNIT = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<testsuites?[\s>/]/

export const sniffFormat = (text: string): ReportFormat | undefined => {
  const head = text.slice(0, HEAD_CHARS).replace(/^\uFEFF/, "")
  if (head.trimStart().startsWith("<")) return JUNIT.test(head) ? "junit" : undefined
  if (MOCHA.test(head)) return "mocha"
  if (JEST.test(head)) return "jest"
  // go test -json may open with a line of plain text (a build error on stderr).
  return isGoEvents(head) ? "go" : undefined
}

/** One of the first few lines is a go test -json event. */
const isGoEvents = (head: string): boolean => {
  let start = 0
  for (let seen = 0; seen < GO_PROBE_LINES && start < head.length; ) {
    const nl = head.indexOf("\n", start)
    const line = head.slice(start, nl === -1 ? head.length : nl)
    start = nl === -1 ? head.length : nl + 1
    if (line.trim() === "") continue
    seen++
    if (line.trimStart().startsWith("{") && GO_ACTION.test(line) && GO_SUBJECT.test(line)) return true
  }
  return false
}
