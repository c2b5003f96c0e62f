import { describe, expect, test } from "bun:test"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { CONTENT_KINDS } from "../sdk/block.ts"
import { decodeLossless } from "../io/utf8.ts"
import { detect, looksBinary, type Detection } from "./index.ts"
import { PREFIX_CHARS, WINDOW_CHARS, sampleText } from "./sample.ts"

const FIXTURES = join(import.meta.dir, "../../test/fixtures/detect")
const fixture = (name: string): string => decodeLossless(readFileSync(join(FIXTURES, name)))
const lines = (...ls: ReadonlyArray<string>): string => ls.join("\n") + "\n"
const kindOf = (text: string, path?: string): string => {
  const d = detect(text, path === undefined ? undefined : { path })
  return d.language === undefined ? d.kind : `${d.kind}/${d.language}`
}
const bytes = (...b: ReadonlyArray<number>): Uint8Array => Uint8Array.from(b)
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)

// ------------------------------------------------------------------ synthetic fixtures
// System logs below are written for these tests (no Loghub lines: that data set is research-only).

const SYSLOG = lines(
  "Mar  3 09:14:01 web-01 CRON[20411]: (root) CMD (run-parts /etc/cron.hourly)",
  "Mar  3 09:14:07 web-01 sshd[20433]: Accepted publickey for deploy from 10.0.4.12 port 51422 ssh2",
  "Mar  3 09:14:07 web-01 sshd[20433]: pam_unix(sshd:session): session opened for user deploy by (uid=0)",
  "Mar  3 09:15:12 web-01 kernel: [118822.331] eth0: link up, 1000Mbps, full-duplex",
  "Mar  3 09:15:40 web-01 systemd[1]: Started Daily apt download activities.",
  "Mar  3 09:16:02 web-01 sshd[20433]: Received disconnect from 10.0.4.12 port 51422:11: disconnected by user",
)

const COMPACT_TS_LOG = lines(
  "240117 083015 412 INFO storage.BlockManager: Replicated block blk_90817 to 3 nodes",
  "240117 083016 412 INFO storage.BlockManager: Replicated block blk_90818 to 3 nodes",
  "240117 083019 77 WARN storage.DataNode$Receiver: Slow write for blk_90818 took 912ms",
  "240117 083022 412 INFO storage.BlockManager: Deleting block blk_90801 file /data/1/blk_90801",
)

const RAS_LOG = lines(
  "- 1706000000 2024.01.23 R12-M0-N3 2024-01-23-08.30.15.123456 R12-M0-N3 RAS KERNEL INFO cache parity corrected",
  "- 1706000003 2024.01.23 R12-M0-N3 2024-01-23-08.30.18.020001 R12-M0-N3 RAS KERNEL INFO cache parity corrected",
  "APPERR 1706000120 2024.01.23 R07-M1-N9 2024-01-23-08.32.15.777301 R07-M1-N9 RAS APP FATAL ciod: failed to read message",
)

const EPOCH_LOG = lines(
  "88213 node-17 disk.sda state_change.degraded 1706001234 1 Disk sda degraded (rebuild 12%)",
  "88214 node-17 disk.sda state_change.degraded 1706001290 1 Disk sda degraded (rebuild 19%)",
  "88230 node-04 net.eth1 link.down 1706001301 1 Link eth1 down",
  "88231 node-04 net.eth1 link.up 1706001307 1 Link eth1 up",
)

const KLOG = lines(
  "I0612 12:00:01.123456       1 controller.go:112] Starting workers count=4",
  "I0612 12:00:01.223456       1 shared_informer.go:311] Caches are synced for endpoints",
  "W0612 12:00:04.000120       1 reflector.go:424] watch of *v1.Pod ended with: too old resource version",
  "E0612 12:00:09.912001       1 controller.go:233] error syncing 'default/web': timeout",
)

const ANDROID_LOG = lines(
  "01-23 08:30:15.101  1200  1310 I ActivityManager: Start proc 4411:com.example.app/u0a87 for activity",
  "01-23 08:30:15.140  4411  4411 D AppInit: onCreate took 31ms",
  "01-23 08:30:16.002  1200  1221 W PackageManager: Unknown permission com.example.READ",
  "01-23 08:30:17.550  4411  4470 E NetClient: request failed: java.net.SocketTimeoutException",
)

const APACHE_LOG = lines(
  "[Tue Jan 23 08:30:15 2024] [notice] Apache/2.4.57 configured -- resuming normal operations",
  "[Tue Jan 23 08:30:21 2024] [error] [client 10.0.0.7] File does not exist: /var/www/favicon.ico",
  "[Tue Jan 23 08:31:02 2024] [error] [client 10.0.0.9] script not found or unable to stat: /var/www/cgi-bin/x",
)

const LOGFMT = lines(
  'time=2024-01-23T08:30:15Z level=info msg="listening" addr=:8080',
  'time=2024-01-23T08:30:16Z level=warn msg="slow request" path=/api/users duration=1.2s',
  'time=2024-01-23T08:30:19Z level=error msg="db timeout" query=select_users retries=3',
)

const LEVEL_ONLY_LOG = lines(
  "INFO  starting worker pool size=8",
  "INFO  connected to queue jobs-high",
  "WARN  queue jobs-low has no consumers",
  "ERROR job 8812 failed: upstream returned 502",
  "INFO  retrying job 8812 in 30s",
)

const APP_LOG_WITH_TRACE = lines(
  "2024-01-23 08:30:15,101 INFO  [main] c.e.Server - Starting server on port 8080",
  "2024-01-23 08:30:15,320 INFO  [main] c.e.Db - Pool started (size=10)",
  "2024-01-23 08:30:19,007 ERROR [http-1] c.e.Api - Request failed",
  "java.lang.IllegalStateException: pool exhausted",
  "\tat com.example.db.Pool.acquire(Pool.java:88)",
  "\tat com.example.api.Handler.handle(Handler.java:41)",
  "2024-01-23 08:30:19,100 INFO  [http-2] c.e.Api - GET /health 200",
  "2024-01-23 08:30:20,100 INFO  [http-3] c.e.Api - GET /users 200",
  "2024-01-23 08:30:21,100 WARN  [http-4] c.e.Api - GET /users took 1200ms",
)

const NPM_LOG = lines(
  "> app@1.2.0 build",
  "> tsc -p .",
  "",
  "npm WARN deprecated inflight@1.0.6: This module is not supported, and leaks memory.",
  "src/index.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  "npm ERR! code ELIFECYCLE",
  "npm ERR! errno 2",
  "npm ERR! app@1.2.0 build: `tsc -p .`",
  "npm ERR! Exit status 2",
)

const PIP_LOG = lines(
  "Collecting requests==2.31.0",
  "  Downloading requests-2.31.0-py3-none-any.whl (62 kB)",
  "Collecting urllib3<3,>=1.21.1",
  "  Using cached urllib3-2.1.0-py3-none-any.whl (104 kB)",
  "Installing collected packages: urllib3, requests",
  "Successfully installed requests-2.31.0 urllib3-2.1.0",
)

