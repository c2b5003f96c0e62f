import type { EntryLine, LineRole } from "./report.ts"

/**
 * Line roles for failure output and stacks, by shape. Frames of runners, frameworks and runtimes
 * say little about why a test failed; frames in test code and assertion lines say the most.
 */

// A stack frame: Java/JS/C# "at …", Python "File …", Ruby "from …:12:in", Go "\t/x/y.go:12 +0x1d".
const FRAME = /^\s*(?:at\s+\S|File "|from \S+:\d+:in\b|\S+\.go:\d+(?:\s+\+0x[0-9a-f]+)?$|created by \S)/
// Go prints each frame as "pkg.Func(args)" (or "panic(args)") over "\t/path/file.go:12 +0x1d";
// args are hex words, "...", or "{…}" for interfaces.
const GO_CALL = /^(?:[\w.\/*()-]+\.[\w$]+|panic)(?:\[[^\]]*\])?\((?:[0-9a-fx?{}, ]|\.\.\.)*\)$/

const LIBRARY = new RegExp(
  [
    // JVM: the JDK, reflection, runners and build tools; a frame may name its class loader or
    // module first ("at app//org.junit…", "at java.base@17/java.lang…").
    String.raw`^\s*at\s+(?:[\w.-]*(?:@[\w.-]+)?\/\/?)?(?:java\.|javax\.|jdk\.|sun\.|com\.sun\.|kotlin\.|kotlinx\.coroutines\.|scala\.|org\.junit\.|junit\.|org\.testng\.|org\.apache\.maven\.|org\.gradle\.|worker\.org\.gradle\.|org\.mockito\.|org\.springframework\.test\.|org\.eclipse\.jdt\.|com\.intellij\.|org\.jetbrains\.)`,
    // .NET runtime and runners.
    String.raw`^\s*at\s+(?:System\.|Microsoft\.|NUnit\.|Xunit\.|xunit\.)`,
    // Node: dependencies, internals, promise plumbing.
    String.raw`node_modules[\\/]|\(node:|\bnode:internal\b|\(internal/|^\s*at\s+(?:new Promise \(<anonymous>\)|processTicksAndRejections|process\.processImmediate|listOnTimeout)`,
    // Python: installed packages and the runner.
    String.raw`site-packages[\\/]|[\\/]lib[\\/]python\d|[\\/]_pytest[\\/]|[\\/]pluggy[\\/]|[\\/]unittest[\\/]`,
    // Go: the runtime and the testing package.
    String.raw`^\s*/\S*/go/src/|^\s*(?:testing|runtime)\.[\w.()*]+\(|^\s*panic\(|^\s*created by (?:testing|runtime)\.`,
  ].join("|"),
)

// Assertion output and the lines pytest, testify, jest and mocha use to show what differs.
const ASSERTION =
  /^E\s|^\s*(?:Error Trace|Error|Messages|Expected|Received|Actual|expected|actual|Diff|diff)\s*:|\b(?:expected|but (?:was|found|got)|to (?:be|equal|deep equal|match|have been)|assert(?:ion)?(?:Error)?)\b|^\s*[-+] (?:Expected|Received|expected|actual)\b|^panic: /
// A file:line in test code: go _test.go, *.spec.js / *.test.ts, FooTest.java, test_x.py, x_test.py.
const TEST_CODE = /(?:_test\.go|\.(?:spec|test)\.[cm]?[jt]sx?|Tests?\.(?:java|kt|scala|cs)|[\\/]test_\w+\.py|_test\.py|_spec\.rb):\d+/

export const isFrame = (line: string): boolean => FRAME.test(line) || GO_CALL.test(line.trim())

/**
 * The role of one line of a failure's output or stack. `names` are what identify the test's own
 * code (its class, file, function), so a frame naming one points at the failure.
 */
export const roleOf = (line: string, names: ReadonlyArray<string> = []): LineRole => {
  if (isFrame(line)) {
    if (LIBRARY.test(line)) return "library"
    return "pointer"
  }
  if (TEST_CODE.test(line) || ASSERTION.test(line)) return "pointer"
  for (const name of names) if (name.length >= 3 && line.includes(name)) return "pointer"
  return "plain"
}

/**
 * A message and the stack or output under it, as entry lines. When the stack opens by repeating
 * the message ("AssertionError: expected 1" over "expected 1"), the repeat is shown once, as
 * the message.
 */
export const messageAndStack = (
  message: ReadonlyArray<string>,
  stack: ReadonlyArray<string>,
  names: ReadonlyArray<string>,
  stackAt?: number,
): Array<EntryLine> => {
  const out: Array<EntryLine> = []
  const firstMessage = message.find((l) => l.trim() !== "")?.trim()
  let skip = 0
  if (firstMessage !== undefined) {
    // The stack's header is everything before its first frame; it repeats the message if it contains it.
    let header = 0
    while (header < stack.length && !isFrame(stack[header]!)) header++
    if (header > 0 && stack.slice(0, header).some((l) => l.includes(firstMessage))) skip = header
  }
  if (skip > 0) {
    for (let i = 0; i < skip; i++) out.push(at({ text: stack[i]!, role: "message" }, stackAt, i))
  } else {
    for (const text of message) out.push({ text, role: "message" })
  }
  for (let i = skip; i < stack.length; i++) out.push(at({ text: stack[i]!, role: roleOf(stack[i]!, names) }, stackAt, i))
  return out
}

const at = (line: EntryLine, firstAt: number | undefined, i: number): EntryLine =>
  firstAt === undefined ? line : { ...line, at: firstAt + i }
