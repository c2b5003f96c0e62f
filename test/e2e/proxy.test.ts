/**
 * `headroom proxy` as users start it: the compiled binary alone in a temp directory, a real
 * upstream on loopback, the listening line, the refusals that say what to do, a clean stop, and
 * markers that `headroom retrieve` redeems from the store the proxy wrote.
 */
import { afterAll, expect, test } from "bun:test"
import { join } from "node:path"
import { useBinary } from "../support/binary.ts"

const binary = useBinary()

const bodies: Array<string> = []
const upstream = Bun.serve({
  port: 0,
  fetch: async (req) => {
    bodies.push(await req.text())
    return Response.json({ id: "msg_1", type: "message", role: "assistant", content: [{ type: "text", text: "ok" }], usage: { input_tokens: 10, output_tokens: 1 } })
  },
})
afterAll(() => upstream.stop(true))

/** Starts the binary's proxy; resolves once it prints where it listens. */
const startProxy = async (args: Array<string>, env: Record<string, string> = {}) => {
  const { dir, bin } = binary()
  const child = Bun.spawn([bin, "proxy", ...args], {
    cwd: dir,
    env: { PATH: "/usr/bin:/bin", HOME: dir, HEADROOM_HOME: join(dir, "home"), ...env },
    stderr: "pipe",
    stdout: "pipe",
  })
  const reader = child.stderr.getReader()
  let stderr = ""
  const deadline = Date.now() + 10_000
  while (!/listening on (http:\/\/\S+)/.test(stderr) && Date.now() < deadline) {
    const { done, value } = await reader.read()
    if (done) break
    stderr += new TextDecoder().decode(value)
  }
  reader.releaseLock()
  const url = /listening on (http:\/\/\S+)/.exec(stderr)?.[1]
  return { child, url, stderr }
}

const buildLog = Array.from({ length: 1500 }, (_, i) => (i === 900 ? "FATAL disk full on /var/lib/data" : `INFO request ${i % 50} served in ${i % 9} ms`)).join("\n")

test("listens, compresses, stops cleanly on SIGTERM; the CLI retrieves what the proxy stored", async () => {
  const { child, url, stderr } = await startProxy(["--port", "0", "--anthropic-url", `http://127.0.0.1:${upstream.port}`])
  expect(stderr).toContain("compressing tool results")
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  const body = JSON.stringify({
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    messages: [
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "tail app.log" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: buildLog }] },
    ],
  })
  const res = await fetch(`${url}/v1/messages`, { method: "POST", headers: { "x-api-key": "k" }, body })
  expect(res.status).toBe(200)
  const sent = bodies.at(-1)!
  expect(sent).toContain("FATAL disk full on /var/lib/data")
  const hash = /headroom retrieve ([0-9a-f]{12})/.exec(sent)?.[1]
  expect(hash).toBeDefined()
  child.kill("SIGTERM")
  expect(await child.exited).toBe(0)
  const retrieved = binary().run(["retrieve", hash!])
  expect(retrieved.code).toBe(0)
  expect(retrieved.stdout).toBe(buildLog)
})

test("a port already in use gets a message that says what to do", async () => {
  const holder = Bun.serve({ port: 0, fetch: () => new Response("x") })
  try {
    const result = binary().run(["proxy", "--port", String(holder.port)])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`port ${holder.port} on 127.0.0.1 is already in use`)
    expect(result.stderr).toContain("--port")
  } finally {
    holder.stop(true)
  }
})

test("a non-loopback address without a token is refused unless --allow-unauthenticated", async () => {
  const refused = binary().run(["proxy", "--host", "0.0.0.0", "--port", "0"])
  expect(refused.code).toBe(1)
  expect(refused.stderr).toContain("refusing to listen on 0.0.0.0 without a token")
  expect(refused.stderr).toContain("--auth-token")
  const { child, url } = await startProxy(["--host", "0.0.0.0", "--port", "0", "--allow-unauthenticated"])
  expect(url).toBeDefined()
  child.kill("SIGINT")
  expect(await child.exited).toBe(0)
})
