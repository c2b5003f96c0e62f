import { afterAll, describe, expect, test } from "bun:test"
import { resolve } from "node:path"
import { Effect } from "effect"
import { BUILT_IN_STAGES } from "../src/pipeline/registry.ts"
import { loadPlugins, runRequestHooks } from "../src/plugins/index.ts"
import type { ProxyRequest } from "../src/sdk/index.ts"
import { redeemAll, withStore } from "../test/support/pipeline.ts"
import { redactText } from "./redact-secrets.ts"

describe("masks", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["AWS access key id", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "aws_access_key_id = [REDACTED:aws-access-key-id]"],
    ["AWS session key id", '"AccessKeyId": "ASIAY34FZKBOKMUTVV7A"', '"AccessKeyId": "[REDACTED:aws-access-key-id]"'],
    ["AWS secret key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "aws_secret_access_key = [REDACTED:aws-secret-access-key]"],
    ["AWS secret key (JSON)", '"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"', '"SecretAccessKey": "[REDACTED:aws-secret-access-key]"'],
    ["GitHub token", "remote: https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com", "remote: https://[REDACTED:github-token]@github.com"],
    ["GitHub app token", "token ghs_0123456789abcdefghijABCDEFGHIJ0123456789", "token [REDACTED:github-token]"],
    ["GitHub fine-grained", "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV", "[REDACTED:github-token]"],
    ["Slack", "SLACK_BOT=xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx", "SLACK_BOT=[REDACTED:slack-token]"],
    ["Google", "https://maps.googleapis.com/maps/api/js?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&v=3", "https://maps.googleapis.com/maps/api/js?key=[REDACTED:google-api-key]&v=3"],
    ["Stripe", "Stripe.api_key = sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe.api_key = [REDACTED:stripe-key]"],
    ["Anthropic", "x-api-key: sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123456789-_abcdefgh", "x-api-key: [REDACTED:anthropic-key]"],
    ["OpenAI", "OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "OPENAI_API_KEY=[REDACTED:openai-key]"],
    [
      "JWT",
      "id_token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
      "id_token [REDACTED:jwt]",
    ],
    ["private key", "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nQyNTUxOQAAACDx\n-----END OPENSSH PRIVATE KEY-----\ndone", "key:\n[REDACTED:private-key]\ndone"],
    ["private key in JSON", '{"key": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEA\\n-----END RSA PRIVATE KEY-----\\n"}', '{"key": "[REDACTED:private-key]\\n"}'],
    ["Authorization header", "curl -H 'Authorization: Bearer abcdef0123456789abcdef' https://api", "curl -H 'Authorization: Bearer [REDACTED:authorization]' https://api"],
    ["basic auth", "Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED:authorization]"],
    ["URL password", "DATABASE_URL=postgres://admin:p4ssw0rd@db.internal:5432/app", "DATABASE_URL=postgres://admin:[REDACTED:url-password]@db.internal:5432/app"],
    ["password=", "mysql -u root --password=hunter2 -e 'select 1'", "mysql -u root --password=[REDACTED:password] -e 'select 1'"],
    ["env file", 'DB_PASSWORD="correct horse battery"\nSESSION_SECRET=f00b4r', 'DB_PASSWORD="[REDACTED:password]"\nSESSION_SECRET=[REDACTED:secret]'],
    ["query string", "GET /callback?code=42&access_token=ya29.a0AfH6SM&state=x", "GET /callback?code=42&access_token=[REDACTED:token]&state=x"],
    ["string literal", 'client = Client(api_key="live-9f8e7d6c5b4a")', 'client = Client(api_key="[REDACTED:api-key]")'],
    ["JSON field", '{"user": "ann", "password": "s3cr3t!", "refresh_token": "1//0gXyz"}', '{"user": "ann", "password": "[REDACTED:password]", "refresh_token": "[REDACTED:token]"}'],
    ["YAML key", "db:\n  host: db.internal\n  password: hunter2\n", "db:\n  host: db.internal\n  password: [REDACTED:password]\n"],
  ]
  for (const [what, input, expected] of cases) test(what, () => expect(redactText(input)).toBe(expected))
})

