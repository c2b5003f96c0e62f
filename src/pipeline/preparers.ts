import { prepareLines } from "../compressors/log/prepare.ts"

/**
 * Work the worker thread can do ahead for a built-in stage, by stage name: a pure function of a
 * block's text whose result the stage finds in `ctx.prepared`. Kept apart from the stage registry
 * so the worker loads only these (and their few imports), not the whole engine.
 */
export const PREPARERS: Readonly<Record<string, (text: string) => unknown>> = {
  log: prepareLines,
}
