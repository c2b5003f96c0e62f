/**
 * A real proxy in the test's own process (the same code `headroom proxy` runs), on a free port,
 * with a fresh store, defaults plus the built-in rule packs, and the flags a test adds.
 */
import { afterAll, beforeAll, beforeEach } from "bun:test"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Exit, Scope } from "effect"
import { parseArgs } from "../../src/cli/args.ts"
import { flagSettings } from "../../src/cli/config-flags.ts"
import { proxyFlags } from "../../src/cli/commands/proxy/index.ts"
import { proxyCommand } from "../../src/cli/commands/proxy/schema.ts"
import { loadConfig } from "../../src/config/index.ts"
import { loadRunPlugins } from "../../src/cli/plugins.ts"
import { startProxy, type RunningProxy } from "../../src/proxy/server.ts"
import { startMockUpstream } from "./mock-upstream.ts"

export interface TestProxy {
  /** `http://127.0.0.1:PORT`, without /v1. */
  readonly url: string
  /** Its HEADROOM_HOME (the store). */
  readonly home: string
  readonly running: RunningProxy
  readonly stop: () => Promise<void>
}

export const startTestProxy = async (options: {
  readonly anthropicUrl?: string
  readonly openaiUrl?: string
  readonly args?: ReadonlyArray<string>
  readonly env?: Record<string, string>
}): Promise<TestProxy> => {
  const home = mkdtempSync(join(tmpdir(), "headroom-proxy-"))
  const args = parseArgs(proxyCommand, [
    "--port",
    "0",
    ...(options.anthropicUrl === undefined ? [] : ["--anthropic-url", options.anthropicUrl]),
    ...(options.openaiUrl === undefined ? [] : ["--openai-url", options.openaiUrl]),
    ...(options.args ?? []),
  ])
  const scope = Effect.runSync(Scope.make())
  const running = await Effect.runPromise(
    Effect.gen(function* () {
      const config = yield* loadConfig({
        cwd: home,
        env: { HEADROOM_HOME: home, ...options.env },
        flags: { ...flagSettings(args), proxy: proxyFlags(args) },
        configPath: "/dev/null",
      })
      // Plugins only when the test names some: ./plugins/ scanning has nothing to do here.
      const plugins = config.settings.plugins.length === 0 ? undefined : yield* loadRunPlugins(config, { HEADROOM_HOME: home }, home)
      return yield* startProxy(config, plugins)
    }).pipe(Scope.provide(scope)),
  )
  return {
    url: running.url,
    home,
    running,
    stop: async () => {
      await Effect.runPromise(Scope.close(scope, Exit.void))
      rmSync(home, { recursive: true, force: true })
    },
  }
}

/**
 * Call at the top of a test file: a mock upstream and a proxy in front of it for the whole file
 * (the mock's record is cleared before each test). `proxy` is filled in before the first test.
 */
export const useProxiedMock = async (args: ReadonlyArray<string> = []) => {
  const mock = await startMockUpstream()
  const proxy = {} as TestProxy
  beforeAll(async () => {
    Object.assign(proxy, await startTestProxy({ anthropicUrl: mock.url, openaiUrl: mock.openaiUrl, args }))
  })
  afterAll(async () => {
    await proxy.stop()
    await mock.stop()
  })
  beforeEach(() => mock.reset())
  return { mock, proxy }
}