describe("leaves alone", () => {
  const untouched: ReadonlyArray<readonly [string, string]> = [
    ["git SHAs", "commit 3f9a1c2b7d4e5f60718293a4b5c6d7e8f9012345\nMerge: 1a2b3c4 5d6e7f8\n5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e refs/heads/main"],
    ["UUIDs", "request 123e4567-e89b-12d3-a456-426614174000 done; trace_id=4bf92f3577b34da6a3ce929d0e0e4736"],
    [
      "base64 in ordinary JSON",
      '{"data":"SGVsbG8gd29ybGQhIFRoaXMgaXMgYmFzZTY0IGVuY29kZWQgZGF0YQ==","avatar":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==","integrity":"sha512-2dZx0wKbG+YJ0yX1/DO3Rp2q7qI8mHn7oXc3b9Qm7W0d0wS2G3fCMq7bZAbR8l7yXaOYp8nQxS5y6Eqv7VjrwQ=="}',
    ],
    ["token counts and names", '{"input_tokens": 1200, "max_tokens": 4096, "token_type": "bearer", "tokens": 5}\nmax_tokens=100 num_tokens: 7'],
    ["code that handles secrets", "if password == expected:\n    self.token = token\n    api_key = os.environ[\"API_KEY\"]\nconst secret = readSecret()"],
    ["placeholders and booleans", "password=${DB_PASSWORD} token=<your token> secret=*** require_password=true\napi_key: {{ .Values.key }}"],
    ["masked text, masked again", "password=[REDACTED:password] Authorization: Bearer [REDACTED:jwt]"],
    ["prose", "Rotate the token before the password expires; the secret santa starts at 5."],
  ]
  for (const [what, input] of untouched) test(what, () => expect(redactText(input)).toBe(input))
})

test("is deterministic and linear: a 2 MB block in well under a second", () => {
  const line = 'ts=2024-05-01T10:00:00Z level=info msg="request served" user=ann trace=4bf92f3577b34da6a3ce929d0e0e4736 AKIAIOSFODNN7EXAMPLE\n'
  const input = line.repeat(Math.ceil((2 * 1024 * 1024) / line.length))
  const started = performance.now()
  const once = redactText(input)
  expect(performance.now() - started).toBeLessThan(1_000)
  expect(redactText(input)).toBe(once)
  expect(once).not.toContain("AKIA")
})

describe("as a plugin", () => {
  const store = withStore()
  const file = resolve(import.meta.dir, "redact-secrets.ts")
  const loading = Effect.runPromise(loadPlugins({ cwd: import.meta.dir, env: {}, explicit: [file], timeoutMs: 5_000, disabled: [] }))
  afterAll(async () => {
    ;(await loading).close()
    store.cleanup()
  })

  test("masks before any compressor sees the block, and no marker can bring a secret back", async () => {
    const plugins = await loading
    expect(plugins.plugins).toEqual([expect.objectContaining({ name: "redact-secrets", purpose: "redact", hooks: ["block", "request"] })])
    const lines = Array.from({ length: 300 }, (_, i) => `2024-05-01 10:00:${String(i % 60).padStart(2, "0")} INFO worker ${i % 7} polled queue in ${i % 13} ms`)
    lines.splice(120, 0, "2024-05-01 10:02:00 DEBUG env AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    const input = `${lines.join("\n")}\n`
    const { text, summary } = await store.compress(input, { stages: [...plugins.stages.redact, ...BUILT_IN_STAGES], kind: "log" })
    expect(summary.transforms[0]).toBe("redact-secrets")
    expect(summary.transforms.length).toBeGreaterThan(1)
    expect(text).not.toContain("AKIAIOSFODNN7EXAMPLE")
    const originals = await redeemAll(store, text)
    expect(originals.length).toBeGreaterThan(0)
    for (const original of originals) {
      expect(original).not.toContain("AKIAIOSFODNN7EXAMPLE")
      expect(original).not.toContain("wJalrXUtnFEMI")
    }
  })

  test("masks every string of a request's JSON body, keys and other values as they were", async () => {
    const plugins = await loading
    const request: ProxyRequest = {
      provider: "anthropic",
      path: "/v1/messages",
      headers: { "content-type": "application/json" },
      body: {
        model: "claude-sonnet-4-5",
        max_tokens: 1024,
        messages: [
          { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "$ cat .env\nSTRIPE_KEY=sk_live_4eC39HqLyjWDarjtT1zdp7dc\n" }] },
        ],
      },
    }
    const { value, errors } = await Effect.runPromise(runRequestHooks(plugins.requestHooks, request))
    expect(errors).toEqual([])
    expect(value).toEqual({
      ...request,
      body: { ...(request.body as object), messages: [{ role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_01", content: "$ cat .env\nSTRIPE_KEY=[REDACTED:stripe-key]\n" }] }] },
    })
    const clean = { ...request, body: { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "hello" }] } }
    expect((await Effect.runPromise(runRequestHooks(plugins.requestHooks, clean))).value).toEqual(clean)
  })
})
