/**
 * Per-line evidence for the line-oriented kinds (log, search, diff, stack trace, markdown, markup),
 * gathered in one pass over the sample. Every regex runs on a line capped at MAX_LINE_CHARS and
 * avoids nested quantifiers, so the pass is linear in the (bounded) sample.
 */

import type { Line, Sample } from "./sample.ts"

export interface Features {
  readonly nonBlank: number
  // log
  /** Sum over lines of log evidence in [0, 1] (lines inside markdown fences and trace lines excluded). */
  readonly logWeight: number
  /** Lines with ANSI escapes or in-place redraws: captured terminal output. */
  readonly terminalLines: number
  /** Lines (>= 10 chars) whose digit-normalised opening repeats at least 3 times. */
  readonly repeated: number
  // search
  readonly searchLines: number
  readonly searchHits: number
  readonly pathHits: number
  readonly diagnostics: number
  /** Log evidence on lines that are not search results (build output around diagnostics). */
  readonly nonSearchLog: number
  /** "123:" lines numbered 1, 2, 3… in order: a numbered list, not grep -n output. */
  readonly numberedSequence: boolean
  // diff
  readonly diffLines: number
  readonly hunks: number
  readonly fileHeaders: number
  readonly gitDiffs: number
  // stack trace
  readonly traceLines: number
  readonly frames: number
  readonly traceHeads: number
  // markdown
  readonly mdWeight: number
  readonly mdLines: number
  readonly mdStrong: number
  readonly headings: number
  readonly fences: number
  readonly proseLines: number
  // markup
  readonly tagLines: number
  /** Lines holding an HTML element (`<div`, `<p>`, `<a href`, `<li>`…), at their start or inline. */
  readonly htmlLines: number
  /** Lines that make tags JSX or a template rather than HTML (`className=`, `={`, imports). */
  readonly scriptedLines: number
  readonly markup: "xml" | "html" | undefined
}

// ---------------------------------------------------------------- log
// ISO 8601 / "2024-01-23 08:30", a clock "08:30:15" (syslog, klog, logcat, Apache, Spark…),
// BGL "2005-06-03-15.42.50", HDFS "081109 203518" / "20171223-221529", dmesg "[  12.345678]".
const TIMESTAMP =
  /\d{4}-\d\d-\d\d[T _]\d\d:\d\d|\b\d{1,2}:\d\d:\d\d\b|\d{4}-\d\d-\d\d-\d\d\.\d\d\.\d\d|^\d{6} \d{6}\b|^\d{8}[-T]?\d{6}\b|^\[\s*\d+\.\d{3,}\]/
const EPOCH = /\b1\d{9}(?:\d{3})?\b/
const LEVEL_UPPER =
  /\b(?:INFO|WARN|WARNING|ERROR|ERR|DEBUG|DBG|TRACE|FATAL|CRITICAL|CRIT|NOTICE|SEVERE|ALERT|EMERG|PANIC|VERBOSE)\b/
const LEVEL_OTHER =
  /\[(?:info|warn|warning|error|err|debug|trace|notice|fatal|crit|critical|emerg|alert)\]|\blevel=\w|"(?:level|severity|lvl|log\.level)"\s*:/i
