/**
 * Stack frames of the common runtimes, found in cleaned lines (no ANSI, no CI runner stamps, no
 * trailing blanks): which lines form a frame, in which language, and whether the code it points
 * at is the application's own or a library's (a framework, the standard library, the runtime).
 *
 * Every regex is anchored or gated by a literal check and runs on lines of bounded length, so a
 * scan is linear in the text.
 */

export type FrameLanguage = "java" | "javascript" | "python" | "go" | "rust" | "dotnet" | "ruby" | "php"

/** One frame: the lines it spans (the frame line plus its source, file or location lines). */
export interface FrameSpan {
  /** Index of its first line. */
  readonly start: number
  /** Index just past its last line. */
  readonly end: number
  readonly language: FrameLanguage
  /** Library, framework or runtime code rather than the application's. */
  readonly library: boolean
  /** Where the code comes from, for a summary: "java.base", "org.junit", "express", "runtime". */
  readonly origin: string
}

// Longer lines are never frames; the cap keeps every pattern cheap.
const MAX_FRAME_CHARS = 1_000

// ------------------------------------------------------------------ "at" frames (JVM, .NET, V8)
const AT_LINE = /^\s*at (?:async |new )?(\S.*)$/
// "pkg.Class.method(File.java:12)", Maven's "pkg.Class.method (File.java:12)", logback's " ~[x.jar:1.0]".
const JVM_FRAME = /^([\w$.<>/\-]+)\.([\w$<>\-]+) ?\(([^()]*)\)(?: ~?\[[^\]]*\])?$/
const JVM_SOURCE = /^[\w$.\-]+\.(?:java|kt|kts|scala|groovy|clj|aj|gradle)(?::\d+)?$|^(?:Native Method|Unknown Source(?::\d+)?|SourceFile(?::\d+)?|<generated>)$/
// ".NET: Ns.Class.Method(String s) in C:\src\File.cs:line 12"; generic methods carry [T].
const DOTNET_FRAME = /^([^\s(]+)\(([^()]*)\)(?: in (.+):line \d+)?$/
// V8: "fn (location)", "fn [as alias] (location)", or a bare location.
const JS_NAMED = /^(.*?) (?:\[as [^\]]+\] )?\((.*)\)$/
const JS_LOCATION = /:\d+(?::\d+)?$|^<anonymous>$|^native$|^index \d+$/

