import { isObject, listAt, textParts, type ApiShape, type ToolResult } from "./api.ts"

/**
 * Anthropic Messages: `tool_result` blocks in user turns, their content a string or a list of
 * blocks (only the text ones are compressed); the tool named by the `tool_use` with that id.
 */
export const anthropicApi: ApiShape = {
  kind: "anthropic",
  toolResults: (body) => {
    const messages = listAt(body, "messages")
    const names = new Map<string, string>()
    for (const m of messages) {
      if (!isObject(m) || m.role !== "assistant" || !Array.isArray(m.content)) continue
      for (const block of m.content) {
        if (isObject(block) && (block.type === "tool_use" || block.type === "server_tool_use") && typeof block.id === "string" && typeof block.name === "string") {
          names.set(block.id, block.name)
        }
      }
    }
    const results: Array<ToolResult> = []
    for (const [i, m] of messages.entries()) {
      if (!isObject(m) || m.role !== "user" || !Array.isArray(m.content)) continue
      for (const [j, block] of m.content.entries()) {
        if (!isObject(block) || block.type !== "tool_result") continue
        const tool = typeof block.tool_use_id === "string" ? names.get(block.tool_use_id) : undefined
        const at = ["messages", i, "content", j, "content"]
        if (typeof block.content === "string") results.push({ path: at, text: block.content, ...(tool === undefined ? {} : { tool }) })
        else if (Array.isArray(block.content)) results.push(...textParts(block.content, at, ["text"], tool))
      }
    }
    return results
  },
}
