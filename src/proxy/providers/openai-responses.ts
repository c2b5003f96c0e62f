import { isObject, listAt, textParts, type ApiShape, type ToolResult } from "./api.ts"

const OUTPUTS = new Set(["function_call_output", "custom_tool_call_output"])
const CALLS = new Set(["function_call", "custom_tool_call"])

/**
 * OpenAI Responses: `function_call_output` and `custom_tool_call_output` items of `input`, their
 * output a string or a list of parts (only text parts are compressed), named by the
 * `function_call` / `custom_tool_call` with that call id.
 */
export const openaiResponsesApi: ApiShape = {
  kind: "openai-responses",
  toolResults: (body) => {
    const items = listAt(body, "input")
    const names = new Map<string, string>()
    for (const item of items) {
      if (isObject(item) && typeof item.type === "string" && CALLS.has(item.type) && typeof item.call_id === "string" && typeof item.name === "string") {
        names.set(item.call_id, item.name)
      }
    }
    const results: Array<ToolResult> = []
    for (const [i, item] of items.entries()) {
      if (!isObject(item) || typeof item.type !== "string" || !OUTPUTS.has(item.type)) continue
      const tool = typeof item.call_id === "string" ? names.get(item.call_id) : undefined
      const at = ["input", i, "output"]
      if (typeof item.output === "string") results.push({ path: at, text: item.output, ...(tool === undefined ? {} : { tool }) })
      else if (Array.isArray(item.output)) results.push(...textParts(item.output, at, ["input_text", "output_text", "text"], tool))
    }
    return results
  },
}