const BUILD_START = new RegExp(
  "^(?:" +
    [
      "\\$ \\S", // command echo (Travis, CI scripts)
      "\\+ \\S", // shell xtrace
      "npm (?:ERR!|WARN|notice|info|verb|http|error|warn)",
      "(?:yarn|pnpm|npx) (?:run|install|add|v\\d|exec|test|build)",
      "\\[(?:INFO|WARNING|WARN|ERROR|DEBUG|FATAL|TRACE|SEVERE)\\]",
      "> Task :",
      "BUILD (?:SUCCESS|FAIL)",
      "FAILURE: ",
      "make(?:\\[\\d+\\])?: ",
      "\\[ *\\d{1,3}%\\]", // cmake / ninja progress
      "-- \\S", // cmake
      "={3,} \\S", // pytest sections, go test "=== RUN"
      "--- (?:PASS|FAIL|SKIP)",
      "(?:ok|FAIL|PASS|SKIP)(?:\\s|$)", // go test / jest summaries
      "Step \\d+/\\d+ ", // docker build
      "#\\d+ (?:\\[|DONE|CACHED|sha256|naming|writing|exporting|transferring|resolve|load|ERROR)", // buildkit
      "travis_",
      "##\\[", // GitHub Actions / Azure commands
      "::(?:error|warning|notice|debug|group|endgroup|set-output|add-mask)",
      "\\[Pipeline\\]",
      "(?:Started by|Running as|Building in|Building remotely|Cloning|Fetching|Checking out|Commit message|Compiling|Downloading|Downloaded|Collecting|Installing|Installed|Successfully|Requirement already|Finished|Updating|Resolving|Unpacking|Setting up|Reading package|Preparing|Selecting previously|Processing triggers|Removing intermediate|Sending build context|Exited with|Done in|Total time|Tests run:|Test Suites:|Tests:|Snapshots:|Ran all test|Ran \\d+ tests?|The command \"|Retrying|Warning: |WARNING: |ERROR: |INFO: |DEBUG: )",
      "(?:warning|error)(?:\\[\\w+\\])?: ", // rustc, gcc, git
      "(?:note|help): ",
      " +(?:Compiling|Checking|Finished|Running|Downloaded|Downloading|Fresh|Updating|Blocking|Documenting|Locking|Adding|Removing|Installing|Packaging|Verifying|Uploading|Waiting) ", // cargo
      " +--> ",
      " *\\d+ (?:passing|failing|pending)", // mocha
      " *[\u2713\u2714\u2716\u2717\u2718\u00d7\u221a] ", // test runner ticks, eslint summary
      " +\\d+:\\d+ +(?:error|warning) ", // eslint stylish "  12:7  error  …"
      "Found \\d+ errors?\\b", // tsc, mypy summaries
      " ?> git ", // Jenkins git steps
      "(?:Get|Hit|Ign|Err):\\d+ ", // apt
      "\\[[A-Za-z][\\w .:-]{0,30}\\] ", // [EnvInject] , [WS-CLEANUP] , [main] , [internal]
      " *\\d+ \\| ", // compiler code frame "  42 |     int x;" (rustc, gcc, tsc)
      " +\\|(?: |$)", // its gutter "   |     ^~~" (markdown tables start at column 0)
      "(?:gcc|g\\+\\+|clang|clang\\+\\+|cc|c\\+\\+|rustc|javac|tsc|ld|ar|nvcc|go (?:build|vet|test)|cmake|ninja|mvn|gradle|\\./gradlew) ", // tool invocations
      "For more information about this error", // rustc
      "In file included from ",
      "(?:collected \\d+ items?|platform \\w+ -- Python|rootdir: |plugins: |cachedir: )", // pytest header
      "_{3,} .+ _{3,}$", // pytest test section
      "[E>] {3,}\\S", // pytest failure detail lines
      "NAME {2,}(?:READY|TYPE|STATUS|AGE|CLUSTER-IP|DESIRED|NAMESPACE|DATA|CAPACITY)\\b", // kubectl get
      "[\\w.-]+/[\\w.-]+ (?:created|configured|unchanged|deleted|patched|labeled|annotated|restarted|scaled|rolled back|serverside-applied)$", // kubectl apply
    ].join("|") +
    ")",
)
// Build/test evidence found anywhere in a line. Each regex is only tried after a literal check,
// which keeps the common no-match case (code, prose) to a few substring searches.
const PYTEST_STATUS = /::\w+ (?:PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b/
const TEST_STATUS = /\b(?:PASSED|FAILED)\b|\.\.\. (?:ok|FAIL|FAILED|ERROR|skipped|passed|failed)\b/
// tsc / MSBuild / csc: "src/a.ts(12,7): error TS2322: …", "Program.cs(3,5): warning CS0168: …"
const MSBUILD_DIAGNOSTIC = /\(\d+,\d+\): (?:error|warning) [A-Z]+\d+/
const PERCENT_END = /\[ *\d{1,3}%\]$/
const EXIT_CODE = /\bexit (?:code|status) \d+|\bExit code:? \d+/
const K8S_ROW =
  / \d+\/\d+ +(?:Running|Pending|CrashLoopBackOff|Completed|ContainerCreating|Terminating|ImagePullBackOff|ErrImagePull|OOMKilled|Error|Evicted) /

const buildAnywhere = (t: string): boolean =>
  (t.includes("::") && PYTEST_STATUS.test(t)) ||
  ((t.includes("PASSED") || t.includes("FAILED") || t.includes("... ")) && TEST_STATUS.test(t)) ||
  (t.endsWith("%]") && PERCENT_END.test(t)) ||
  t.includes(": error: ") ||
  t.includes(": fatal error: ") ||
  t.includes(": warning: ") ||
  t.includes(": In function ") ||
  t.includes(": note: ") ||
  ((t.includes("): error ") || t.includes("): warning ")) && MSBUILD_DIAGNOSTIC.test(t)) ||
  t.includes("npm ERR!") ||
  (t.includes("xit ") && EXIT_CODE.test(t)) ||
  (t.includes("/") && K8S_ROW.test(t))

// Kinds of log evidence a line can carry, strongest first, and what each is worth.
const NO_LOG = 0
const TS = 1
const LEVEL = 2
const EPOCH_TS = 3
const BUILD = 4
const BUILD_WEAK = 5
const LOG_WEIGHT: ReadonlyArray<number> = [0, 1, 0.85, 0.8, 0.75, 0.6]

const logEvidence = (t: string): number => {
  if (TIMESTAMP.test(t.length > 48 ? t.slice(0, 48) : t)) return TS
  const head120 = t.length > 120 ? t.slice(0, 120) : t
  if (LEVEL_UPPER.test(head120) || LEVEL_OTHER.test(head120)) return LEVEL
  // Epoch seconds/millis anywhere near the start (HPC-style logs with an id before the time).
  if (EPOCH.test(t.length > 80 ? t.slice(0, 80) : t)) return EPOCH_TS
  if (BUILD_START.test(t)) return BUILD
  if (buildAnywhere(t)) return BUILD_WEAK
  return NO_LOG
}

// ---------------------------------------------------------------- search
// path:line: / path:line:col: (grep -n, rg, ag, git grep, vimgrep). The path has no blanks or colons
// (a drive letter excepted), so the match is linear.
const PATH_HIT = /^((?:[A-Za-z]:)?[^\s:]+):(\d+)(?::(\d+))?(?::|$)/
const CONTEXT_HIT = /^((?:[A-Za-z]:)?[^\s:]+?)-(\d+)-/
const NUMBERED = /^\d+[:-](?!\d)/
const SEPARATOR = /^--$/
const BINARY_MATCH = /^(?:Binary file .+ matches|binary file matches)/
// After "path:line[:col]:": a compiler severity (gcc, clang, mypy print them lowercase), or a
// lint code after a column (flake8 "E501", pylint "C0114").
const DIAGNOSTIC = /^ ?(?:fatal error|error|warning|note|info|hint|remark)(?:\[[\w-]+\])?: /
const LINT_CODE = /^ ?[A-Z]{1,3}\d{3,4}\b/
const ONLY_PATH = /^(?:[A-Za-z]:)?[^\s:]+$/
const HAS_EXTENSION = /\.[A-Za-z0-9_]{1,12}$/
const DATE_LIKE = /^[\d.\-/T]+$/

const plausiblePath = (p: string): boolean =>
  p.length >= 2 &&
  (p.includes("/") || p.includes("\\") || HAS_EXTENSION.test(p)) &&
  !DATE_LIKE.test(p) &&
  !p.includes("=")

// ---------------------------------------------------------------- diff
const DIFF_HEADER =
  /^(?:diff --git |diff --(?:cc|combined) |diff -[a-zA-Z]+ |index [0-9a-f]{4,}\.\.[0-9a-f]{4,}|index [0-9a-f]{4,},[0-9a-f]{4,}\.\.|(?:new|deleted) file mode |(?:old|new) mode |similarity index |dissimilarity index |rename (?:from|to) |copy (?:from|to) |Binary files .* differ$|Only in |\*{15}$|\*\*\* \d+,\d+ \*\*\*\*$|--- \d+,\d+ ----$)/
/** First characters of DIFF_HEADER and GIT_META lines. */
const DIFF_FIRST = "dinosrcBO*-ACDMFS"
const HUNK = /^@@@? -\d+(?:,\d+)? [-+]\d+(?:,\d+)? .*@@/
const GIT_META =
  /^(?:commit [0-9a-f]{7,40}\b|Author: |AuthorDate: |Commit: |CommitDate: |Date: |Merge: |From [0-9a-f]{40} |Subject: |Signed-off-by: )/

// ---------------------------------------------------------------- stack traces
// "at" frames: Java, JS (V8), .NET, Rust's "at src/x.rs:1:2". The name has no blanks.
const AT_FRAME = /^\s*at (?:async |new )?([\w$.<>[\]`'/:~|@\\-]+)(?: \[as [\w$]+\])?( ?\(|$)/
const PY_FILE = /^\s*File "[^"]*", line \d+/
const GO_FILE = /^\t\S+\.go:\d+(?: \+0x[0-9a-f]+)?$/
// Frames other than "at" and Go: Rust "  12: sym", Ruby "from x.rb:1:in", PHP "#0 x.php(3): f()", gdb "#0  0x… in f".
const OTHER_FRAME =
  /^\s+\d+: (?:0x[0-9a-f]+ - )?[\w:<>${}.[\] ]+$|^\s*from \S+:\d+:in |^\S+\.rb:\d+:in |^#\d+ (?:\S+\(\d+\): |\{main\}|\[internal function\])|^#\d+\s+0x[0-9a-f]+ in /
// Lines that open or glue traces: Python "Traceback…", chained-exception notes, Java "Caused by:",
// "... 3 more", Go "goroutine 1 [running]:" and panics, Rust panics, .NET inner exceptions, PHP.
const TRACE_HEAD = new RegExp(
  [
    "^Traceback \\(most recent call last\\):?$",
    "^(?:During handling of the above exception|The above exception was the direct cause)",
    "^\\s*\\.\\.\\. \\d+ (?:more|common frames omitted)",
    "^\\s*(?:Caused by|Suppressed|Wrapped by): ",
    '^Exception in thread "',
    "^goroutine \\d+ \\[[^\\]]*\\]:$",
    "^(?:panic: |fatal error: |\\[signal |created by |exit status \\d+$)",
    "^(?:thread '.*' panicked at|stack backtrace:$|note: run with `RUST_BACKTRACE)",
    "^(?:Unhandled [Ee]xception|\\s*---> |\\s*--- End of )",
    "^(?:Stack trace:$|PHP (?:Fatal error|Warning|Notice|Parse error|Stack trace))",
  ].join("|"),
)
/** First non-blank characters a TRACE_HEAD line can start with. */
const TRACE_HEAD_FIRST: Uint8Array = (() => {
  const m = new Uint8Array(128)
  for (const ch of "TD.CSWEgpf[cetsnU-P") m[ch.charCodeAt(0)] = 1
  return m
})()
// "java.lang.IllegalStateException: boom", "TypeError: x", "KeyError". The prefix is one
// character class (no nested quantifier), and the line must first contain one of the words.
const EXC_WORD = /(?:Exception|Error|Throwable|Panic|Interrupt)(?:: |$)/
const EXC_HEADER = /^[\w$.]*(?:Exception|Error|Throwable|Panic|Interrupt)(?:: |$)/
const CARET = /^\s*[~^]+\s*$/

