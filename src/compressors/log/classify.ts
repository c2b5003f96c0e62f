/**
 * What a log line is, as bit flags. Regexes look at a bounded prefix of the line (levels and
 * frame shapes live at the start) so one pathological line cannot stall the pass.
 */

/** An explicit error severity: ERROR/FATAL/SEVERE/CRITICAL level tokens, klog E/F, logcat E/F, level=error. */
export const ERROR_LEVEL = 1 << 0
/** Mentions failure without an error level: "failed", "exception", "refused", "cannot", … */
export const ERROR_WORD = 1 << 1
export const WARNING = 1 << 2
/** A stack frame of any common runtime. */
export const FRAME = 1 << 3
/** Start of a stack trace or an exception line: "Traceback", "Caused by:", "x.y.FooException: …", "panic:". */
export const EXCEPTION = 1 << 4
/** Compiler/linter diagnostic: "file:12:5: error …", "error[E0308]: …", "--> src/x.rs:1:2". */
export const DIAGNOSTIC = 1 << 5
/** Final status or summary: "BUILD FAILURE", "Tests run: 5, Failures: 1", "exited with code 1", … */
export const STATUS = 1 << 6
/** A failing test: "--- FAIL:", "FAILED test_x", "✕ renders", "not ok 3", "● Suite › test". */
export const TEST_FAILURE = 1 << 7
export const BLANK = 1 << 8

export const ANY_ERROR = ERROR_LEVEL | ERROR_WORD | EXCEPTION | TEST_FAILURE
/** Lines that open a block whose indented continuation belongs to them. */
export const BLOCK_ANCHOR = ERROR_LEVEL | ERROR_WORD | EXCEPTION | TEST_FAILURE | DIAGNOSTIC

const HEAD = 200