const CARGO_ERROR_LOG = lines(
  "   Compiling demo v0.1.0 (/work/demo)",
  "error[E0308]: mismatched types",
  " --> src/main.rs:4:18",
  "  |",
  '4 |     let x: i32 = "five";',
  "  |            ---   ^^^^^^ expected `i32`, found `&str`",
  "  |            |",
  "  |            expected due to this",
  "",
  "For more information about this error, try `rustc --explain E0308`.",
  'error: could not compile `demo` (bin "demo") due to 1 previous error',
)

const MAVEN_LOG = lines(
  "[INFO] Scanning for projects...",
  "[INFO] ",
  "[INFO] ------------------------< com.example:demo >-------------------------",
  "[INFO] Building demo 1.0-SNAPSHOT",
  "[INFO] --------------------------------[ jar ]---------------------------------",
  "[INFO] --- maven-compiler-plugin:3.11.0:compile (default-compile) @ demo ---",
  "[ERROR] /work/demo/src/main/java/App.java:[7,9] cannot find symbol",
  "[INFO] BUILD FAILURE",
)

const GRADLE_LOG = lines(
  "> Task :compileJava UP-TO-DATE",
  "> Task :processResources NO-SOURCE",
  "> Task :classes UP-TO-DATE",
  "> Task :test FAILED",
  "",
  "FAILURE: Build failed with an exception.",
  "",
  "BUILD FAILED in 3s",
  "4 actionable tasks: 1 executed, 3 up-to-date",
)

const GCC_MAKE_LOG = lines(
  "gcc -Wall -O2 -c src/parser.c -o build/parser.o",
  "src/parser.c: In function 'parse_expr':",
  "src/parser.c:42:17: warning: unused variable 'tmp' [-Wunused-variable]",
  "   42 |     int tmp = 0;",
  "      |         ^~~",
  "src/parser.c:57:5: error: expected ';' before 'return'",
  "   57 |     return node",
  "      |     ^~~~~~",
  "make: *** [Makefile:14: build/parser.o] Error 1",
)

// Only diagnostics: every line has the path:line:col shape of a search hit, but these are a build.
const DIAGNOSTICS_ONLY = lines(
  "src/a.c:12:5: error: use of undeclared identifier 'x'",
  "src/a.c:19:1: warning: control reaches end of non-void function [-Wreturn-type]",
  "src/b.c:3:10: fatal error: 'missing.h' file not found",
  "src/c.c:77:12: note: previous definition is here",
)

const PYTEST_LOG = lines(
  "============================= test session starts ==============================",
  "platform linux -- Python 3.12.1, pytest-8.0.0, pluggy-1.4.0",
  "collected 3 items",
  "",
  "tests/test_api.py::test_list PASSED                                        [ 33%]",
  "tests/test_api.py::test_create FAILED                                      [ 66%]",
  "tests/test_api.py::test_delete PASSED                                      [100%]",
  "",
  "=================================== FAILURES ===================================",
  "_________________________________ test_create __________________________________",
  "    def test_create():",
  ">       assert create(1) == 2",
  "E       assert 1 == 2",
  "tests/test_api.py:9: AssertionError",
  "=========================== short test summary info ============================",
  "FAILED tests/test_api.py::test_create - assert 1 == 2",
  "========================= 1 failed, 2 passed in 0.12s ==========================",
)

const JEST_LOG = lines(
  "PASS src/utils.test.ts",
  "FAIL src/api.test.ts",
  "  ● api › returns users",
  "",
  "    expect(received).toBe(expected) // Object.is equality",
  "",
  "Test Suites: 1 failed, 1 passed, 2 total",
  "Tests:       1 failed, 7 passed, 8 total",
  "Snapshots:   0 total",
  "Time:        1.92 s",
  "Ran all test suites.",
)

const GO_TEST_LOG = lines(
  "=== RUN   TestParse",
  "--- PASS: TestParse (0.00s)",
  "=== RUN   TestEval",
  "    eval_test.go:31: got 3, want 4",
  "--- FAIL: TestEval (0.00s)",
  "FAIL",
  "FAIL\texample.com/calc\t0.004s",
  "ok  \texample.com/calc/lexer\t0.002s",
)

const DOCKER_LOG = lines(
  "Sending build context to Docker daemon  4.096kB",
  "Step 1/4 : FROM node:20-alpine",
  " ---> 5f2a4b1c9d3e",
  "Step 2/4 : WORKDIR /app",
  " ---> Running in 0a1b2c3d4e5f",
  "Removing intermediate container 0a1b2c3d4e5f",
  "Step 3/4 : RUN npm ci",
  "Successfully built 9e8d7c6b5a4f",
)

const BUILDKIT_LOG = lines(
  "#1 [internal] load build definition from Dockerfile",
  "#1 transferring dockerfile: 215B done",
  "#1 DONE 0.0s",
  "#5 [2/4] RUN npm ci",
  "#5 12.31 added 312 packages in 11s",
  "#5 DONE 12.9s",
  "#6 [3/4] COPY . .",
  "#6 DONE 0.1s",
)

const KUBECTL_LOG = lines(
  "$ kubectl apply -f deploy/",
  "deployment.apps/web configured",
  "service/web unchanged",
  "configmap/web-config created",
  "$ kubectl get pods",
  "NAME                       READY   STATUS             RESTARTS   AGE",
  "web-7d9c7f9b5-2xk4q        1/1     Running            0          3d",
  "worker-5f6b8c7d9-abcde     0/1     CrashLoopBackOff   12         40m",
)

const TRAVIS_STYLE = lines(
  "$ git clone --depth=50 https://github.com/example/app.git example/app",
  "$ nvm install 20",
  "Downloading and installing node v20.11.0...",
  "$ npm ci",
  "added 812 packages in 14s",
  "$ npm test",
  "The command \"npm test\" exited with 1.",
  "Done. Your build exited with 1.",
)

const PROGRESS = [
  "Downloading model.bin",
  "  10% |###       |\r  40% |####      |\r 100% |##########|",
  "Extracting archive",
  "  12/40 files\r  30/40 files\r  40/40 files",
  "Verifying checksum\r\x1b[32mok\x1b[0m",
  "Done",
].join("\n")

const GIT_DIFF = lines(
  "diff --git a/src/app.py b/src/app.py",
  "index 3b18e51..a4f2c9d 100644",
  "--- a/src/app.py",
  "+++ b/src/app.py",
  "@@ -1,6 +1,7 @@",
  " import os",
  "+import sys",
  " ",
  " def main():",
  "-    print('hi')",
  "+    print('hello', file=sys.stderr)",
  "     return 0",
  "diff --git a/README.md b/README.md",
  "index 1111111..2222222 100644",
  "--- a/README.md",
  "+++ b/README.md",
  "@@ -10,3 +10,4 @@ Usage",
  " Run it:",
  "+",
  "+    python -m app",
)

const UNIFIED_DIFF = lines(
  "--- config.old.yaml\t2024-01-23 08:30:15.000000000 +0000",
  "+++ config.yaml\t2024-01-23 08:31:02.000000000 +0000",
  "@@ -3,4 +3,4 @@",
  " server:",
  "-  port: 8080",
  "+  port: 9090",
  "   host: 0.0.0.0",
  " logging: info",
)

