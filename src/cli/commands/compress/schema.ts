import { CONTENT_KINDS } from "../../../sdk/block.ts"
import { STRATEGIES } from "../../../sdk/stage.ts"
import { ENCODINGS } from "../../../tokens/index.ts"
import type { CommandSpec } from "../../args.ts"

export const compressCommand: CommandSpec = {
  name: "compress",
  summary: "compress logs and other text from files or standard input",
  usage: ["headroom compress [FILE ...] [flags]", "command | headroom compress [flags]"],
  flags: [
    {
      name: "strategy",
      short: "s",
      type: "choice",
      choices: STRATEGIES,
      default: "balanced",
      description: "how much detail to trade for savings (default balanced)",
    },
    {
      name: "max-tokens",
      short: "m",
      type: "integer",
      min: 1,
      placeholder: "N",
      description: "token budget: the least informative lines go first until the output fits",
    },
    {
      name: "type",
      short: "t",
      type: "choice",
      choices: CONTENT_KINDS.filter((k) => k !== "binary"),
      description: "treat the input as this kind instead of detecting it",
    },
    {
      name: "lossless",
      type: "boolean",
      description: "drop nothing: only rewrites that decode back exactly (JSON tables; see headroom expand)",
    },
    {
      name: "keep",
      short: "k",
      type: "string",
      placeholder: "REGEX",
      repeatable: true,
      description: "always keep lines, JSON items and matches that match REGEX (repeatable)",
    },
    {
      name: "keep-symbol",
      type: "string",
      placeholder: "NAME",
      repeatable: true,
      description: "keep the whole body of this function, method or class in code (repeatable)",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      placeholder: "PATH",
      description: "write to PATH (a directory when there are several inputs); written atomically, never over an input",
    },
    { name: "stats", type: "boolean", description: "print a one-line summary per input on stderr" },
    { name: "json", type: "boolean", description: "print a JSON object per input (text, token counts, markers) instead of the text" },
    { name: "no-store", type: "boolean", description: "do not keep originals; markers then carry no retrieve hash" },
    { name: "force", short: "f", type: "boolean", description: "compress input that looks binary as if it were text" },
    {
      name: "encoding",
      type: "choice",
      choices: ENCODINGS,
      description: "tokenizer to count with (default o200k_base)",
    },
    {
      name: "model",
      type: "string",
      placeholder: "NAME",
      description: "count tokens as for this model (Claude models are estimated with o200k_base)",
    },
  ],
  positionals: { name: "FILE", min: 0, max: Number.POSITIVE_INFINITY, description: "files to compress; none or - reads standard input" },
  examples: [
    "cat build.log | headroom compress",
    "headroom compress build.log test.log -o out/",
    "kubectl logs api-7f9 | headroom compress --strategy aggressive --max-tokens 2000",
    "headroom compress --stats < build.log > /dev/null",
    "headroom compress --json < build.log",
  ],
  notes: [
    "Omitted content is replaced by markers such as",
    '  [… 812 lines like "INFO Fetching <*> (<*> ms)" omitted · retrieve 3f9a1c2b7d4e:13-824]',
    "and `headroom retrieve 3f9a1c2b7d4e:13-824` prints those exact original lines.",
    "Originals live in $HEADROOM_HOME/headroom.db (default ~/.headroom), kept for HEADROOM_STORE_TTL",
    "(default 7d) up to HEADROOM_STORE_MAX_MB (default 1024).",
    "Exit status: 0 ok, 1 an input or output failed, 2 usage error or binary input.",
  ],
}
