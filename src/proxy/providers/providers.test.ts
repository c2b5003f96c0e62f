import { describe, expect, test } from "bun:test"
import { anthropicApi } from "./anthropic.ts"
import { openaiChatApi } from "./openai-chat.ts"
import { openaiResponsesApi } from "./openai-responses.ts"

describe("anthropic tool results", () => {
  test("string and block-list content, named through tool_use ids; nothing else", () => {
    const body = {
      system: [{ type: "text", text: "system prompt", cache_control: { type: "ephemeral" } }],
      tools: [{ name: "Bash", description: "runs", input_schema: {} }],
      messages: [
        { role: "user", content: "look at the logs" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "hmm", signature: "sig" },
            { type: "text", text: "running" },
            { type: "tool_use", id: "toolu_1", name: "Bash", input: { command: "cat build.log" } },
            { type: "tool_use", id: "toolu_2", name: "Read", input: { file_path: "a.py" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "tool_result", tool_use_id: "toolu_1", content: "build output" },
            {
              type: "tool_result",
              tool_use_id: "toolu_2",
              content: [
                { type: "text", text: "1\tprint()" },
                { type: "image", source: { type: "base64", media_type: "image/png", data: "AAAA" } },
              ],
              cache_control: { type: "ephemeral" },
            },
            { type: "tool_result", tool_use_id: "toolu_unknown", content: "orphan" },
            { type: "text", text: "user typed this" },
          ],
        },
      ],
    }
    expect(anthropicApi.toolResults(body)).toEqual([
      { path: ["messages", 2, "content", 0, "content"], text: "build output", tool: "Bash" },
      { path: ["messages", 2, "content", 1, "content", 0, "text"], text: "1\tprint()", tool: "Read" },
      { path: ["messages", 2, "content", 2, "content"], text: "orphan" },
    ])
  })

  test("odd bodies give no results rather than errors", () => {
    for (const body of [null, [], "x", { messages: "no" }, { messages: [null, 1, { role: "user", content: [null, { type: "tool_result" }] }] }]) {
      expect(anthropicApi.toolResults(body)).toEqual([])
    }
  })
})

describe("openai chat tool results", () => {
  test("role tool (string or text parts) named through tool_calls; system and user untouched", () => {
    const body = {
      messages: [
        { role: "system", content: "be brief" },
        { role: "user", content: "run it" },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "shell", arguments: "{}" } }] },
        { role: "tool", tool_call_id: "call_1", content: "output" },
        { role: "tool", tool_call_id: "call_2", content: [{ type: "text", text: "parts" }] },
        { role: "function", name: "legacy", content: "old style" },
      ],
    }
    expect(openaiChatApi.toolResults(body)).toEqual([
      { path: ["messages", 3, "content"], text: "output", tool: "shell" },
      { path: ["messages", 4, "content", 0, "text"], text: "parts" },
      { path: ["messages", 5, "content"], text: "old style", tool: "legacy" },
    ])
  })
})

describe("openai responses tool results", () => {
  test("function_call_output strings and custom_tool_call_output parts, named through call ids", () => {
    const body = {
      input: [
        { type: "message", role: "developer", content: [{ type: "input_text", text: "instructions" }] },
        { type: "function_call", call_id: "call_a", name: "exec_command", arguments: "{}" },
        { type: "function_call_output", call_id: "call_a", output: "exec output" },
        { type: "custom_tool_call", call_id: "call_b", name: "apply_patch", input: "*** Begin Patch" },
        { type: "custom_tool_call_output", call_id: "call_b", output: [{ type: "input_text", text: "patched" }, { type: "input_image", image_url: "data:" }] },
        { type: "reasoning", encrypted_content: "gAAA" },
      ],
    }
    expect(openaiResponsesApi.toolResults(body)).toEqual([
      { path: ["input", 2, "output"], text: "exec output", tool: "exec_command" },
      { path: ["input", 4, "output", 0, "text"], text: "patched", tool: "apply_patch" },
    ])
  })

  test("a plain string input has no tool results", () => {
    expect(openaiResponsesApi.toolResults({ input: "hello" })).toEqual([])
  })
})