const GIT_SHOW = lines(
  "commit 9f1c2e3d4b5a69788776655443322110ffeeddcc",
  "Author: Ada Lovelace <ada@example.com>",
  "Date:   Tue Jan 23 08:30:15 2024 +0000",
  "",
  "    Fix off-by-one in pager",
  "",
  "diff --git a/pager.go b/pager.go",
  "index 0a1b2c3..4d5e6f7 100644",
  "--- a/pager.go",
  "+++ b/pager.go",
  "@@ -20,7 +20,7 @@ func (p *Pager) Next() bool {",
  " \tif p.done {",
  " \t\treturn false",
  " \t}",
  "-\tp.page = p.page + 2",
  "+\tp.page = p.page + 1",
  " \treturn true",
  " }",
)

const GREP = lines(
  "src/main.py:42:def process(items):",
  "src/main.py:57:    return process(rest)",
  "src/util/helpers.py:13:from main import process",
  "tests/test_main.py:8:    assert process([]) == []",
  "docs/usage.md:21:Call `process` with a list.",
)

const GREP_CONTEXT = lines(
  "src/server.ts-40-  const app = express()",
  "src/server.ts:41:  app.use(logger())",
  "src/server.ts-42-  app.get('/health', health)",
  "--",
  "src/routes/users.ts-10-import { Router } from 'express'",
  "src/routes/users.ts:11:const router = Router()",
  "src/routes/users.ts-12-router.use(logger())",
)

const RG_HEADING = lines(
  "src/detect/index.ts",
  "12:export const detect = (text: string) => {",
  "40:  return detect(text)",
  "",
  "src/cli/main.ts",
  "3:import { detect } from '../detect/index.ts'",
  "77:    const d = detect(input)",
)

const VIMGREP = lines(
  "lib/a.rb:3:7:  def detect(x)",
  "lib/b.rb:18:5:    detect(y)",
  "spec/a_spec.rb:9:11:  it 'detects' do",
)

// Searching through logs: the hits contain timestamps, they are still search results.
const GREP_OF_LOGS = lines(
  "logs/app.log:1042:2024-01-23 08:30:19,007 ERROR [http-1] Request failed",
  "logs/app.log:1187:2024-01-23 08:41:02,311 ERROR [http-7] Request failed",
  "logs/app.1.log:88:2024-01-22 23:10:44,120 ERROR [http-2] Request failed",
)

const RG_JSON = lines(
  '{"type":"begin","data":{"path":{"text":"src/a.ts"}}}',
  '{"type":"match","data":{"path":{"text":"src/a.ts"},"lines":{"text":"detect(x)\\n"},"line_number":3,"absolute_offset":40,"submatches":[]}}',
  '{"type":"end","data":{"path":{"text":"src/a.ts"},"binary_offset":null,"stats":{"matches":1}}}',
  '{"type":"summary","data":{"elapsed_total":{"secs":0,"nanos":1},"stats":{"matches":1}}}',
)

const JAVA_TRACE = lines(
  'Exception in thread "main" java.lang.IllegalStateException: failed to start',
  "\tat com.example.App.start(App.java:42)",
  "\tat com.example.App.main(App.java:12)",
  "Caused by: java.io.FileNotFoundException: /etc/app/config.yaml (No such file or directory)",
  "\tat java.base/java.io.FileInputStream.open0(Native Method)",
  "\tat java.base/java.io.FileInputStream.open(FileInputStream.java:216)",
  "\tat com.example.Config.load(Config.java:30)",
  "\t... 2 more",
)

const PYTHON_TRACE = lines(
  "Traceback (most recent call last):",
  '  File "/app/main.py", line 14, in <module>',
  "    main()",
  '  File "/app/main.py", line 10, in main',
  "    cfg = load(path)",
  '  File "/app/config.py", line 5, in load',
  "    return json.loads(open(path).read())",
  "json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)",
  "",
  "During handling of the above exception, another exception occurred:",
  "",
  "Traceback (most recent call last):",
  '  File "/app/main.py", line 16, in <module>',
  "    raise SystemExit(1)",
  "SystemExit: 1",
)

const JS_TRACE = lines(
  "TypeError: Cannot read properties of undefined (reading 'id')",
  "    at getUser (/srv/app/src/users.js:18:23)",
  "    at Layer.handle [as handle_request] (/srv/app/node_modules/express/lib/router/layer.js:95:5)",
  "    at async Promise.all (index 0)",
  "    at /srv/app/src/server.js:44:9",
  "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
)

const GO_TRACE = lines(
  "panic: runtime error: index out of range [3] with length 3",
  "",
  "goroutine 1 [running]:",
  "main.parse({0xc000012345, 0x3, 0x3})",
  "\t/home/u/calc/parse.go:27 +0x1d",
  "main.main()",
  "\t/home/u/calc/main.go:11 +0x65",
  "",
  "goroutine 18 [chan receive]:",
  "main.worker(0xc00007e060)",
  "\t/home/u/calc/worker.go:9 +0x45",
  "created by main.main in goroutine 1",
  "\t/home/u/calc/main.go:8 +0x3a",
  "exit status 2",
)

const RUST_TRACE = lines(
  "thread 'main' panicked at src/main.rs:5:5:",
  "called `Option::unwrap()` on a `None` value",
  "stack backtrace:",
  "   0: rust_begin_unwind",
  "             at /rustc/abc123/library/std/src/panicking.rs:645:5",
  "   1: core::panicking::panic_fmt",
  "             at /rustc/abc123/library/core/src/panicking.rs:72:14",
  "   2: demo::main",
  "             at ./src/main.rs:5:5",
  "note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.",
)

const DOTNET_TRACE = lines(
  "Unhandled exception. System.InvalidOperationException: Sequence contains no elements",
  "   at System.Linq.ThrowHelper.ThrowNoElementsException()",
  "   at System.Linq.Enumerable.First[TSource](IEnumerable`1 source)",
  "   at Demo.Orders.Latest(List`1 orders) in C:\\src\\Demo\\Orders.cs:line 27",
  "   at Demo.Program.Main(String[] args) in C:\\src\\Demo\\Program.cs:line 9",
)

const RUBY_TRACE = lines(
  "app/models/order.rb:12:in `total': undefined method `+' for nil:NilClass (NoMethodError)",
  "\tfrom app/models/order.rb:20:in `summary'",
  "\tfrom app/controllers/orders_controller.rb:8:in `show'",
  "\tfrom bin/rails:4:in `<main>'",
)

const PYTHON = lines(
  "import os",
  "from dataclasses import dataclass",
  "",
  "",
  "@dataclass",
  "class Job:",
  '    """A unit of work."""',
  "",
  "    name: str",
  "    retries: int = 0",
  "",
  "    def run(self, env: dict[str, str]) -> bool:",
  "        if not self.name:",
  "            raise ValueError('empty name')",
  "        for key, value in env.items():",
  "            os.environ[key] = value",
  "        return self.retries is not None",
  "",
  "",
  "# Entry point used by the CLI.",
  'if __name__ == "__main__":',
  '    Job("demo").run({})',
)

