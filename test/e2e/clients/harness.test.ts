/** The byte-level comparisons the real-client tests rely on, checked on small bodies. */
import { describe, expect, test } from "bun:test"
import { checkSharedPrefix, rawElements, type Exchange } from "./harness.ts"

const request = (body: string) => ({ method: "POST", path: "/v1/messages", headers: {}, body })
const exchange = (serial: number, client: string, upstream: string): Exchange => ({
  serial,
  answered: "text",
  client: { serial, ...request(client) },
  upstream: { ...request(upstream), answered: "text", response: "" },
})

describe("rawElements", () => {
  test("returns each element's exact source text, whatever its strings hold", () => {
    const body = `{"model":"m","nested":{"messages":[9]},"messages": [ {"a":"x],\\"{"} ,[1,[2]],"s\\\\",3 ],"z":[]}`
    expect(rawElements(body, "messages")).toEqual([`{"a":"x],\\"{"}`, "[1,[2]]", `"s\\\\"`, "3"])
    expect(rawElements(`{"input":[]}`, "input")).toEqual([])
    expect(rawElements(`{"input":"none"}`, "input")).toEqual([])
  })
})

describe("checkSharedPrefix", () => {
  const before = `{"messages":[{"role":"user","content":"hi"},{"role":"user","content":[{"type":"tool_result","content":"A","cache_control":{"type":"ephemeral"}}]}]}`
  const after = `{"messages":[{"role":"user","content":"hi"},{"role":"user","content":[{"type":"tool_result","content":"A"}]},{"role":"assistant","content":"ok"}]}`

  test("passes when the upstream repeats what it got for everything the client repeated", () => {
    const check = checkSharedPrefix("anthropic", exchange(1, before, before), exchange(2, after, after))
    expect(check).toEqual({ identical: 1, cacheControlMoved: 1, clientRewrote: 0, violations: [] })
  })

  test("flags a resent message whose upstream bytes changed", () => {
    const changed = after.replace('"content":"hi"', '"content":"hi "')
    const check = checkSharedPrefix("anthropic", exchange(1, before, before), exchange(2, after, changed))
    expect(check.violations).toHaveLength(1)
    expect(check.violations[0]).toStartWith("messages[0] of #1 → #2: client resent it unchanged")
  })

  test("compares content without cache_control where the client only moved it", () => {
    const compressedDifferently = after.replace('"content":"A"', '"content":"B"')
    const check = checkSharedPrefix("anthropic", exchange(1, before, before), exchange(2, after, compressedDifferently))
    expect(check.violations).toHaveLength(1)
    expect(check.violations[0]).toStartWith("messages[1] of #1 → #2: client moved only cache_control")
  })
})
