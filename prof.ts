import { readFileSync } from "node:fs"
import * as C from "./src/compressors/log/compress.ts"
import { LOG_POLICIES } from "./src/compressors/log/policy.ts"
import { detect } from "./src/detect/index.ts"
import { makeTokenizer } from "./src/tokens/index.ts"
import { contentHash } from "./src/store/index.ts"
import { decodeLossless, encodeLossless } from "./src/io/utf8.ts"
const files = process.argv.slice(2)
const tok = makeTokenizer("o200k_base"); tok.count("warm")
const T: Record<string, number> = {}
const add = (k: string, ms: number) => (T[k] = (T[k] ?? 0) + ms)
let bytes = 0
for (let rep = 0; rep < 4; rep++) for (const f of files) {
  const raw = readFileSync(f); const m = rep === 3; if (m) bytes += raw.length
  let t = performance.now(); const text = decodeLossless(raw); if (m) add("decode", performance.now() - t)
  t = performance.now(); detect(text); if (m) add("detect", performance.now() - t)
  t = performance.now(); const out = C.compressLog({ text, policy: LOG_POLICIES.balanced, maxTokens: undefined, first: true, last: true }, C.newLogState(), { marker: (s) => `[… ${s} · retrieve 0123456789ab:1-2]`, countTokens: tok.count }); if (m) add("compressLog", performance.now() - t)
  t = performance.now(); tok.count(out); if (m) add("count(out)", performance.now() - t)
  t = performance.now(); tok.estimate(text); if (m) add("estimate(in)", performance.now() - t)
  t = performance.now(); contentHash(text); if (m) add("hash", performance.now() - t)
  t = performance.now(); Bun.zstdCompressSync(encodeLossless(text), { level: 3 }); if (m) add("zstd", performance.now() - t)
  t = performance.now(); encodeLossless(out); if (m) add("encode(out)", performance.now() - t)
}
let total = 0
for (const [k, v] of Object.entries(T)) { total += v; console.log(k.padEnd(14), (v * 100000 / bytes).toFixed(2), "ms/100KB") }
console.log("total".padEnd(14), (total * 100000 / bytes).toFixed(2))