const TYPESCRIPT = lines(
  "import type { Block } from './block'",
  "import { encode } from './tokens'",
  "",
  "export interface Options {",
  "  readonly limit: number",
  "  verbose?: boolean",
  "}",
  "",
  "type Result = { ok: true; value: string } | { ok: false }",
  "",
  "export const render = (blocks: ReadonlyArray<Block>, opts: Options): Result => {",
  "  const out: string[] = []",
  "  for (const b of blocks) {",
  "    if (out.length >= opts.limit) break",
  "    out.push(encode(b.text) as string)",
  "  }",
  "  return { ok: true, value: out.join('\\n') }",
  "}",
)

const TSX = lines(
  "import React, { useState } from 'react'",
  "",
  "interface Props {",
  "  title: string",
  "}",
  "",
  "export function Counter({ title }: Props): JSX.Element {",
  "  const [count, setCount] = useState<number>(0)",
  "  return (",
  "    <div className=\"counter\">",
  "      <h1>{title}</h1>",
  "      <button onClick={() => setCount(count + 1)}>{count}</button>",
  "    </div>",
  "  )",
  "}",
)

const JAVASCRIPT = lines(
  "'use strict'",
  "",
  "const fs = require('fs')",
  "const path = require('path')",
  "",
  "function readConfig(dir) {",
  "  const file = path.join(dir, 'config.json')",
  "  if (!fs.existsSync(file)) return undefined",
  "  return JSON.parse(fs.readFileSync(file, 'utf8'))",
  "}",
  "",
  "module.exports = { readConfig }",
)

const JSX = lines(
  "import React from 'react'",
  "",
  "export default function List({ items }) {",
  "  if (items === undefined) return null",
  "  return (",
  "    <ul>",
  "      {items.map((item) => <li key={item.id}>{item.name}</li>)}",
  "    </ul>",
  "  )",
  "}",
)

const GO = lines(
  "package main",
  "",
  "import (",
  '\t"fmt"',
  '\t"os"',
  ")",
  "",
  "type Config struct {",
  "\tPath string",
  "}",
  "",
  "func load(path string) (*Config, error) {",
  "\tdata, err := os.ReadFile(path)",
  "\tif err != nil {",
  "\t\treturn nil, err",
  "\t}",
  "\treturn &Config{Path: string(data)}, nil",
  "}",
  "",
  "func main() {",
  "\tdefer fmt.Println(\"bye\")",
  "}",
)

const RUST = lines(
  "use std::collections::HashMap;",
  "",
  "#[derive(Debug, Clone)]",
  "pub struct Cache {",
  "    entries: HashMap<String, Vec<u8>>,",
  "}",
  "",
  "impl Cache {",
  "    pub fn get(&self, key: &str) -> Option<&Vec<u8>> {",
  "        self.entries.get(key)",
  "    }",
  "",
  "    pub fn put(&mut self, key: String, value: Vec<u8>) {",
  "        let mut v = value;",
  "        v.shrink_to_fit();",
  "        self.entries.insert(key, v);",
  "    }",
  "}",
)

const JAVA = lines(
  "package com.example.cache;",
  "",
  "import java.util.HashMap;",
  "import java.util.Map;",
  "",
  "public class Cache<K, V> {",
  "  private final Map<K, V> entries = new HashMap<>();",
  "",
  "  @Override",
  "  public String toString() {",
  '    return "Cache(" + entries.size() + ")";',
  "  }",
  "",
  "  public V get(K key) throws IllegalArgumentException {",
  "    if (key == null) throw new IllegalArgumentException(\"key\");",
  "    return entries.get(key);",
  "  }",
  "}",
)

const C = lines(
  "#include <stdio.h>",
  "#include <stdlib.h>",
  "#include \"buffer.h\"",
  "",
  "#define CAP 64",
  "",
  "typedef struct node {",
  "    int value;",
  "    struct node *next;",
  "} node_t;",
  "",
  "static node_t *push(node_t *head, int value) {",
  "    node_t *n = malloc(sizeof(node_t));",
  "    if (n == NULL) return head;",
  "    n->value = value;",
  "    n->next = head;",
  "    return n;",
  "}",
  "",
  "int main(void) {",
  "    printf(\"%d\\n\", push(NULL, 1)->value);",
  "    return 0;",
  "}",
)

const CPP = lines(
  "#include <iostream>",
  "#include <vector>",
  "#include <memory>",
  "",
  "namespace demo {",
  "",
  "template <typename T>",
  "class Stack {",
  "public:",
  "  void push(const T& v) { items_.push_back(v); }",
  "  std::size_t size() const { return items_.size(); }",
  "private:",
  "  std::vector<T> items_;",
  "};",
  "",
  "}  // namespace demo",
  "",
  "int main() {",
  "  auto s = std::make_unique<demo::Stack<int>>();",
  "  s->push(1);",
  "  std::cout << s->size() << std::endl;",
  "  return 0;",
  "}",
)

const CSHARP = lines(
  "using System;",
  "using System.Collections.Generic;",
  "using System.Linq;",
  "",
  "namespace Demo.Orders",
  "{",
  "    public class Order",
  "    {",
  "        public int Id { get; set; }",
  "        public decimal Total { get; init; }",
  "    }",
  "",
  "    public static class Reports",
  "    {",
  "        public static async Task<decimal> SumAsync(IEnumerable<Order> orders)",
  "        {",
  "            var list = orders.ToList();",
  "            Console.WriteLine($\"{list.Count} orders\");",
  "            return list.Sum(o => o.Total);",
  "        }",
  "    }",
  "}",
)

const RUBY = lines(
  "require 'json'",
  "require_relative 'store'",
  "",
  "module Billing",
  "  class Invoice < Base",
  "    attr_reader :lines",
  "",
  "    def initialize(lines)",
  "      @lines = lines",
  "    end",
  "",
  "    def total",
  "      lines.sum { |l| l.amount }",
  "    end",
  "",
  "    def to_json(*args)",
  "      lines.each do |l|",
  "        puts \"#{l.name}: #{l.amount}\" unless l.amount.nil?",
  "      end",
  "    end",
  "  end",
  "end",
)

const SHELL = lines(
  "#!/usr/bin/env bash",
  "set -euo pipefail",
  "",
  'dir="${1:-.}"',
  "for f in \"$dir\"/*.log; do",
  '  if [[ -s "$f" ]]; then',
  '    echo "$f"',
  "  fi",
  "done",
)

const PHP = lines(
  "<?php",
  "",
  "namespace App\\Http;",
  "",
  "class UserController",
  "{",
  "    public function show(int $id): array",
  "    {",
  "        $user = $this->repo->find($id);",
  "        return ['id' => $user->id];",
  "    }",
  "}",
)

const MARKDOWN = lines(
  "# headroom",
  "",
  "Compresses logs, JSON and code before they are sent to an LLM.",
  "",
  "## Install",
  "",
  "```sh",
  "bun install",
  "bun run build",
  "```",
  "",
  "## Usage",
  "",
  "- `headroom file.log` prints the compressed file",
  "- `headroom --type json` forces the content kind",
  "",
  "| flag | meaning |",
  "|------|---------|",
  "| `-o` | output file |",
  "",
  "See [the docs](https://example.com/docs) for more.",
)

