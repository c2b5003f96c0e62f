/**
 * The headroom plugin SDK: the types every built-in compressor and every user plugin is written
 * against. See README.md in this folder for a walk-through and an example stage.
 */
export { CONTENT_KINDS, isContentKind, makeBlock, withText } from "./block.ts"
export type { Block, ContentKind, Origin } from "./block.ts"
export {
  DEFAULT_STAGE_OPTIONS,
  DEFAULT_STAGE_TIMEOUT_MS,
  STRATEGIES,
  StageError,
  Unchanged,
  defineStage,
  originalMarkers,
} from "./stage.ts"
export type { Stage, StageContext, StageOptions, StagePurpose, StageResult, StageReturn, StageSpec, Strategy } from "./stage.ts"
export { HOOKS, PluginSpecError, definePlugin, toPlugin } from "./plugin.ts"
export type {
  BlockHook,
  HookName,
  LineContext,
  Plugin,
  PluginSpec,
  Provider,
  ProxyRequest,
  RequestContext,
  ResponseEventContext,
  ResponseInfo,
  SseEvent,
} from "./plugin.ts"
export { formatMarker, parseMarkers, quoteTemplate, MARKER_PATTERN } from "../markers/index.ts"
export type { Marker, LineRange } from "../markers/index.ts"
