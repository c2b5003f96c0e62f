import { readFileSync } from "node:fs"
import * as C from "./src/compressors/log/compress.ts"
import { LOG_POLICIES } from "./src/compressors/log/policy.ts"
import { makeTokenizer } from "./src/tokens/index.ts"
import { contentHash } from "./src/store/index.ts"
import { decodeLossless, encodeLossless } from "./src/io/utf8.ts"
import { Segmenter } from "./src/pipeline/segmenter.ts"
import { detect } from "./src/detect/index.ts"
const tok = makeTokenizer("o200k_base"); tok.count("warm")
const T: Record<string, number> = {}
const add = (k: string, ms: number) => (T[k] = (T[k] ?? 0) + ms)
const seg = new Segmenter(); const state = C.newLogState(); let bytes = 0
const data = readFileSync(process.argv[2]!)
const segs = [...seg.push(data), ...seg.end()]
const t0 = performance.now()
for (const s of segs) {
  bytes += s.bytes.length
  let t = performance.now(); const text = decodeLossless(s.bytes); add("decode", performance.now() - t)
  if (s.index === 0) { t = performance.now(); detect(text); add("detect", performance.now() - t) }
  t = performance.now(); const a = C.__analyse(text, state); add("analyse", performance.now() - t)
  t = performance.now(); const p = C.__choose(a, { text, policy: LOG_POLICIES.balanced, maxTokens: undefined, first: s.index === 0, last: s.last }, state); add("choose", performance.now() - t)
  t = performance.now(); const out = C.__render(a, p, (sum: string) => `[… ${sum} · retrieve 0123456789ab:1-2]`); add("render", performance.now() - t)
  t = performance.now(); tok.estimate(out); add("estimate(out)", performance.now() - t)
  t = performance.now(); tok.estimate(text); add("estimate(in)", performance.now() - t)
  t = performance.now(); contentHash(text); add("hash", performance.now() - t)
  t = performance.now(); encodeLossless(out); add("encode(out)", performance.now() - t)
}
const total = performance.now() - t0
for (const [k, v] of Object.entries(T)) console.log(k.padEnd(14), (v * 100000 / bytes).toFixed(3), "ms/100KB")
console.log("total".padEnd(14), (total * 100000 / bytes).toFixed(3), "ms/100KB", (bytes / 1e6 / (total / 1000)).toFixed(1), "MB/s")