// Markdown that quotes a log and a diff in fences: the fenced lines must not make it a log.
const MARKDOWN_WITH_LOG = lines(
  "## Failure on CI",
  "",
  "The build failed with:",
  "",
  "```",
  "2024-01-23T08:30:15Z ERROR build failed",
  "2024-01-23T08:30:16Z ERROR exit code 2",
  "2024-01-23T08:30:17Z INFO cleaning up",
  "2024-01-23T08:30:18Z INFO done",
  "```",
  "",
  "and this is the patch:",
  "",
  "```diff",
  "-  retries: 1",
  "+  retries: 3",
  "```",
)

const CHANGELOG = lines(
  "- Fix crash on empty input ([#12](https://github.com/example/app/pull/12))",
  "- Add `--json` flag ([#15](https://github.com/example/app/pull/15))",
  "- Speed up detection ([#18](https://github.com/example/app/pull/18))",
)

const PROSE = lines(
  "The compressor reads its input once and keeps only what the model needs.",
  "Repeated lines are folded into a single marker, and long JSON arrays are sampled",
  "so that their shape survives while most of their bulk does not.",
  "",
  "Nothing here depends on the network; every decision is made locally and quickly.",
)

const YAML = lines(
  "apiVersion: apps/v1",
  "kind: Deployment",
  "metadata:",
  "  name: web",
  "  labels:",
  "    app: web",
  "spec:",
  "  replicas: 3",
  "  template:",
  "    spec:",
  "      containers:",
  "        - name: web",
  "          image: nginx:1.25",
)

const CSV = lines(
  "id,name,email,created",
  "1,Ada,ada@example.com,2024-01-01",
  "2,Linus,linus@example.com,2024-01-02",
  "3,Grace,grace@example.com,2024-01-03",
)

const TSC_LOG = lines(
  "src/index.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  "src/util.ts(3,1): error TS1005: ';' expected.",
  "",
  "Found 2 errors in 2 files.",
)

const ESLINT_LOG = lines(
  "/work/app/src/index.ts",
  "  12:7  error    'x' is assigned a value but never used  no-unused-vars",
  "  30:1  warning  Unexpected console statement            no-console",
  "",
  "\u2716 2 problems (1 error, 1 warning)",
)

const MYPY_LOG = lines(
  'app/main.py:12: error: Incompatible types in assignment (expression has type "str", variable has type "int")',
  "app/util.py:3: note: See https://mypy.rtfd.io for more",
  "Found 1 error in 1 file (checked 4 source files)",
)

const SHORT_PY_TRACE = lines(
  "Traceback (most recent call last):",
  '  File "job.py", line 3, in <module>',
  "    1 / 0",
  "ZeroDivisionError: division by zero",
)

const KOTLIN = lines(
  "package com.example",
  "",
  "import kotlinx.coroutines.launch",
  "",
  "data class User(val id: Int, val name: String)",
  "",
  "fun main() {",
  '    val users = listOf(User(1, "a"))',
  "    users.forEach { println(it.name) }",
  "}",
)

const SWIFT = lines(
  "import Foundation",
  "",
  "struct User: Codable {",
  "    let id: Int",
  "    var name: String",
  "}",
  "",
  "func greet(_ user: User) -> String {",
  '    return "Hello, \\(user.name)"',
  "}",
)

// A method under its Javadoc: little language-specific evidence, but every line is code-shaped.
const JAVADOC_SNIPPET = lines(
  "/**",
  " * Returns the next index.",
  " *",
  " * @param x the current index",
  " */",
  "public int next(int x) {",
  "  // wrap around at the end",
  "  return x + 1;",
  "}",
)

// Logging calls inside code do not make it a log.
const PYTHON_WITH_LOGGING = lines(
  "import logging",
  "",
  "log = logging.getLogger(__name__)",
  "",
  "def handle(req):",
  "    log.info('INFO handling %s', req.id)",
  "    try:",
  "        return process(req)",
  "    except ValueError as e:",
  "        log.error('ERROR bad request: %s', e)",
  "        raise",
)

// ------------------------------------------------------------------ tests

describe("detect: empty and trivial input", () => {
  test("empty text is text with confidence 0", () => {
    expect(detect("")).toEqual({ kind: "text", confidence: 0 })
  })
  test("whitespace only is text with confidence 0", () => {
    expect(detect("   \n\t  \n")).toEqual({ kind: "text", confidence: 0 })
    expect(detect("\r\n\r\n")).toEqual({ kind: "text", confidence: 0 })
  })
  test("a single line of prose is text", () => {
    expect(kindOf("Just some prose text without any structure or special markers.")).toBe("text")
    expect(kindOf("hello")).toBe("text")
  })
  test("a single log line is a log", () => {
    expect(kindOf("2024-01-23T08:30:15Z ERROR payment-service: connection refused")).toBe("log")
  })
  test("a single JSON object line is JSON, not JSON Lines", () => {
    expect(kindOf('{"foo": "bar"}')).toBe("json")
  })
  test("a single search hit is not enough for search", () => {
    expect(detect("src/a.ts:3:import x from 'y'").kind).not.toBe("search")
  })
})

describe("detect: binary", () => {
  test("a NUL character means binary", () => {
    expect(detect("abc\u0000def").kind).toBe("binary")
  })
  test("mostly control characters means binary", () => {
    expect(detect("\u0001\u0002\u0003\u0004\u0005\u0006ab\u0007\u0008\u000e\u000f").kind).toBe("binary")
  })
  test("magic numbers survive lossless decoding (PNG header)", () => {
    const png = decodeLossless(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x49, 0x48, 0x44, 0x52))
    expect(detect(png).kind).toBe("binary")
    expect(detect("%PDF-1.7\n%\u00e2\u00e3\n1 0 obj\n").kind).toBe("binary")
  })
  test("lone surrogates (escaped invalid bytes) do not make text binary", () => {
    const latin1 = decodeLossless(bytes(...utf8("Caf"), 0xe9, 0x20, ...utf8("cr"), 0xe8, ...utf8("me br"), 0xfb, ...utf8("l\u00e9e et na"), 0xef, ...utf8("ve\n")))
    expect(latin1).toContain("\udce9")
    expect(detect(latin1).kind).toBe("text")
    const escapedLog = SYSLOG.replace("deploy", "d\udcffpl\udc80y")
    expect(detect(escapedLog).kind).toBe("log")
    // Even text that is mostly escaped bytes (a legacy CJK encoding) is text, not binary.
    expect(detect("\udcc4\udce3\udcba\udcc3 \udcca\udcc0\udcbd\udce7\n".repeat(20)).kind).not.toBe("binary")
  })
  test("ANSI escapes and tabs are not control-character noise", () => {
    expect(detect(fixture("corpus/pod_logs_ansi.log")).kind).toBe("log")
  })
})

