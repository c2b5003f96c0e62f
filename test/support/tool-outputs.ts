/**
 * Large tool outputs for the proxy tests, generated deterministically (no clock, no randomness):
 * what an agent's shell tool returns and the proxy should compress. Each holds a few lines a
 * reader must not lose, listed in `needles`.
 */

export interface ToolOutput {
  readonly text: string
  /** Lines that must survive compression. */
  readonly needles: ReadonlyArray<string>
}

const MODULES = ["core", "net", "storage", "auth", "render", "cli", "parser", "cache"]

/** A Maven build: `[INFO]` progress lines, a few warnings, one compile error and the failure summary. */
export const buildLog = (lines = 2000, seed = 0): ToolOutput => {
  const mod = MODULES[seed % MODULES.length]!
  const error = `[ERROR] /srv/app/${mod}/src/main/java/app/Scheduler.java:[${212 + seed},17] cannot find symbol: method drainQueue()`
  const out: Array<string> = [`[INFO] Scanning for projects... (seed ${seed})`, "[INFO] Reactor Build Order:"]
  const body = lines - 6
  for (let i = 1; i <= body; i++) {
    const m = MODULES[(i * 7 + seed) % MODULES.length]!
    if (i % 397 === 0) out.push(`[WARNING] /srv/app/${m}/src/main/java/app/Unit${i % 53}.java:[${(i % 300) + 10},5] unchecked call to add(E) as a member of raw type List`)
    else out.push(`[INFO] Compiling ${m}/src/main/java/app/Unit${i % 53}.java (${i}/${body})`)
  }
  out.push(error, "[INFO] BUILD FAILURE", `[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.13.0:compile on project ${mod}: Compilation failure`, `[INFO] Total time: ${12 + seed}.4 s`)
  return { text: out.join("\n"), needles: [error, "[INFO] BUILD FAILURE"] }
}

/** A test runner's output: many passing tests, two failures with their assertion messages. */
export const testRun = (tests = 1200, seed = 0): ToolOutput => {
  const out: Array<string> = [`running ${tests} tests`]
  const failures: Array<string> = []
  for (let i = 0; i < tests; i++) {
    const name = `tests::${MODULES[(i + seed) % MODULES.length]}::case_${i.toString().padStart(4, "0")}`
    if (i === 311 + seed || i === 907) {
      out.push(`test ${name} ... FAILED`)
      failures.push(`---- ${name} stdout ----`, `thread '${name}' panicked at src/lib.rs:${40 + i % 17}:9:`, `assertion \`left == right\` failed\n  left: ${i}\n right: ${i + 1}`)
    } else out.push(`test ${name} ... ok`)
  }
  out.push("", "failures:", "", ...failures, "", `test result: FAILED. ${tests - 2} passed; 2 failed; 0 ignored; finished in 4.21s`)
  return { text: out.join("\n"), needles: [`test result: FAILED. ${tests - 2} passed; 2 failed; 0 ignored; finished in 4.21s`] }
}

/** A server log with multi-byte text in it (accents, CJK, emoji), so byte offsets and UTF-8 matter. */
export const serviceLog = (lines = 1500, seed = 0): ToolOutput => {
  const fatal = `2026-01-01T10:${String(seed % 60).padStart(2, "0")}:00.000Z ERROR payment-svc: échec du débit — 取引失敗 🚨 order=${90210 + seed}`
  const out: Array<string> = []
  for (let i = 0; i < lines; i++) {
    const ts = `2026-01-01T09:${String(Math.floor(i / 60) % 60).padStart(2, "0")}:${String(i % 60).padStart(2, "0")}.${String(i % 1000).padStart(3, "0")}Z`
    if (i === Math.floor(lines * 0.7)) out.push(fatal)
    else out.push(`${ts} INFO  payment-svc: requête traitée — 処理済み id=${(i * 31 + seed) % 10007} latency_ms=${(i * 13) % 97}`)
  }
  return { text: out.join("\n"), needles: [fatal] }
}
