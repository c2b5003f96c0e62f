/** A StageContext for unit-testing a stage alone: it records what was retained and marked. */
import { formatMarker, type Marker } from "../../src/markers/index.ts"
import { DEFAULT_STAGE_OPTIONS, type StageContext } from "../../src/sdk/index.ts"

export const FAKE_HASH = "fedcba9876543210".repeat(4)

export const fakeContext = (overrides: Partial<StageContext> = {}) => {
  const retained: Array<string> = []
  const markers: Array<Marker> = []
  const states = new Map<string, unknown>()
  const ctx: StageContext = {
    strategy: "balanced",
    options: DEFAULT_STAGE_OPTIONS,
    maxTokens: undefined,
    countTokens: (text) => Math.ceil(text.length / 4),
    retain: (original) => {
      retained.push(original)
      return FAKE_HASH
    },
    marker: (marker) => {
      markers.push(marker)
      return formatMarker(marker)
    },
    state: <T>(init: () => T): T => {
      if (!states.has("stage")) states.set("stage", init())
      return states.get("stage") as T
    },
    segment: { index: 0, last: true },
    prepared: undefined,
    ...overrides,
  }
  return { ctx, retained, markers }
}
