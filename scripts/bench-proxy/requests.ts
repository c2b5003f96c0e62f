/**
 * Request bodies for the proxy benchmark, shaped like Claude Code's and an OpenAI chat client's
 * (all text made up here): a system prompt and 24 tool definitions (~60 KB) ahead of a few turns,
 * and build logs of ~50 KB whose lines vary with a seed, so each seed gives content the proxy has
 * never seen.
 */

/** A small seeded generator (mulberry32): the same seed gives the same bodies on every run. */
export const seeded = (seed: number) => {
  let s = seed >>> 0
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => Math.floor(next() * n)
  const pick = <A>(items: ReadonlyArray<A>): A => items[int(items.length)]!
  const hex = (n: number) => Array.from({ length: n }, () => "0123456789abcdef"[int(16)]).join("")
  return { next, int, pick, hex }
}

const WORDS = (
  "lorem ipsum benchmark text made up for headroom measuring proxy latency with bodies as large as a coding " +
  "agent sends every field here is filler chosen to have ordinary English token statistics numbers like forty two " +
  "and words such as parser cache queue socket buffer schema widget gadget river mountain orange violet"
).split(" ")

const prose = (random: ReturnType<typeof seeded>, chars: number): string => {
  const out: Array<string> = []
  let size = 0
  while (size < chars) {
    const sentence = Array.from({ length: 8 + random.int(14) }, () => random.pick(WORDS)).join(" ")
    const line = `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`
    out.push(line)
    size += line.length + 1
  }
  return out.join(random.next() < 0.2 ? "\n\n" : " ")
}

const TOOL_NAMES = [
  "Bash", "Read", "Edit", "Write", ...Array.from({ length: 20 }, (_, i) => `bench_tool_${String(i + 1).padStart(2, "0")}`),
]

const tools = (random: ReturnType<typeof seeded>) =>
  TOOL_NAMES.map((name) => ({
    name,
    description: prose(random, 1700),
    input_schema: {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: Object.fromEntries(
        Array.from({ length: 3 + random.int(4) }, (_, i) => [
          `${random.pick(["path", "command", "timeout", "pattern", "limit", "offset", "description", "prompt"])}_${i}`,
          { type: random.pick(["string", "number", "boolean"]), description: prose(random, 80) },
        ]),
      ),
      required: [],
      additionalProperties: false,
    },
  }))

/** Lines of a file as Claude Code's Read returns them: `N\t…`. */
const numberedFile = (random: ReturnType<typeof seeded>, lines: number) =>
  Array.from({ length: lines }, (_, i) => `${String(i + 1).padStart(6)}\t${"  ".repeat(random.int(4))}${prose(random, 30 + random.int(50))}`).join("\n")

