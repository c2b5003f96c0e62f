import { expect, test } from "bun:test"
import { SizedLru } from "./memo.ts"

test("evicts the least recently used entries once over its size", () => {
  const lru = new SizedLru<string>(10)
  lru.set("a", "A", 4)
  lru.set("b", "B", 4)
  expect(lru.get("a")).toBe("A")
  lru.set("c", "C", 4)
  expect(lru.get("b")).toBeUndefined()
  expect(lru.get("a")).toBe("A")
  expect(lru.get("c")).toBe("C")
  expect(lru.bytes).toBe(8)
})

test("never holds an entry larger than the whole bound", () => {
  const lru = new SizedLru<string>(10)
  lru.set("big", "X", 11)
  expect(lru.size).toBe(0)
})