// ------------------------------------------------------------------ others
const PY_FRAME = /^(\s*)File "([^"]+)", line \d+/
const GO_FILE = /^\s+(\S+\.go):\d+(?: \+0x[0-9a-f]+)?$/
const RUST_SYMBOL = /^\s+\d+: (?:0x[0-9a-f]+ - )?(\S.*)$/
const RUST_AT = /^\s+at \S+:\d+(?::\d+)?$/
const RUBY_FRAME = /^\s*(?:from )?(\S+?\.(?:rb|rake|erb|haml|slim|ru|builder|jbuilder)):\d+:in [`']/
const PHP_FRAME = /^#\d+ (?:(\S.*?)\(\d+\): |\[internal function\]: |\{main\}$)/

// ------------------------------------------------------------------ what is a library
/** JVM package prefixes of the runtime, languages, build tools, test and web frameworks. */
const JVM_LIBRARIES = [
  "java", "javax", "jakarta", "jdk", "sun", "com.sun", "kotlin", "kotlinx", "scala", "groovy",
  "org.codehaus.groovy", "org.junit", "junit", "org.testng", "org.mockito", "org.hamcrest",
  "org.springframework", "org.apache.maven", "org.apache.catalina", "org.apache.tomcat",
  "org.apache.coyote", "org.codehaus.plexus", "org.gradle", "worker.org.gradle", "org.eclipse.jetty",
  "org.eclipse.jdt", "org.hibernate", "io.netty", "reactor.core", "org.jboss", "com.intellij",
  "net.bytebuddy", "org.spockframework", "io.micronaut", "io.quarkus", "io.vertx", "akka.actor",
  "akka.dispatch", "org.scalatest", "sbt",
]
const DOTNET_LIBRARIES = ["System", "Microsoft", "Xunit", "NUnit", "Newtonsoft", "Castle", "Moq"]
const RUST_LIBRARIES = new Set([
  "std", "core", "alloc", "tokio", "futures", "futures_util", "futures_core", "hyper", "tower",
  "axum", "actix_rt", "actix_web", "rayon", "rayon_core", "test", "backtrace", "panic_unwind",
  "rust_begin_unwind", "__rust_begin_short_backtrace", "__rust_end_short_backtrace",
  "__rust_start_panic", "_start", "__libc_start_main", "__libc_start_call_main", "start_thread",
  "clone", "clone3", "__GI___clone", "__GI___clone3", "BaseThreadInitThunk", "RtlUserThreadStart",
])

const prefixOf = (name: string, prefixes: ReadonlyArray<string>): string | undefined => {
  for (const p of prefixes) if (name.startsWith(p) && (name.length === p.length || name[p.length] === ".")) return p
  return undefined
}

const segmentAfter = (path: string, marker: string): string | undefined => {
  const at = path.lastIndexOf(marker)
  if (at < 0) return undefined
  const rest = path.slice(at + marker.length)
  const end = rest.search(/[/\\]/)
  return end < 0 ? rest : rest.slice(0, end)
}

const jvmFrame = (qualified: string): Omit<FrameSpan, "start" | "end"> => {
  // "java.base/java.lang.Thread.run": a JPMS module; "app//org.junit…": Gradle's class loader.
  const slash = qualified.lastIndexOf("/")
  const module = slash > 0 ? qualified.slice(0, slash).replace(/\/+$/, "") : ""
  const name = slash >= 0 ? qualified.slice(slash + 1) : qualified
  const library = prefixOf(name, JVM_LIBRARIES)
  const moduleLibrary = module.includes(".") && prefixOf(module, JVM_LIBRARIES) !== undefined
  if (library === undefined && !moduleLibrary) return { language: "java", library: false, origin: packageOf(name, 2) }
  return { language: "java", library: true, origin: moduleLibrary ? module : library! }
}

const packageOf = (name: string, depth: number): string => name.split(".").slice(0, depth).join(".")

const dotnetFrame = (method: string): Omit<FrameSpan, "start" | "end"> => {
  const library = prefixOf(method, DOTNET_LIBRARIES)
  return { language: "dotnet", library: library !== undefined, origin: packageOf(method, 2) }
}

const jsFrame = (location: string): Omit<FrameSpan, "start" | "end"> => {
  const modules = location.lastIndexOf("node_modules/")
  if (modules >= 0) {
    const rest = location.slice(modules + "node_modules/".length).split("/")
    const origin = rest[0]!.startsWith("@") && rest.length > 1 ? `${rest[0]}/${rest[1]}` : rest[0]!
    return { language: "javascript", library: true, origin }
  }
  // Node's own code: "node:internal/…", "internal/…" (older Node), core modules without a path
  // ("events.js:315:20"), and frames without a location at all ("<anonymous>", "native").
  const bare = !location.includes("/") && !location.includes("\\")
  if (location.startsWith("node:") || location.startsWith("internal/") || bare) {
    return { language: "javascript", library: true, origin: "node" }
  }
  return { language: "javascript", library: false, origin: location.replace(/:\d+(?::\d+)?$/, "") }
}

const atFrame = (line: string): Omit<FrameSpan, "start" | "end"> | undefined => {
  const at = AT_LINE.exec(line)
  if (at === null) return undefined
  const body = at[1]!
  const jvm = JVM_FRAME.exec(body)
  if (jvm !== null) {
    const inside = jvm[3]!
    if (JVM_SOURCE.test(inside)) return jvmFrame(`${jvm[1]}.${jvm[2]}`)
  }
  const named = JS_NAMED.exec(body)
  if (named !== null && JS_LOCATION.test(named[2]!)) return jsFrame(named[2]!)
  if (!body.includes(" ") && JS_LOCATION.test(body)) return jsFrame(body)
  const dotnet = DOTNET_FRAME.exec(body)
  if (dotnet !== null) return dotnetFrame(dotnet[1]!)
  return undefined
}

const pythonFrame = (path: string): Omit<FrameSpan, "start" | "end"> => {
  const normalized = path.replaceAll("\\", "/")
  for (const marker of ["/site-packages/", "/dist-packages/"]) {
    const pkg = segmentAfter(normalized, marker)
    if (pkg !== undefined) return { language: "python", library: true, origin: pkg.replace(/\.py$/, "") }
  }
  const stdlib = /\/lib\/(?:python|pypy)[\d.]*\/(.*)$/i.exec(normalized)
  if (stdlib !== null) return { language: "python", library: true, origin: stdlib[1]!.split("/")[0]!.replace(/\.py$/, "") }
  const frozen = /^<frozen ([\w.]+?)(?:\.\w+)?>$/.exec(path)
  if (frozen !== null) return { language: "python", library: true, origin: frozen[1]! }
  return { language: "python", library: false, origin: normalized }
}

/** Go function line above a file line: "main.main()", "net/http.(*conn).serve(…)", "created by x in goroutine 1". */
const goFunction = (line: string): string | undefined => {
  let t = line.trim()
  if (t.length === 0 || t.startsWith("goroutine ")) return undefined
  if (t.startsWith("created by ")) t = t.slice("created by ".length).replace(/ in goroutine \d+$/, "")
  // Arguments follow the first "(" that does not open a receiver "(*T)".
  let cut = t.length
  for (let i = 0; i < t.length; i++) {
    if (t[i] === "(" && t[i + 1] !== "*") {
      cut = i
      break
    }
  }
  const name = t.slice(0, cut)
  return name.length === 0 || name.includes(" ") ? undefined : name
}

const goFrame = (name: string, path: string): Omit<FrameSpan, "start" | "end"> => {
  const lastSlash = name.lastIndexOf("/")
  const dot = name.indexOf(".", lastSlash + 1)
  const pkg = dot < 0 ? "runtime" : name.slice(0, dot) // a bare "panic(…)" is the runtime's
  const p = path.replaceAll("\\", "/")
  const modules = p.indexOf("/pkg/mod/")
  if (modules >= 0) {
    const module = p.slice(modules + "/pkg/mod/".length).split("@")[0]!
    return { language: "go", library: true, origin: module }
  }
  const firstSegment = pkg.split("/")[0]!
  // The standard library: "runtime", "net/http", "testing"; its files sit under GOROOT/src.
  const stdlib =
    pkg === "runtime" ||
    pkg.startsWith("runtime/") ||
    p.includes("/usr/local/go/src/") ||
    /\/go[\d.]*\/src\/|\/go-[\d.]+\/src\/|\/libexec\/src\/|\/golang\/src\//.test(p) ||
    (pkg !== "main" && !firstSegment.includes(".") && p.includes(`/src/${pkg}/`))
  if (stdlib) return { language: "go", library: true, origin: pkg }
  if (p.includes("/vendor/")) return { language: "go", library: true, origin: pkg }
  return { language: "go", library: false, origin: pkg }
}

const rustFrame = (symbol: string, location: string | undefined): Omit<FrameSpan, "start" | "end"> => {
  const crate = symbol.replace(/^</, "").split("::")[0]!.split(" ")[0]!
  const inLibraryPath = location !== undefined && /\/rustc\/[0-9a-f]+\/|[/\\]\.cargo[/\\]registry[/\\]|[/\\]\.rustup[/\\]/.test(location)
  return { language: "rust", library: RUST_LIBRARIES.has(crate) || inLibraryPath, origin: crate }
}

const rubyFrame = (path: string): Omit<FrameSpan, "start" | "end"> => {
  const gem = /\/gems\/([\w.-]+?)-\d[\w.]*\//.exec(path)
  if (gem !== null) return { language: "ruby", library: true, origin: gem[1]! }
  if (/\/lib\/ruby\/|\/rubygems\/|\/bundler\/|^<internal:/.test(path)) return { language: "ruby", library: true, origin: "ruby" }
  return { language: "ruby", library: false, origin: path }
}

const phpFrame = (line: string, path: string | undefined): Omit<FrameSpan, "start" | "end"> => {
  if (path === undefined) {
    return line.includes("[internal function]") ? { language: "php", library: true, origin: "php" } : { language: "php", library: false, origin: "{main}" }
  }
  const vendor = /[/\\]vendor[/\\](.*)$/.exec(path)
  if (vendor !== null) {
    // Composer packages live in vendor/<vendor>/<package>/; its own files sit in vendor/.
    const parts = vendor[1]!.split(/[/\\]/)
    return { language: "php", library: true, origin: parts.length > 2 ? `${parts[0]}/${parts[1]}` : "vendor" }
  }
  return { language: "php", library: false, origin: path }
}

const indentOf = (line: string): number => {
  let i = 0
  while (i < line.length && (line[i] === " " || line[i] === "\t")) i++
  return i
}

const isBlank = (line: string): boolean => indentOf(line) === line.length

/**
 * The frames among `lines[from, to)`, in order and never overlapping. Lines between them
 * (exception lines, "Caused by:", goroutine headers, prose) are not frames.
 */
export const scanFrames = (lines: ReadonlyArray<string>, from = 0, to = lines.length): Array<FrameSpan> => {
  const spans: Array<FrameSpan> = []
  let previousNonBlank = ""
  for (let i = from; i < to; ) {
    const line = lines[i]!
    const span = line.length <= MAX_FRAME_CHARS ? frameAt(lines, i, to, spans.at(-1), previousNonBlank) : undefined
    if (span === undefined) {
      if (!isBlank(line)) previousNonBlank = line
      i++
      continue
    }
    spans.push(span)
    previousNonBlank = lines[span.end - 1]!
    i = span.end
  }
  return spans
}

const frameAt = (
  lines: ReadonlyArray<string>,
  i: number,
  to: number,
  previous: FrameSpan | undefined,
  previousNonBlank: string,
): FrameSpan | undefined => {
  const line = lines[i]!
  const next = i + 1 < to ? lines[i + 1]! : undefined
  // Go: a function line, then its file line.
  if (next !== undefined && next.includes(".go:")) {
    const file = GO_FILE.exec(next)
    const name = file === null ? undefined : goFunction(line)
    if (name !== undefined) return { start: i, end: i + 2, ...goFrame(name, file![1]!) }
  }
  const indent = indentOf(line)
  const first = line.charCodeAt(indent)
  if (first === 0x61 /* a */) {
    const at = atFrame(line)
    return at === undefined ? undefined : { start: i, end: i + 1, ...at }
  }
  if (first === 0x46 /* F */) {
    const py = PY_FRAME.exec(line)
    if (py === null) return undefined
    // The source line and the caret lines Python prints under a frame are deeper-indented.
    let end = i + 1
    while (end < to && end < i + 8 && !isBlank(lines[end]!) && indentOf(lines[end]!) > py[1]!.length && !PY_FRAME.test(lines[end]!)) end++
    return { start: i, end, ...pythonFrame(py[2]!) }
  }
  if (first >= 0x30 && first <= 0x39 && indent > 0) {
    const rust = RUST_SYMBOL.exec(line)
    if (rust === null) return undefined
    let end = i + 1
    while (end < to && RUST_AT.test(lines[end]!)) end++
    // A numbered line is a Rust frame when a location follows it or when it continues a backtrace.
    const inBacktrace =
      end > i + 1 || (previous !== undefined && previous.language === "rust" && previous.end === i) || previousNonBlank.trim() === "stack backtrace:"
    if (!inBacktrace) return undefined
    const location = end > i + 1 ? lines[i + 1]!.trim().slice(3) : undefined
    return { start: i, end, ...rustFrame(rust[1]!, location) }
  }
  if (line.includes(":in ")) {
    const ruby = RUBY_FRAME.exec(line)
    if (ruby !== null) return { start: i, end: i + 1, ...rubyFrame(ruby[1]!) }
  }
  if (first === 0x23 /* # */) {
    const php = PHP_FRAME.exec(line)
    if (php !== null) return { start: i, end: i + 1, ...phpFrame(line, php[1]) }
  }
  return undefined
}

/**
 * Python lists the outermost call first and the failing one last; every other runtime prints
 * the failing frame first.
 */
export const failingFrameLast = (language: FrameLanguage): boolean => language === "python"

/** A cheap test for text that may hold frames: decides whether a block is worth scanning. */
export const MAY_HOLD_FRAMES = /^[ \t]*(?:at \S|File "|from \S+:\d+:in |#\d+ )|\.go:\d+|^[ \t]+\d+: \S|\.rb:\d+:in /m