/** The turns every Anthropic body starts with: nothing in them is compressed (the Read is excluded, the Bash result short). */
const anthropicPrefix = (random: ReturnType<typeof seeded>) => [
  {
    role: "user",
    content: [
      { type: "text", text: `<system-reminder>\n${prose(random, 300)}\n</system-reminder>` },
      { type: "text", text: "The build fails on CI since yesterday; find out why and fix it." },
    ],
  },
  { role: "system", content: prose(random, 2500) },
  {
    role: "assistant",
    content: [
      { type: "text", text: "Let me look at the project first." },
      { type: "tool_use", id: "toolu_bench_01", name: "Bash", input: { command: "git log --oneline -5", description: "Recent commits" } },
    ],
  },
  {
    role: "user",
    content: [
      {
        type: "tool_result",
        tool_use_id: "toolu_bench_01",
        content: "4f1c2ab Bump netty to 4.1.118\n9e03d71 Retry flaky upload test\n1aa7c90 Split the ingest module\n77b2e10 CI: cache ~/.m2\n0c5d3f8 Release 1.4.1",
      },
    ],
  },
  {
    role: "assistant",
    content: [{ type: "tool_use", id: "toolu_bench_02", name: "Read", input: { file_path: "/repo/ingest/src/main/java/com/acme/ingest/Uploader.java" } }],
  },
  { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_bench_02", content: numberedFile(random, 60) }] },
]

const LEVELS = ["INFO", "INFO", "INFO", "INFO", "DEBUG", "WARNING"]
const MODULES = ["ingest", "api", "core", "storage", "auth", "billing", "search", "notifier"]

/**
 * A Maven-style build log of about `bytes` bytes that fails in a test: compiling, downloads,
 * test classes with timings, warnings, then the failure with its stack trace. Every line carries
 * values drawn from `seed` (timestamps, sizes, durations, hashes), so logs of two seeds share no
 * line and none is served from the proxy's memory.
 */
export const buildLog = (seed: number, bytes = 50_000): string => {
  const random = seeded(seed * 7919 + 17)
  const lines: Array<string> = []
  let size = 0
  let clock = 1_700_000_000_000 + seed * 3_600_000
  const push = (line: string) => {
    lines.push(line)
    size += line.length + 1
  }
  const stamp = () => {
    clock += random.int(900)
    return new Date(clock).toISOString().slice(11, 23)
  }
  push(`[INFO] Scanning for projects... (build ${random.hex(12)})`)
  while (size < bytes - 2_500) {
    const module = random.pick(MODULES)
    const roll = random.next()
    if (roll < 0.3) {
      push(`${stamp()} [${random.pick(LEVELS)}] Compiling ${1 + random.int(80)} source files to /repo/${module}/target/classes (${random.hex(7)})`)
    } else if (roll < 0.5) {
      const artifact = `${random.pick(["netty-codec", "jackson-core", "guava", "slf4j-api", "commons-io", "okhttp"])}-${random.int(5)}.${random.int(20)}.${random.int(10)}`
      push(`${stamp()} [INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/${module}/${artifact}.jar (${random.int(900)} kB at ${random.int(9000)} kB/s)`)
    } else if (roll < 0.8) {
      push(
        `${stamp()} [INFO] Tests run: ${1 + random.int(40)}, Failures: 0, Errors: 0, Skipped: ${random.int(3)}, Time elapsed: ${(random.next() * 9).toFixed(3)} s - in com.acme.${module}.${random.pick(["Upload", "Parse", "Store", "Route", "Cache"])}${random.int(500)}Test`,
      )
    } else if (roll < 0.92) {
      push(`${stamp()} [WARNING] /repo/${module}/src/main/java/com/acme/${module}/Handler${random.int(300)}.java:[${random.int(400)},${random.int(80)}] unchecked conversion of ${random.pick(["List", "Map", "Set"])}<${random.hex(4)}>`)
    } else {
      push(`${stamp()} [DEBUG] worker-${random.int(16)} heap=${random.int(4000)}MB gc=${random.int(90)}ms cache-hits=${random.int(100000)} id=${random.hex(16)}`)
    }
  }
  push(`${stamp()} [ERROR] Tests run: 14, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 3.${random.int(999)} s <<< FAILURE! - in com.acme.ingest.UploaderTest`)
  push(`${stamp()} [ERROR] uploadRetriesOnReset(com.acme.ingest.UploaderTest)  Time elapsed: 1.${random.int(999)} s  <<< FAILURE!`)
  push(`java.lang.AssertionError: expected 3 attempts but was ${4 + random.int(3)} (request ${random.hex(10)})`)
  for (const frame of ["org.junit.Assert.fail(Assert.java:89)", "com.acme.ingest.UploaderTest.uploadRetriesOnReset(UploaderTest.java:142)", "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)"]) {
    push(`\tat ${frame}`)
  }
  push("[INFO] BUILD FAILURE")
  push(`[INFO] Total time:  ${random.int(5)}:${String(random.int(60)).padStart(2, "0")} min`)
  push(`[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project ingest: There are test failures.`)
  return lines.join("\n")
}

export interface BenchBodies {
  /** Claude Code-shaped, streamed, with nothing the proxy compresses. */
  readonly passthrough: Uint8Array
  /** The same, plus a Bash result holding `log`: a build log (fresh per seed). */
  readonly withLog: (log: string) => Uint8Array
  /** The same as `passthrough`, answered as one JSON message rather than a stream. */
  readonly unstreamed: Uint8Array
  /** An OpenAI chat completions body, streamed, nothing to compress. */
  readonly chat: Uint8Array
}

const encoder = new TextEncoder()

export const benchBodies = (): BenchBodies => {
  const random = seeded(1)
  const system = [
    { type: "text", text: "bench-client/1.0 session header" },
    { type: "text", text: "Benchmark assistant: answer about the repository in the working directory.", cache_control: { type: "ephemeral" } },
    { type: "text", text: prose(random, 6000), cache_control: { type: "ephemeral" } },
  ]
  const head = {
    model: "claude-sonnet-4-5",
    max_tokens: 32000,
    system,
    tools: tools(random),
  }
  const prefix = anthropicPrefix(random)
  const tail = {
    metadata: { user_id: `user_${random.hex(64)}_account__session_${random.hex(8)}` },
    thinking: { type: "adaptive" },
    stream: true,
  }
  const anthropic = (messages: ReadonlyArray<unknown>, stream = true) => encoder.encode(JSON.stringify({ ...head, messages, ...tail, stream }))
  const chat = {
    model: "gpt-5.1",
    stream: true,
    stream_options: { include_usage: true },
    messages: [
      { role: "system", content: prose(random, 6000) },
      { role: "user", content: "Why does the build fail?" },
      { role: "assistant", content: null, tool_calls: [{ id: "call_bench_01", type: "function", function: { name: "shell", arguments: '{"command":"git status"}' } }] },
      { role: "tool", tool_call_id: "call_bench_01", content: "On branch main\nnothing to commit, working tree clean" },
    ],
    tools: TOOL_NAMES.slice(0, 12).map((name) => {
      const { description, input_schema } = tools(random)[0]!
      return { type: "function", function: { name: name.toLowerCase(), description, parameters: input_schema } }
    }),
  }
  return {
    passthrough: anthropic(prefix),
    unstreamed: anthropic(prefix, false),
    withLog: (log) =>
      anthropic([
        ...prefix,
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_bench_03", name: "Bash", input: { command: "mvn -B verify", description: "Run the build" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_bench_03", content: log }] },
      ]),
    chat: encoder.encode(JSON.stringify(chat)),
  }
}

/** Headers as Claude Code sends them (the key is a dummy: the mock checks nothing). */
export const ANTHROPIC_HEADERS: Record<string, string> = {
  accept: "application/json",
  "content-type": "application/json",
  "anthropic-version": "2023-06-01",
  "anthropic-beta": "claude-code-20250219,interleaved-thinking-2025-05-14,context-management-2025-06-27",
  "user-agent": "claude-cli/2.1.0 (external, cli)",
  "x-api-key": "sk-ant-bench",
  "x-app": "cli",
}

export const OPENAI_HEADERS: Record<string, string> = {
  accept: "application/json",
  "content-type": "application/json",
  authorization: "Bearer sk-bench",
  "user-agent": "OpenAI/JS 5.0.0",
}
