import { isObject, listAt, textParts, type ApiShape, type ToolResult } from "./api.ts"

/**
 * OpenAI Chat Completions: `role: "tool"` messages (content a string or text parts), named by
 * the assistant's `tool_calls` with that id; legacy `role: "function"` messages carry the name.
 */
export const openaiChatApi: ApiShape = {
  kind: "openai-chat",
  toolResults: (body) => {
    const messages = listAt(body, "messages")
    const names = new Map<string, string>()
    for (const m of messages) {
      if (!isObject(m) || m.role !== "assistant" || !Array.isArray(m.tool_calls)) continue
      for (const call of m.tool_calls) {
        const fn = isObject(call) ? call.function ?? call.custom : undefined
        if (isObject(call) && typeof call.id === "string" && isObject(fn) && typeof fn.name === "string") names.set(call.id, fn.name)
      }
    }
    const results: Array<ToolResult> = []
    for (const [i, m] of messages.entries()) {
      if (!isObject(m) || (m.role !== "tool" && m.role !== "function")) continue
      const tool = m.role === "function" ? (typeof m.name === "string" ? m.name : undefined) : typeof m.tool_call_id === "string" ? names.get(m.tool_call_id) : undefined
      const at = ["messages", i, "content"]
      if (typeof m.content === "string") results.push({ path: at, text: m.content, ...(tool === undefined ? {} : { tool }) })
      else if (Array.isArray(m.content)) results.push(...textParts(m.content, at, ["text"], tool))
    }
    return results
  },
}