// Uppercase level tokens anywhere near the start; lowercase ones only where a level sits: in
// brackets, opening the line, or after a comma (Windows CBS logs). "parity error corrected" is not a level.
const LEVEL_ERROR =
  /(?:^|[\s\[(<|:=,"'])(?:ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|ALERT|EMERG|EMERGENCY|PANIC)(?=$|[\s\]):>|,"'!])|[\[<(](?:error|err|fatal|crit|critical|alert|emerg|severe|Error|Fatal|Critical|Severe)[\]>)]|^(?:error|Error|fatal|Fatal)(?:\[[\w-]+\])?:|, (?:Error|Fatal|Critical) /
const LEVEL_KEYVALUE = /\b(?:level|lvl|severity)["']?\s*[=:]\s*["']?(?:error|err|fatal|critical|crit|panic|emerg|alert|severe)\b/i
// klog "E0612 10:00:00.123456", logcat "03-17 16:13:38.811  1702  2395 E Tag:", "E/Tag(123):".
const LETTER_ERROR = /^[EF]\d{4} \d\d:\d\d|^\S+ \d\d:\d\d:\d\d\.\d+\s+\d+\s+\d+ [EF] |^\d{4}-\d\d-\d\d[ T]\S+\s+[EF]\/|^[EF]\/\w/

const WORD_ERROR =
  /error|exception|traceback|panic|fail|fatal|denied|refused|timed? ?out|killed|segfault|segmentation fault|unable to|cannot|can't|could not|couldn't|not found|no such file|abort|crash|backoff|unhandled|undefined reference|unresolved|invalid|violation|rejected|unreachable|assert|npm err!|\bE\s{2,}/i
// "0 errors", "Failures: 0", "errors=0", "without errors", "no failures": mentions that report the absence of errors.
const ZERO_ERRORS =
  /\b(?:0|no|zero|without)\s+(?:errors?|failures?|failed|exceptions?|warnings?)\b|\b(?:errors?|failures?|failed|exceptions?)\s*[:=]\s*0\b|\b(?:error|fail)[_-]?(?:on|fast|safe|prone|handler|handling|page|count|rate|log|_?file)\b/gi

const WARNING_PATTERN =
  /(?:^|[\s\[(<|:=,"'])(?:WARN|WARNING|Warning|warning|warn|W)(?=$|[\s\]):>|,"'])|\bwarning:|^W\d{4} \d\d:|\blevel["']?\s*[=:]\s*["']?warn/

const FRAME_PATTERN = new RegExp(
  [
    String.raw`^\s+at [\w$.<>\[\]/\\:@ -]+\(.*\)\s*$`, // Java, .NET, JS with parens
    String.raw`^\s+at (?:async )?[^\s()]+:\d+:\d+\)?$`, // JS bare location
    String.raw`^\s+at .*(?:\.js|\.ts|\.mjs|\.cjs|\.jsx|\.tsx):\d+`, // JS named frames
    String.raw`^\s*\.\.\. \d+ (?:more|common frames omitted)`, // Java elided frames
    String.raw`^\s*File "[^"]+", line \d+`, // Python
    String.raw`^\s+/[^\s:]+\.go:\d+(?: \+0x[0-9a-f]+)?$`, // Go file line
    String.raw`^goroutine \d+ \[`, // Go goroutine header
    String.raw`^\s+\d+: (?:0x[0-9a-f]+ - )?[\w:<>$]+`, // Rust backtrace symbol
    String.raw`^\s+at [^\s]+\.rs:\d+:\d+`, // Rust location
    String.raw`^\s+from [^\s]+:\d+:in `, // Ruby
    String.raw`^[^\s]+\.rb:\d+:in `, // Ruby first frame
    String.raw`^\s+at [\w.<>\x60\[\],]+\(.*\)(?: in .+:line \d+)?$`, // .NET
  ].join("|"),
)

const EXCEPTION_PATTERN =
  /^(?:Exception in thread |Traceback \(most recent call last\)|Caused by: |Suppressed: |panic: |fatal error: |thread '[^']*' panicked|Unhandled (?:exception|rejection)|stack backtrace:)|^\s*(?:[\w$]+\.)+[\w$]*(?:Exception|Error|Throwable)(?::|$)|^[A-Z][\w]*(?:Error|Exception)(?::|$)/

const DIAGNOSTIC_PATTERN =
  /^\s*[^\s:]+:\d+(?::\d+)?:\s*(?:fatal error|error|warning|note)\b|^(?:error|warning)(?:\[[\w-]+\])?:|\(\d+,\d+\): (?:error|warning) [A-Z]+\d+|^\s*--> [^\s]+:\d+:\d+|\.\w+:\[\d+,\d+\] /i

const STATUS_PATTERN = new RegExp(
  [
    String.raw`exit(?:ed)? (?:with )?(?:code|status)\b`,
    String.raw`Process completed with exit code`,
    String.raw`Finished: (?:SUCCESS|FAILURE|UNSTABLE|ABORTED)`,
    String.raw`BUILD (?:SUCCESS|FAILURE|FAILED|SUCCESSFUL)`,
    String.raw`Done\. Your build exited with`,
    String.raw`The command .* exited with`,
    String.raw`Tests run: \d+, Failures: \d+`,
    String.raw`\d+ (?:passing|failing|pending)\b`,
    String.raw`test result: (?:ok|FAILED)`,
    String.raw`Ran \d+ tests? in`,
    String.raw`^=+ .*\b(?:passed|failed|errors?)\b.* in [\d.]+m?s.*=+$`,
    String.raw`^FAILED \(`,
    String.raw`^OK(?: \(|$)`,
    String.raw`Tests: +\d+`,
    String.raw`\bTest Suites: `,
    String.raw`npm ERR! code`,
    String.raw`Build step .* marked build as failure`,
    String.raw`Compilation failed|COMPILATION ERROR|Execution failed for task`,
    String.raw`\d+ (?:tests?|examples?|specs?) (?:completed|run|ran)?,? \d+ (?:failed|failures)`,
    String.raw`^(?:ok|FAIL)\s+\S+\s+[\d.]+s$`,
    String.raw`\bTotal time:`,
    String.raw`make(?:\[\d+\])?: \*\*\* .* Error \d+`,
    String.raw`^##\[error\]`,
    String.raw`\b(?:Job|Build|Pipeline) (?:failed|succeeded|finished)\b`,
  ].join("|"),
)

const TEST_FAILURE_PATTERN =
  /^\s*(?:\d+\) [\w\\:.#]+.*(?:fail|error|assert)|--- FAIL\b|FAIL\b|FAILED\b|✗|✕|×|not ok \d+|\[\s*FAIL(?:ED)?\s*\]|● )|<<< (?:FAILURE|ERROR)!|^_{3,} .+ _{3,}$|:\s+FAIL(?:ED)?\b/

/** Flags for one cleaned line. */
export const classify = (line: string): number => {
  if (line.length === 0 || isBlank(line)) return BLANK
  const head = line.length > HEAD ? line.slice(0, HEAD) : line
  let flags = 0
  if (hasErrorLevel(head)) flags |= ERROR_LEVEL
  if (WORD_ERROR.test(head)) {
    if (flags === 0 && mentionsErrorBeyondZero(head)) flags |= ERROR_WORD
    if (EXCEPTION_PATTERN.test(head)) flags |= EXCEPTION
    if (TEST_FAILURE_PATTERN.test(head)) flags |= TEST_FAILURE
  }
  if (flags === 0 && WARNING_PATTERN.test(head)) flags |= WARNING
  if (FRAME_PATTERN.test(head)) flags |= FRAME
  else if (DIAGNOSTIC_PATTERN.test(head)) flags |= DIAGNOSTIC
  if (STATUS_PATTERN.test(head)) flags |= STATUS
  return flags
}

const hasErrorLevel = (head: string): boolean =>
  LEVEL_ERROR.test(head) || LETTER_ERROR.test(head) || (LEVEL_KEYWORD.test(head) && LEVEL_KEYVALUE.test(head))
const LEVEL_KEYWORD = /level|lvl|severity/i

const mentionsErrorBeyondZero = (head: string): boolean => {
  if (!/\b(?:0|no|zero|without)\b|[:=]\s*0\b|[_-](?:on|fast|safe|prone|handler|handling|page|count|rate|log|file)\b/i.test(head)) return true
  return WORD_ERROR.test(head.replace(ZERO_ERRORS, " "))
}

export const isBlank = (line: string): boolean => {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c !== 32 && c !== 9) return false
  }
  return true
}

/** Width of leading whitespace, a tab counting as 4. */
export const indentation = (line: string): number => {
  let width = 0
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i)
    if (c === 32) width += 1
    else if (c === 9) width += 4
    else break
  }
  return width
}

/** Lines that belong to the block above them whatever their indentation (rustc snippets, pytest "E" lines). */
export const CONTINUATION_PATTERN = /^\s*\d*\s*\|(?:\s|$)|^\s*= (?:note|help):|^E\s{2,}|^\s*\^+/
