/**
 * The scripted session both clients run: two prompts, three shell calls.
 *
 *   prompt 1: cat build.log (2,000 lines, two ERROR lines)  → read test-report.txt → answer
 *   prompt 2 (resumed session): grep -n ERROR build.log     → answer
 *
 * build.log is big enough for the proxy to compress and small enough for neither client to cut
 * it first (given the settings in session.ts).
 */
import { writeFileSync } from "node:fs"
import { join } from "node:path"
import type { ClientName } from "./session.ts"
import type { Step } from "./scripted-upstream.ts"

export const ERROR_LINES = [
  "09:41:07.311 ERROR billing-2 POST /charges/7731 502 upstream card processor unavailable",
  "09:41:09.874 ERROR billing-0 retry budget exhausted for charge 7731, giving up",
]

const routes = ["GET /items", "GET /cart", "POST /cart/lines", "GET /orders", "GET /health"]

/** Request lines from four services (2,000 are about 100 KB), the two errors near the end. */
export const buildLog = (count = 2000): string => {
  const lines: Array<string> = []
  for (let i = 0; i < count; i++) {
    if (i === Math.round(count * 0.81)) lines.push(ERROR_LINES[0]!)
    if (i === Math.round(count * 0.85)) lines.push(ERROR_LINES[1]!)
    const seconds = 1800 + Math.floor(i / 4)
    const clock = `09:${String(Math.floor(seconds / 60) % 60).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}.${String((i * 137) % 1000).padStart(3, "0")}`
    lines.push(`${clock} INFO  api-${i % 4} ${routes[i % routes.length]}/${1000 + ((i * 7919) % 9000)} 200 ${3 + ((i * 31) % 140)}ms`)
  }
  return `${lines.join("\n")}\n`
}

export const FAILED_TEST = "FAIL  billing/charge.test.ts > retries a declined charge (5004 ms)"

/** A test runner's report: 600 passing tests and one failure with its assertion. */
export const testReport = (): string => {
  const lines: Array<string> = []
  for (let i = 0; i < 600; i++) {
    const suite = ["cart", "orders", "items", "billing", "auth"][i % 5]
    lines.push(`PASS  ${suite}/case-${String(i).padStart(3, "0")}.test.ts > handles input ${i} (${(i * 13) % 90} ms)`)
    if (i === 433) {
      lines.push(FAILED_TEST)
      lines.push("  AssertionError: expected status 'retrying' but got 'failed'")
      lines.push("    at billing/charge.test.ts:88:21")
    }
  }
  lines.push("Tests: 1 failed, 600 passed, 601 total")
  return `${lines.join("\n")}\n`
}

export const FINAL_ANSWERS = [
  "The build failed: charge 7731 got a 502 from the card processor — résumé ✓, retries exhausted.",
  "Both ERROR lines are from billing (2 and 0) at 09:41 — 🔥 charge 7731.",
]

export const PROMPTS = ["Why did the nightly build fail? Look at build.log.", "Which lines were errors?"]

/** Call ids: the first one's output is the big log. */
export const CALL_IDS = { buildLog: "call_e2e_build_log_01", report: "call_e2e_report_02", grep: "call_e2e_grep_03" }

/** Writes the files into `work` and returns the script for `client`. */
export const scenario = (client: ClientName, work: string): Array<Step> => {
  writeFileSync(join(work, "build.log"), buildLog())
  writeFileSync(join(work, "test-report.txt"), testReport())
  const shell = (id: string, command: string, preface?: string): Step =>
    client === "claude"
      ? {
          kind: "tool",
          id: callId(client, id),
          name: "Bash",
          input: { command, description: "Inspect the build output" },
          ...(preface === undefined ? {} : { preface }),
        }
      : { kind: "tool", id, name: "exec_command", input: { cmd: command, max_output_tokens: 60_000 } }
  // Claude Code reads the report with its Read tool (numbered lines), an exact-content tool the
  // proxy leaves alone by default; Codex has only the shell.
  const report: Step =
    client === "claude"
      ? { kind: "tool", id: callId(client, CALL_IDS.report), name: "Read", input: { file_path: join(work, "test-report.txt") } }
      : shell(CALL_IDS.report, `cat ${join(work, "test-report.txt")}`)
  return [
    shell(CALL_IDS.buildLog, `cat ${join(work, "build.log")}`, "Let me read the build log."),
    report,
    { kind: "text", text: FINAL_ANSWERS[0]! },
    shell(CALL_IDS.grep, `grep -n ERROR ${join(work, "build.log")}`),
    { kind: "text", text: FINAL_ANSWERS[1]! },
  ]
}

export const CODE_MODE_ANSWER = "Charge 7731 failed twice — see the two ERROR lines ✓"

/**
 * Codex's code mode (models that get one freeform `exec` tool running JavaScript): one prompt,
 * two scripts. Their output comes back as `custom_tool_call_output` with a list of text parts.
 * Code mode cuts script output near 10,000 tokens itself, so this log is 600 lines.
 */
export const codeModeScenario = (work: string): Array<Step> => {
  writeFileSync(join(work, "build.log"), buildLog(600))
  const script = (cmd: string) => `const r = await tools.exec_command({ cmd: ${JSON.stringify(cmd)} });\ntext(r.output);`
  return [
    { kind: "tool", id: CALL_IDS.buildLog, name: "exec", input: script(`cat ${join(work, "build.log")}`) },
    { kind: "tool", id: CALL_IDS.grep, name: "exec", input: script(`grep -c ERROR ${join(work, "build.log")}`) },
    { kind: "text", text: CODE_MODE_ANSWER },
  ]
}

/** The call id a client's step carries (Claude's ids are `toolu_…`). */
export const callId = (client: ClientName, id: string) => (client === "claude" ? `toolu_${id.slice(5)}` : id)