describe("looksBinary", () => {
  test("magic numbers", () => {
    expect(looksBinary(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13))).toBe(true) // PNG
    expect(looksBinary(bytes(0x50, 0x4b, 0x03, 0x04, 0x14, 0x00))).toBe(true) // ZIP / JAR
    expect(looksBinary(bytes(0x1f, 0x8b, 0x08, 0x00))).toBe(true) // gzip
    expect(looksBinary(bytes(0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01))).toBe(true) // ELF
    expect(looksBinary(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe(true) // JPEG
    expect(looksBinary(utf8("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n"))).toBe(true)
    expect(looksBinary(bytes(0xca, 0xfe, 0xba, 0xbe, 0x00, 0x00, 0x00, 0x34))).toBe(true) // class file
  })
  test("NUL bytes and control-byte noise", () => {
    expect(looksBinary(utf8("plain text\u0000with a NUL"))).toBe(true)
    const noisy = new Uint8Array(200)
    for (let i = 0; i < noisy.length; i++) noisy[i] = i % 2 === 0 ? 0x01 + (i % 7) : 0x41
    expect(looksBinary(noisy)).toBe(true)
    // UTF-16 text is NUL-heavy: not something the text pipeline can handle.
    expect(looksBinary(bytes(0xff, 0xfe, 0x68, 0x00, 0x69, 0x00))).toBe(true)
  })
  test("text is not binary: ASCII, emoji, CJK, ANSI, CRLF", () => {
    expect(looksBinary(new Uint8Array(0))).toBe(false)
    expect(looksBinary(utf8(SYSLOG))).toBe(false)
    expect(looksBinary(utf8("d\u00e9j\u00e0 vu \u{1f600}\u{1f680} \u65e5\u672c\u8a9e\u306e\u30c6\u30ad\u30b9\u30c8 \ud55c\uad6d\uc5b4\r\n"))).toBe(false)
    expect(looksBinary(utf8("\u001b[32mINFO\u001b[0m ready\r\n\tindented\f\v"))).toBe(false)
  })
  test("a few invalid UTF-8 bytes, or a legacy encoding, are not binary", () => {
    expect(looksBinary(bytes(...utf8("Caf"), 0xe9, ...utf8(" cr"), 0xe8, ...utf8("me\n")))).toBe(false)
    const gbk = new Uint8Array(400)
    for (let i = 0; i < gbk.length; i++) gbk[i] = i % 3 === 2 ? 0x20 : 0xb0 + (i % 40)
    expect(looksBinary(gbk)).toBe(false)
  })
  test("only the first 8 KiB are sniffed", () => {
    const text = utf8("a".repeat(10_000))
    const late = new Uint8Array(text.length + 1)
    late.set(text)
    expect(looksBinary(late)).toBe(false)
  })
  test("a UTF-8 sequence cut at the 8 KiB boundary is fine", () => {
    const s = utf8("\u00e9".repeat(5000)) // 10 000 bytes of two-byte sequences
    expect(looksBinary(s.subarray(0, 8193))).toBe(false)
  })
})

describe("detect: json", () => {
  test("documents parse exactly", () => {
    expect(detect('{"a": [1, 2, {"b": null}]}')).toEqual({ kind: "json", confidence: 1 })
    expect(detect("[]")).toEqual({ kind: "json", confidence: 1 })
    expect(kindOf("[1, 2, 3, 4, 5]")).toBe("json")
    expect(kindOf('[{"id":1,"name":"a"},{"id":2,"name":"b"}]')).toBe("json")
    expect(kindOf('\ufeff  {\n  "pretty": true\n}\n')).toBe("json")
  })
  test("a corpus document (kubectl get pod -o json)", () => {
    expect(detect(fixture("corpus/kubectl_pod.json"))).toEqual({ kind: "json", confidence: 1 })
  })
  test("CRLF JSON", () => {
    expect(kindOf('{\r\n  "a": 1,\r\n  "b": [true, false]\r\n}\r\n')).toBe("json")
  })
  test("scalars are not JSON documents", () => {
    expect(kindOf("42")).toBe("text")
    expect(kindOf('"just a string"')).toBe("text")
  })
  test("JSONC (comments, trailing commas) is JSON with lower confidence", () => {
    const d = detect('{\n  // compiler options\n  "compilerOptions": {\n    "strict": true,\n  },\n}\n')
    expect(d.kind).toBe("json")
    expect(d.confidence).toBeLessThan(1)
  })
  test("a truncated document is still JSON", () => {
    const d = detect('{\n  "items": [\n    {"id": 1, "name": "a"},\n    {"id": 2, "na')
    expect(d.kind).toBe("json")
    expect(d.confidence).toBeLessThan(0.9)
  })
  test("bracketed log lines and Python reprs are not JSON", () => {
    expect(kindOf(APACHE_LOG)).toBe("log")
    expect(detect("{'a': 1, 'b': [1, 2]}").kind).not.toBe("json")
    expect(detect("[1] first\n[2] second\n").kind).not.toBe("json")
  })
  test("documents above the parse limit are checked structurally", () => {
    const item = '{"id": 123456, "name": "item", "tags": ["a", "b"], "ok": true}'
    const big = "[" + Array.from({ length: 40_000 }, () => item).join(",\n") + "]"
    expect(big.length).toBeGreaterThan(2 * 1024 * 1024)
    const d = detect(big)
    expect(d.kind).toBe("json")
    expect(d.confidence).toBeGreaterThanOrEqual(0.9)
  })
})

describe("detect: JSON Lines", () => {
  test("go test -json is a log with language jsonl (corpus excerpt)", () => {
    expect(kindOf(fixture("corpus/go_test.jsonl"))).toBe("log/jsonl")
  })
  test("structured logs", () => {
    const jsonl = lines(
      '{"ts":"2024-01-23T08:30:15Z","level":"info","msg":"start"}',
      '{"ts":"2024-01-23T08:30:16Z","level":"error","msg":"boom","err":"EOF"}',
    )
    expect(kindOf(jsonl)).toBe("log/jsonl")
    expect(kindOf(jsonl.replaceAll("\n", "\r\n"))).toBe("log/jsonl")
  })
  test("ripgrep --json output is search", () => {
    expect(kindOf(RG_JSON)).toBe("search/jsonl")
  })
  test("pod logs mixing JSON and plain lines are a log (corpus excerpt)", () => {
    expect(detect(fixture("corpus/pod_logs_mixed_json.log")).kind).toBe("log")
  })
})

describe("detect: logs", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["syslog", SYSLOG],
    ["compact yymmdd hhmmss timestamps", COMPACT_TS_LOG],
    ["RAS log with epoch and dotted timestamps", RAS_LOG],
    ["epoch in the middle of the line", EPOCH_LOG],
    ["klog", KLOG],
    ["Android logcat", ANDROID_LOG],
    ["Apache error log", APACHE_LOG],
    ["logfmt", LOGFMT],
    ["level tokens without timestamps", LEVEL_ONLY_LOG],
    ["application log with an embedded stack trace", APP_LOG_WITH_TRACE],
    ["npm", NPM_LOG],
    ["pip", PIP_LOG],
    ["cargo error", CARGO_ERROR_LOG],
    ["maven", MAVEN_LOG],
    ["gradle", GRADLE_LOG],
    ["gcc + make with diagnostics", GCC_MAKE_LOG],
    ["compiler diagnostics only", DIAGNOSTICS_ONLY],
    ["tsc", TSC_LOG],
    ["eslint", ESLINT_LOG],
    ["mypy (path:line: error:)", MYPY_LOG],
    ["pytest", PYTEST_LOG],
    ["jest", JEST_LOG],
    ["go test", GO_TEST_LOG],
    ["docker build", DOCKER_LOG],
    ["docker buildkit", BUILDKIT_LOG],
    ["kubectl session", KUBECTL_LOG],
    ["CI command echo", TRAVIS_STYLE],
    ["progress bars with carriage returns", PROGRESS],
  ]
  for (const [name, text] of cases) {
    test(name, () => {
      expect(detect(text).kind).toBe("log")
    })
  }
  test("CRLF line endings", () => {
    expect(detect(SYSLOG.replaceAll("\n", "\r\n")).kind).toBe("log")
    expect(detect(MAVEN_LOG.replaceAll("\n", "\r\n")).kind).toBe("log")
  })
  const corpus: ReadonlyArray<string> = [
    "github_actions.log", // GitHub Actions: "2022-05-30T09:10:31.1584995Z " prefixes, CRLF
    "jenkins_maven.log", // Jenkins + Maven, ANSI-coloured [WARNING]/[ERROR]
    "travis_go_preamble.log", // Travis preamble: ANSI + CR, but mostly version banners
    "travis_cargo.log", // cargo Downloaded/Compiling + shell xtrace
    "pod_logs_ansi.log", // Python service log with ANSI colours
  ]
  for (const name of corpus) {
    test(`corpus excerpt ${name}`, () => {
      expect(detect(fixture(`corpus/${name}`)).kind).toBe("log")
    })
  }
})