const LOCATION = /[./\\:].*\d$/

const isAtFrame = (t: string): boolean => {
  const m = AT_FRAME.exec(t)
  if (m === null) return false
  // Without "(...)" the frame must be a location: "at file.js:1:2", "at src/main.rs:5:5".
  return m[2] !== "" || LOCATION.test(m[1]!)
}

// ---------------------------------------------------------------- markdown
const MD_HEADING = /^#{1,6}\s+\S/
const MD_LIST = /^\s*(?:[-*+]|\d{1,3}[.)])\s+\S/
const MD_TABLE_SEP = /^\s*\|?\s*:?-{3,}:?\s*\|/
const MD_TABLE_ROW = /^\s*\|.*\|$/
const MD_QUOTE = /^\s*> /
const MD_LINK =
  /\[[^\]]{1,200}\]\((?:https?:\/\/|mailto:|\.{0,2}\/|#)[^)\s]{0,500}\)|\]\([\w./-]{1,300}\.(?:md|mdx|html?|png|jpe?g|gif|svg|txt)\)/
const MD_REFDEF = /^ {0,3}\[[^\]]{1,100}\]:\s+\S/
const MD_EMPHASIS = /\*\*[^*\s][^*]{0,200}\*\*/
const MD_INLINE_CODE = /`[^`\s][^`]{0,200}`/
const MD_SETEXT = /^(?:={3,}|-{3,})$/
const PROSE = /^[A-Za-z"'(][^;{}=<>|\t]*$/
const isProseStart = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x22 || c === 0x27 || c === 0x28

// ---------------------------------------------------------------- markup
const TAG_LINE = /^\s*(?:<\/?[A-Za-z][\w:.-]*(?:\s|\/?>|$)|<!--|<!\[CDATA\[)/
const XML_START = /^\s*<\?xml\b/
const HTML_START = /^\s*(?:<!DOCTYPE html|<html\b)/i
const HTML_ELEMENT =
  /<\/?(?:html|head|body|div|p|a|span|ul|ol|li|table|thead|tbody|tr|td|th|h[1-6]|section|article|nav|header|footer|main|aside|form|button|label|img|br|hr|meta|link|script|style|pre|blockquote|em|strong|small|figure|figcaption|dl|dt|dd|noscript|iframe)(?=[\s>/])/i
const SCRIPTED = /\bclassName=|=\{|^\s*(?:import|export|const|let|function|return)\b|\{\{|\{%|<\?php|\bv-(?:if|for|bind)=/

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/

/**
 * Marks fenced code blocks: 1 on fence lines, 2 inside. Only fences that close count, so an RST
 * "~~~~~" underline or a stray ``` in a log does not swallow the rest of the sample.
 */
const fenceMarks = (lines: ReadonlyArray<Line>): Uint8Array => {
  const marks = new Uint8Array(lines.length)
  let open = -1
  let fence = ""
  for (let i = 0; i < lines.length; i++) {
    const m = FENCE_OPEN.exec(lines[i]!.text)
    if (m === null) continue
    const run = m[1]!
    if (open < 0) {
      // A backtick fence's info string may not contain backticks (that is inline code).
      if (run[0] === "`" && lines[i]!.text.slice(m[0].length).includes("`")) continue
      open = i
      fence = run
    } else if (run[0] === fence[0] && run.length >= fence.length && lines[i]!.text.trim() === run) {
      marks.fill(2, open + 1, i)
      marks[open] = 1
      marks[i] = 1
      open = -1
    }
  }
  return marks
}

/**
 * Hash of a line's opening (first 24 characters after the indent, digit runs collapsed): equal
 * for lines of the same shape, such as log lines that differ only in their numbers.
 */
const shapeKey = (t: string, indent: number): number => {
  let h = 0x811c9dc5
  let prevDigit = false
  const end = Math.min(t.length, indent + 24)
  for (let i = indent; i < end; i++) {
    const c = t.charCodeAt(i)
    const digit = c >= 0x30 && c <= 0x39
    if (digit && prevDigit) continue
    prevDigit = digit
    h = Math.imul(h ^ (digit ? 0x30 : c), 0x01000193)
  }
  return h >>> 0
}

const wordCount = (t: string): number => {
  let n = 1
  for (let i = 0; i < t.length; i++) if (t.charCodeAt(i) === 0x20) n++
  return n
}

export const analyze = (sample: Sample): Features => {
  const lines = sample.lines
  let logWeight = 0
  let terminalLines = 0
  let searchLines = 0
  let searchHits = 0
  let pathHits = 0
  let diagnostics = 0
  let nonSearchLog = 0
  let lastNumber = 0
  let numberedSequence = true
  let diffLines = 0
  let hunks = 0
  let fileHeaders = 0
  let gitDiffs = 0
  let traceLines = 0
  let frames = 0
  let traceHeads = 0
  let mdWeight = 0
  let mdLines = 0
  let mdStrong = 0
  let headings = 0
  let fences = 0
  let proseLines = 0
  let tagLines = 0
  let htmlLines = 0
  let scriptedLines = 0
  let markup: "xml" | "html" | undefined
  let firstSeen = false

  const fenced = fenceMarks(lines)
  let prevText = "" // previous non-blank line
  let prevWasHeadingCandidate = false
  let prevWasPyFile = false
  let prevPyIndent = 0
  let prevTrace = false
  const shapes = new Map<number, number>()
  const shapeOf: Array<number | undefined> = []

  for (let idx = 0; idx < lines.length; idx++) {
    const line: Line = lines[idx]!
    const t = line.text
    if (line.indent < 0) {
      shapeOf.push(undefined)
      continue
    }
    if (!firstSeen) {
      firstSeen = true
      if (XML_START.test(t)) markup = "xml"
      else if (HTML_START.test(t)) markup = "html"
    }

    // Markdown fences first: what is inside a fence is quoted material, not evidence for logs etc.
    if (fenced[idx] === 1) {
      fences++
      mdWeight += 3
      mdLines++
      prevText = t
      shapeOf.push(undefined)
      continue
    }
    if (fenced[idx] === 2) {
      mdLines++
      mdWeight += 0.5
      prevText = t
      shapeOf.push(undefined)
      continue
    }

    const key = t.length >= 10 ? shapeKey(t, line.indent) : undefined
    shapeOf.push(key)
    if (key !== undefined) shapes.set(key, (shapes.get(key) ?? 0) + 1)

    if (line.ansi || line.cr) terminalLines++

    const c0 = t.charCodeAt(0)
    const ci = t.charCodeAt(line.indent)

    // ---- stack trace (gated on the first character: most lines cannot be frames)
    let trace = false
    let frame = false
    const pyFile = ci === 0x46 /* F */ && PY_FILE.test(t)
    if (
      (ci === 0x61 /* a */ && isAtFrame(t)) ||
      pyFile ||
      (((line.indent > 0 && ci >= 0x30 && ci <= 0x39) || ci === 0x66 /* f */ || c0 === 0x23 /* # */ || t.includes(".rb:")) &&
        OTHER_FRAME.test(t))
    ) {
      trace = frame = true
    } else if (c0 === 0x09 && t.includes(".go:") && GO_FILE.test(t)) {
      trace = frame = true
      // The function line above a Go file line belongs to the same frame.
      if (!prevTrace && idx > 0 && lines[idx - 1]!.indent >= 0) traceLines++
    } else if (
      (ci < 0x80 && TRACE_HEAD_FIRST[ci] === 1 && TRACE_HEAD.test(t)) ||
      (line.indent === 0 && EXC_WORD.test(t) && EXC_HEADER.test(t))
    ) {
      trace = true
      traceHeads++
    } else if (prevWasPyFile && line.indent > prevPyIndent) {
      trace = true // the source line Python prints under a frame
    } else if (prevTrace && (ci === 0x5e /* ^ */ || ci === 0x7e /* ~ */) && CARET.test(t)) {
      trace = true
    }
    if (trace) traceLines++
    if (frame) frames++
    prevWasPyFile = pyFile
    if (pyFile) prevPyIndent = line.indent
    prevTrace = trace

    // ---- log (trace lines are neutral: both logs and traces contain them)
    let logW = 0
    if (!trace) {
      const ev = logEvidence(t)
      let w = LOG_WEIGHT[ev]!
      if (w === 0 && ci === 0x7b && t.endsWith("}")) w = 0.8 // structured (JSON) log line
      if (line.ansi || line.cr) w = Math.max(w, 0.5)
      logWeight += w
      logW = w
    }

    // ---- search
    let searchLine = false
    const hit = line.indent === 0 ? PATH_HIT.exec(t) : null
    if (hit !== null && plausiblePath(hit[1]!)) {
      searchLine = true
      searchHits++
      pathHits++
      const rest = t.slice(hit[0].length)
      if (DIAGNOSTIC.test(rest) || (hit[3] !== undefined && LINT_CODE.test(rest))) {
        diagnostics++
        // A compiler/linter diagnostic is build output even when nothing else on the line says so.
        if (logW < LOG_WEIGHT[BUILD]!) {
          logWeight += LOG_WEIGHT[BUILD]! - logW
          logW = LOG_WEIGHT[BUILD]!
        }
      }
    } else if (c0 >= 0x30 && c0 <= 0x39 && NUMBERED.test(t)) {
      searchLine = true
      searchHits++
      const num = parseInt(t, 10)
      if (num !== lastNumber + 1) numberedSequence = false
      lastNumber = num
      if (prevWasHeadingCandidate) searchLines++ // count the heading line (rg --heading)
    } else if ((c0 === 0x2d || c0 === 0x42 || c0 === 0x62) && (SEPARATOR.test(t) || BINARY_MATCH.test(t))) {
      searchLine = true
    } else if (line.indent === 0 && t.includes("-")) {
      const ctx = CONTEXT_HIT.exec(t)
      if (ctx !== null && plausiblePath(ctx[1]!)) searchLine = true
    }
    if (searchLine) searchLines++
    else nonSearchLog += logW
    prevWasHeadingCandidate = !searchLine && line.indent === 0 && ONLY_PATH.test(t) && plausiblePath(t)

    // ---- diff
    if (c0 === 0x40 /* @ */) {
      if (HUNK.test(t)) {
        hunks++
        diffLines++
      }
    } else if (c0 === 0x20 || c0 === 0x2b || c0 === 0x2d || c0 === 0x5c) {
      // ' ' '+' '-' '\' body lines; "+++ " after "--- " is a file header.
      diffLines++
      if (c0 === 0x2b && t.startsWith("+++ ") && prevText.startsWith("--- ")) fileHeaders++
    } else if (DIFF_FIRST.includes(t[0]!) && (DIFF_HEADER.test(t) || GIT_META.test(t))) {
      diffLines++
      if (t.startsWith("diff --git ") || t.startsWith("diff --cc ") || t.startsWith("diff --combined ")) gitDiffs++
    }

    // ---- markdown
    let md = 0
    if (c0 === 0x23 /* # */ && MD_HEADING.test(t)) {
      md += 2
      headings++
      mdStrong++
    } else if (
      (c0 === 0x3d || c0 === 0x2d) &&
      MD_SETEXT.test(t) &&
      prevText !== "" &&
      !MD_SETEXT.test(prevText) &&
      idx > 0 &&
      lines[idx - 1]!.indent >= 0
    ) {
      md += 2
      headings++
      mdStrong++
    } else if (t.includes("---") && t.includes("|") && MD_TABLE_SEP.test(t)) {
      md += 3
      mdStrong++
    } else if (ci === 0x7c /* | */ && MD_TABLE_ROW.test(t)) {
      md += 1
    } else if (ci === 0x5b /* [ */ && MD_REFDEF.test(t)) {
      md += 1.5
      mdStrong++
    } else if ((ci === 0x2d || ci === 0x2a || ci === 0x2b || (ci >= 0x30 && ci <= 0x39)) && MD_LIST.test(t)) {
      md += 0.7
    } else if (ci === 0x3e /* > */ && MD_QUOTE.test(t)) {
      md += 0.8
    }
    if (t.includes("](") && MD_LINK.test(t)) {
      md += 1.5
      mdStrong++
    }
    if (t.includes("**") && MD_EMPHASIS.test(t)) md += 0.5
    if (t.includes("`") && MD_INLINE_CODE.test(t)) md += 0.4
    if (md > 0) {
      mdLines++
      mdWeight += Math.min(md, 3)
    }
    if (line.indent === 0 && isProseStart(c0) && PROSE.test(t) && wordCount(t) >= 6) proseLines++

    // ---- markup
    if (ci === 0x3c /* < */ && TAG_LINE.test(t)) tagLines++
    if (t.includes("<") && HTML_ELEMENT.test(t)) htmlLines++
    if (SCRIPTED.test(t)) scriptedLines++

    prevText = t
  }

  let repeated = 0
  for (const key of shapeOf) if (key !== undefined && (shapes.get(key) ?? 0) >= 3) repeated++

  return {
    nonBlank: sample.nonBlank,
    logWeight,
    terminalLines,
    repeated,
    searchLines,
    searchHits,
    pathHits,
    diagnostics,
    nonSearchLog,
    numberedSequence,
    diffLines,
    hunks,
    fileHeaders,
    gitDiffs,
    traceLines,
    frames,
    traceHeads,
    mdWeight,
    mdLines,
    mdStrong,
    headings,
    fences,
    proseLines,
    tagLines,
    htmlLines,
    scriptedLines,
    markup,
  }
}
