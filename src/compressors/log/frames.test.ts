import { afterAll, describe, expect, test } from "bun:test"
import { parseMarkers } from "../../markers/index.ts"
import type { Strategy } from "../../sdk/index.ts"
import { redeemAll, withStore } from "../../../test/support/pipeline.ts"

const store = withStore()
afterAll(store.cleanup)

const compress = (text: string, strategy: Strategy) => store.compress(text, { strategy, kind: "log" })

/** A failing test's trace: JUnit assertion frames, the test, then the JUnit/Maven runner stack. */
const failure = (test: string, line: number): Array<string> => [
  `[ERROR] ${test}  Time elapsed: 0.01 s  <<< FAILURE!`,
  `org.opentest4j.AssertionFailedError: expected: <200> but was: <500>`,
  "\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:55)",
  "\tat org.junit.jupiter.api.AssertEquals.failNotEqual(AssertEquals.java:197)",
  "\tat org.junit.jupiter.api.AssertEquals.assertEquals(AssertEquals.java:150)",
  `\tat com.acme.api.OrdersTest.${test}(OrdersTest.java:${line})`,
  "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke0(Native Method)",
  "\tat java.base/jdk.internal.reflect.NativeMethodAccessorImpl.invoke(NativeMethodAccessorImpl.java:77)",
  "\tat java.base/java.lang.reflect.Method.invoke(Method.java:568)",
  "\tat org.junit.platform.commons.util.ReflectionUtils.invokeMethod(ReflectionUtils.java:727)",
  "\tat org.junit.jupiter.engine.execution.MethodInvocation.proceed(MethodInvocation.java:60)",
  "\tat org.junit.jupiter.engine.execution.InvocationInterceptorChain.proceed(InvocationInterceptorChain.java:131)",
  "\tat org.junit.platform.engine.support.hierarchical.NodeTestTask.execute(NodeTestTask.java:95)",
  "\tat org.junit.platform.launcher.core.EngineExecutionOrchestrator.execute(EngineExecutionOrchestrator.java:107)",
  "\tat org.apache.maven.surefire.booter.ForkedBooter.main(ForkedBooter.java:495)",
  "",
]

const build = (): Array<string> => {
  const lines: Array<string> = []
  for (let i = 0; i < 200; i++) lines.push(`[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/acme/lib${i}/1.${i}/lib${i}-1.${i}.jar (${i * 3} kB)`)
  lines.push(...failure("createsOrder", 41), ...failure("cancelsOrder", 77), ...failure("refundsOrder", 102))
  lines.push("[INFO] BUILD FAILURE")
  return lines
}

describe("log compressor: library frames in error blocks", () => {
  test("balanced shows the first trace whole and folds library runs that later traces repeat", async () => {
    const lines = build()
    const { text } = await compress(lines.join("\n"), "balanced")
    for (const name of ["createsOrder(OrdersTest.java:41)", "cancelsOrder(OrdersTest.java:77)", "refundsOrder(OrdersTest.java:102)"]) {
      expect(text).toContain(`\tat com.acme.api.OrdersTest.${name}`)
    }
    // Every frame line is still shown at least once.
    for (const line of failure("x", 1)) if (line.startsWith("\tat org.") || line.startsWith("\tat java.")) expect(text).toContain(line)
    const folded = parseMarkers(text).filter((m) => m.summary.includes("as in the trace above"))
    expect(folded.map((m) => m.summary)).toEqual([
      "9 frames in org.junit, java.base, org.apache.maven, as in the trace above",
      "9 frames in org.junit, java.base, org.apache.maven, as in the trace above",
    ])
    const redeemed = await redeemAll(store, text)
    const index = parseMarkers(text).findIndex((m) => m.summary.includes("as in the trace above"))
    expect(redeemed[index]).toBe(`${lines.slice(200 + 16 + 6, 200 + 16 + 15).join("\n")}\n`)
  })

  test("aggressive also folds long library runs of the first trace; conservative keeps every frame", async () => {
    const lines = build()
    const aggressive = (await compress(lines.join("\n"), "aggressive")).text
    expect(aggressive).toContain("\tat com.acme.api.OrdersTest.createsOrder(OrdersTest.java:41)")
    expect(aggressive).not.toContain("java.lang.reflect.Method.invoke")
    expect(parseMarkers(aggressive).some((m) => m.summary === "9 frames in org.junit, java.base, org.apache.maven")).toBe(true)
    const conservative = (await compress(lines.join("\n"), "conservative")).text
    for (const line of lines.slice(200)) if (line.includes("\tat ")) expect(conservative).toContain(line)
  })
})