describe("detect: diff", () => {
  test("git diff", () => {
    const d = detect(GIT_DIFF)
    expect(d.kind).toBe("diff")
    expect(d.confidence).toBeGreaterThan(0.9)
  })
  test("plain unified diff", () => {
    expect(detect(UNIFIED_DIFF).kind).toBe("diff")
  })
  test("git show (commit header before the diff)", () => {
    expect(detect(GIT_SHOW).kind).toBe("diff")
  })
  test("CRLF diff", () => {
    expect(detect(GIT_DIFF.replaceAll("\n", "\r\n")).kind).toBe("diff")
  })
  test("a YAML list is not a diff", () => {
    expect(detect(lines("- a", "- b", "+ c", "- d")).kind).not.toBe("diff")
  })
})

describe("detect: search results", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["grep -rn", GREP],
    ["grep -C with context lines and separators", GREP_CONTEXT],
    ["rg --heading", RG_HEADING],
    ["vimgrep (path:line:col:text)", VIMGREP],
    ["hits inside log files", GREP_OF_LOGS],
    ["Windows paths", lines("C:\\src\\app\\main.cs:12:    var x = 1;", "C:\\src\\app\\util.cs:40:    var y = 2;")],
  ]
  for (const [name, text] of cases) {
    test(name, () => {
      expect(detect(text).kind).toBe("search")
    })
  }
  test("grep -n on a single file (line numbers only)", () => {
    expect(kindOf(lines("12:import os", "40:    os.remove(path)", "97:        os.rename(a, b)"))).toBe("search")
  })
  test("a list numbered 1, 2, 3 is not grep -n output", () => {
    expect(kindOf(lines("1: first step", "2: second step", "3: third step"))).toBe("text")
  })
  test("timestamps are not path:line hits", () => {
    expect(kindOf(lines("2024-01-23T08:30:15Z start", "2024-01-23T08:30:16Z stop"))).toBe("log")
  })
})

describe("detect: stack traces", () => {
  const cases: ReadonlyArray<readonly [string, string]> = [
    ["Java with Caused by", JAVA_TRACE],
    ["Python with chained exceptions", PYTHON_TRACE],
    ["Node.js", JS_TRACE],
    ["Go panic with goroutines", GO_TRACE],
    ["Rust panic with backtrace", RUST_TRACE],
    [".NET", DOTNET_TRACE],
    ["Ruby", RUBY_TRACE],
  ]
  for (const [name, text] of cases) {
    test(name, () => {
      expect(detect(text).kind).toBe("stacktrace")
    })
  }
  test("a one-frame Python traceback", () => {
    expect(detect(SHORT_PY_TRACE).kind).toBe("stacktrace")
  })
  test("two log lines around a traceback are still mostly trace", () => {
    expect(detect("INFO:root:starting\nERROR:root:failed\n" + SHORT_PY_TRACE).kind).toBe("stacktrace")
  })
  test("CRLF trace", () => {
    expect(detect(JAVA_TRACE.replaceAll("\n", "\r\n")).kind).toBe("stacktrace")
  })
})

describe("detect: code", () => {
  const cases: ReadonlyArray<readonly [string, string, string]> = [
    ["python", PYTHON, "python"],
    ["typescript", TYPESCRIPT, "typescript"],
    ["tsx", TSX, "typescript"],
    ["javascript (CommonJS)", JAVASCRIPT, "javascript"],
    ["jsx", JSX, "javascript"],
    ["go", GO, "go"],
    ["rust", RUST, "rust"],
    ["java", JAVA, "java"],
    ["c", C, "c"],
    ["c++", CPP, "cpp"],
    ["c#", CSHARP, "csharp"],
    ["ruby", RUBY, "ruby"],
    ["shell", SHELL, "shell"],
    ["php", PHP, "php"],
    ["kotlin", KOTLIN, "kotlin"],
    ["swift (not python, despite `import Foundation`)", SWIFT, "swift"],
    ["a method under its Javadoc", JAVADOC_SNIPPET, "java"],
    ["python with logging calls", PYTHON_WITH_LOGGING, "python"],
  ]
  for (const [name, text, language] of cases) {
    test(name, () => {
      const d = detect(text)
      expect(d.kind).toBe("code")
      expect(d.language).toBe(language)
    })
  }
  test("CRLF code", () => {
    expect(kindOf(GO.replaceAll("\n", "\r\n"))).toBe("code/go")
  })
  // Excerpts from the middle of real files: no package/import header to lean on.
  const corpus: ReadonlyArray<readonly [string, string, string]> = [
    ["gin_tree.go.txt", "tree.go", "go"],
    ["gson_JsonReader.java.txt", "JsonReader.java", "java"],
    ["requests_utils.py.txt", "utils.py", "python"],
    ["ripgrep_glob.rs.txt", "glob.rs", "rust"],
    ["query_queryClient.ts.txt", "queryClient.ts", "typescript"],
  ]
  for (const [file, path, language] of corpus) {
    test(`corpus excerpt ${file}`, () => {
      const text = fixture(`corpus/${file}`)
      expect(kindOf(text)).toBe(`code/${language}`)
      expect(kindOf(text, path)).toBe(`code/${language}`)
    })
  }
})

