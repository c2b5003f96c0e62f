/**
 * Example plugin: masks credentials before content leaves the machine. Cloud keys, tokens, JWTs,
 * private keys, Authorization headers and `password=`-style assignments become
 * `[REDACTED:<type>]`, in every block headroom compresses and in the JSON body of every request
 * the proxy forwards.
 *
 * Purpose "redact": it runs before every other stage, its change is kept even when it costs
 * tokens, and what it masks is never stored (nothing can retrieve a secret from a marker).
 * Deterministic, and linear in the size of the text. Each pattern needs the shape of a real
 * secret (a known prefix, or a name like `password` before it), so git SHAs, UUIDs and base64
 * in ordinary JSON are left alone.
 */
import type { PluginSpec } from "../src/sdk/index.ts"

interface Pattern {
  /** The mask's type; generic assignments take it from the name (group `name`). */
  readonly type?: string
  /** The secret is the whole match, or its last part: the group `secret`, which ends the match. */
  readonly regex: RegExp
}

/** The end of a token: the next character can't continue it. */
const END = String.raw`(?![A-Za-z0-9_-])`
/** Not a placeholder (`$VAR`, `<token>`, `***`, `{{ secret }}`) nor a value already masked. */
const REAL = String.raw`(?!\$|<|\*{3}|%|\{\{|\[REDACTED)`
/** Names whose value is a secret: `password`, `DB_PASSWORD`, `client_secret`, `GITHUB_TOKEN`, `api-key`… */
const NAME = String.raw`(?<name>password|passwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key)`
/** A quoted string, its content being the secret. */
const QUOTED = String.raw`(?<q>["'])${REAL}(?<secret>(?:\\.|(?!\k<q>)[^\\\n]){1,1000})(?=\k<q>)`

// Order matters: specific shapes first, so a JWT in an Authorization header is labelled a JWT.
const PATTERNS: ReadonlyArray<Pattern> = [
  { type: "private-key", regex: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----/g },
  { type: "aws-access-key-id", regex: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  { type: "github-token", regex: new RegExp(String.raw`\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})${END}`, "g") },
  { type: "slack-token", regex: new RegExp(String.raw`\bxox[baprs]-[A-Za-z0-9-]{10,250}${END}`, "g") },
  { type: "google-api-key", regex: new RegExp(String.raw`\bAIza[0-9A-Za-z_-]{35}${END}`, "g") },
  { type: "stripe-key", regex: new RegExp(String.raw`\b[sr]k_live_[0-9A-Za-z]{24,247}${END}`, "g") },
  { type: "anthropic-key", regex: new RegExp(String.raw`\bsk-ant-[A-Za-z0-9_-]{20,250}${END}`, "g") },
  { type: "openai-key", regex: new RegExp(String.raw`\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,250}${END}`, "g") },
  { type: "jwt", regex: new RegExp(String.raw`\beyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{10,}${END}`, "g") },
  // https://user:secret@host
  { type: "url-password", regex: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@"'<>[\]]{1,100}:(?<secret>[^\s/@"'<>[\]]{1,200})(?=@)/gi },
  { type: "aws-secret-access-key", regex: /(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?(?<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi },
  // Authorization: Bearer …, -H "Authorization: token …", bearer …
  {
    type: "authorization",
    regex: new RegExp(String.raw`(?:\bauthorization["']?\s*[:=]\s*["']?(?:bearer|basic|token)\s+|\bbearer\s+)${REAL}(?<secret>[A-Za-z0-9._~+/=-]{8,1000})`, "gi"),
  },
  // password = "…", "api_key": "…", token: '…' (a quoted value, in code, JSON or YAML)
  { regex: new RegExp(String.raw`${NAME}["']?\s*[:=]\s*${QUOTED}`, "gi") },
  // password=…, --token=…, ?access_token=…& (no spaces around "=": shell, env files, URLs, flags)
  { regex: new RegExp(String.raw`${NAME}=(?!=)${REAL}(?!(?:true|false|null|none)\b)(?<secret>[^\s"'&;,]{1,1000})`, "gi") },
  // password: … as a YAML key, alone on its line
  { regex: new RegExp(String.raw`^[ \t]*(?:- )?[A-Za-z0-9_-]*?${NAME}:[ \t]+${REAL}(?!(?:true|false|null|none|~)\s*$)(?<secret>[^\s"'#][^\s#]{0,1000})[ \t]*$`, "gim") },
]

/** What a generic secret is called in its mask, from the name it was assigned to. */
const typeOfName = (name: string): string => {
  const n = name.toLowerCase().replace(/[_-]/g, "")
  return n === "passwd" ? "password" : n === "apikey" ? "api-key" : n === "accesskey" ? "access-key" : n === "privatekey" ? "private-key" : n
}

export const redactText = (text: string): string => {
  let out = text
  for (const { type, regex } of PATTERNS) {
    out = out.replace(regex, (...args: Array<unknown>) => {
      const match = args[0] as string
      const groups = args.at(-1) as Record<string, string | undefined> | undefined
      const label = type ?? typeOfName(groups?.name ?? "secret")
      const secret = groups?.secret
      if (secret === undefined) return `[REDACTED:${label}]`
      // The YAML form may end in spaces after the value; the value is what goes.
      const at = match.lastIndexOf(secret)
      return `${match.slice(0, at)}[REDACTED:${label}]${match.slice(at + secret.length)}`
    })
  }
  return out
}

/** Masks every string in a JSON value, in place (keys left alone); iterative, so deep nesting can't overflow the stack. */
export const redactJson = (root: { value: unknown }): boolean => {
  const stack: Array<Record<string, unknown>> = [root]
  let changed = false
  while (stack.length > 0) {
    const node = stack.pop()!
    for (const key of Object.keys(node)) {
      const child = node[key]
      if (typeof child === "string") {
        const masked = redactText(child)
        if (masked !== child) {
          node[key] = masked
          changed = true
        }
      } else if (typeof child === "object" && child !== null) stack.push(child as Record<string, unknown>)
    }
  }
  return changed
}

const redactSecrets: PluginSpec = {
  name: "redact-secrets",
  description: "masks cloud keys, tokens, JWTs, private keys and password assignments as [REDACTED:<type>]",
  purpose: "redact",
  block: {
    kinds: "any",
    run: (block) => {
      const text = redactText(block.text)
      return text === block.text ? undefined : { ...block, text }
    },
  },
  request: (request) => {
    // The body arrived on this thread as a copy: masking it in place touches nothing else.
    const body = { value: request.body }
    return redactJson(body) ? { ...request, body: body.value } : undefined
  },
}

export default redactSecrets