describe("detect: markdown", () => {
  test("README with headings, fences, lists, a table and links", () => {
    const d = detect(MARKDOWN)
    expect(d.kind).toBe("markdown")
    expect(d.confidence).toBeGreaterThan(0.6)
  })
  test("fenced logs and diffs stay markdown", () => {
    expect(detect(MARKDOWN_WITH_LOG).kind).toBe("markdown")
  })
  test("a changelog of linked bullets", () => {
    expect(detect(CHANGELOG).kind).toBe("markdown")
  })
  test("CRLF markdown", () => {
    expect(detect(MARKDOWN.replaceAll("\n", "\r\n")).kind).toBe("markdown")
  })
})

describe("detect: text", () => {
  test("prose", () => {
    expect(kindOf(PROSE)).toBe("text")
  })
  test("YAML and CSV have no kind of their own", () => {
    expect(kindOf(YAML)).toBe("text")
    expect(kindOf(CSV)).toBe("text")
  })
  test("XML and HTML documents are text, named by language", () => {
    // JUnit XML: text, even though the report embeds a Java stack trace.
    expect(kindOf(fixture("corpus/junit_report.xml"))).toBe("text/xml")
    expect(kindOf("<!DOCTYPE html>\n<html>\n<head><title>x</title></head>\n<body><p>hi</p></body>\n</html>\n")).toBe("html")
  })
})

describe("detect: path hint", () => {
  test("picks within a family the content cannot split", () => {
    const plain = lines("export function add(a, b) {", "  return a + b", "}", "export const zero = add(0, 0)")
    expect(kindOf(plain)).toBe("code/javascript")
    expect(kindOf(plain, "src/math.ts")).toBe("code/typescript")
    expect(kindOf(plain, "src/math.mjs")).toBe("code/javascript")
    const header = lines("#ifndef BUF_H", "#define BUF_H", "int buf_len(const char *s);", "#endif")
    expect(kindOf(header, "include/buf.h")).toBe("code/c")
    expect(kindOf(header, "include/buf.hpp")).toBe("code/cpp")
  })
  test("names languages without content rules", () => {
    expect(kindOf(lines("fun main() {", '    println("hi")', "}"), "Main.kt")).toBe("code/kotlin")
  })
  test("tips close calls", () => {
    expect(kindOf(PROSE, "README.md")).toBe("markdown")
  })
  test("never overrides clear content evidence", () => {
    expect(kindOf('{"a": 1, "b": [2, 3]}', "server.log")).toBe("json")
    expect(detect(SYSLOG, { path: "main.py" }).kind).toBe("log")
    expect(kindOf(GO, "notes.txt")).toBe("code/go")
    expect(kindOf(RUST, "lib.py")).toBe("code/rust")
    expect(kindOf(YAML, "data.json")).toBe("text")
    expect(kindOf(GIT_DIFF, "notes.md")).toBe("diff")
  })
  test("rotated log names count as logs", () => {
    expect(detect(lines("starting", "ready", "stopping"), { path: "/var/log/app.log.1" }).kind).toBe("log")
  })
})

describe("detect: contract", () => {
  const all = [SYSLOG, GIT_DIFF, GREP, JAVA_TRACE, PYTHON, MARKDOWN, PROSE, RG_JSON, "", "x", "{}"]
  test("always a known kind with confidence in [0, 1]", () => {
    for (const text of all) {
      const d: Detection = detect(text)
      expect(CONTENT_KINDS).toContain(d.kind)
      expect(d.confidence).toBeGreaterThanOrEqual(0)
      expect(d.confidence).toBeLessThanOrEqual(1)
    }
  })
  test("deterministic", () => {
    for (const text of all) expect(detect(text)).toEqual(detect(text))
  })
  test("language only for code, JSON Lines and markup", () => {
    for (const text of all) {
      const d = detect(text)
      if (d.language !== undefined) expect(["code", "log", "search", "text"]).toContain(d.kind)
    }
  })
})

describe("detect: cost is bounded", () => {
  const time = (f: () => void): number => {
    const t0 = performance.now()
    f()
    return performance.now() - t0
  }
  test("a 100 MB log is decided from a sample", () => {
    const line = "2024-01-23T08:30:15.123Z INFO  [worker-3] job 1234 finished in 12ms status=ok\n"
    const big = line.repeat(Math.ceil((100 * 1024 * 1024) / line.length))
    detect(big) // warm up the regexes
    const ms = time(() => expect(detect(big).kind).toBe("log"))
    expect(ms).toBeLessThan(50) // typically ~1 ms; generous bound for slow CI machines
  })
  test("a single 20 MB line (minified JS) is bounded too", () => {
    const big = "var a=function(b){return b+1};".repeat(700_000)
    const ms = time(() => detect(big))
    expect(ms).toBeLessThan(50)
  })
  test("hostile lines do not backtrack catastrophically", () => {
    const hostile = [
      "a:".repeat(50_000),
      "at " + "a.".repeat(50_000),
      "[" + "a ".repeat(50_000),
      "x-1".repeat(30_000),
      "\t" + "/".repeat(100_000) + ".go:1",
      "**" + "*a".repeat(50_000),
      "[".repeat(100_000),
      "{".repeat(100_000),
      ('{"a":' as string).repeat(20_000),
      "_".repeat(100_000),
    ]
    for (const h of hostile) {
      const text = (h + "\n").repeat(5)
      const ms = time(() => expect(detect(text).kind).toBe("text"))
      expect(ms).toBeLessThan(100)
    }
  })
})

describe("sampleText", () => {
  test("small text: every line, CRLF stripped and counted", () => {
    const s = sampleText("a\r\nb\r\n\r\nc")
    expect(s.lines.map((l) => l.text)).toEqual(["a", "b", "", "c"])
    expect(s.crlf).toBe(3)
    expect(s.nonBlank).toBe(3)
    expect(s.partial).toBe(false)
  })
  test("large text: the prefix plus windows from the middle and the end, whole lines only", () => {
    const line = (i: number): string => `line ${String(i).padStart(7, "0")} ${"x".repeat(40)}`
    const text = Array.from({ length: 40_000 }, (_, i) => line(i)).join("\n")
    expect(text.length).toBeGreaterThan(PREFIX_CHARS + 3 * WINDOW_CHARS)
    const s = sampleText(text)
    expect(s.partial).toBe(true)
    const texts = s.lines.map((l) => l.text)
    expect(texts[0]).toBe(line(0))
    expect(texts.at(-1)).toBe(line(39_999))
    // Every sampled line is a whole line of the input, and some come from the middle.
    for (const t of texts) expect(t).toMatch(/^line \d{7} x{40}$/)
    expect(texts.some((t) => t.startsWith("line 002"))).toBe(true)
  })
  test("ANSI colours and carriage-return redraws are resolved", () => {
    const s = sampleText("\x1b[32mok\x1b[0m done\n 10%\r 55%\r100%\n")
    expect(s.lines.map((l) => [l.text, l.ansi, l.cr])).toEqual([
      ["ok done", true, false],
      ["100%", false, true],
    ])
  })
  test("lines are capped for the regexes", () => {
    const s = sampleText("y".repeat(10_000))
    expect(s.lines[0]!.text.length).toBeLessThanOrEqual(500)
    expect(s.lines[0]!.full.length).toBe(10_000)
  })
})
