import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { expect, it } from "vitest";
import { HandlerCompiler } from "../../daemon/executor/compiler.js";
import { NpmPackages } from "../../daemon/executor/npm-packages.js";
import { WorkerPool } from "../../daemon/executor/pool.js";
import type { RunRequest } from "../../daemon/executor/protocol.js";
import { LogBacklog } from "../../daemon/logs/backlog.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";
import { eventually } from "../helpers/functions.js";

it("recycles a worker that has imported too many handler versions, without failing a request", async () => {
  const dir = tempDir();
  const code = join(dir, "code");
  const compiler = new HandlerCompiler(code, join(dir, "cache"), new NpmPackages(join(dir, "npm")));
  let logText = "";
  const out = new PassThrough().on("data", (chunk) => {
    logText += chunk;
  });
  const pool = new WorkerPool({
    script: new URL(`file://${join(PACKAGE_ROOT, "dist", "worker.js")}`),
    size: () => 1,
    memoryMb: () => 128,
    onLogs: () => {},
    logBacklog: new LogBacklog({ entries: 10_000, bytes: 1 << 24 }).shared,
    onSecret: async () => undefined,
    log: new ServerLog(out),
    maxModules: 3,
  });
  deferCleanup(() => pool.stop());

  const request = (moduleUrl: string): Omit<RunRequest, "type" | "id" | "deadline"> => ({
    requestId: "r",
    functionId: "f",
    route: { name: "v", description: undefined, handler: "src/v.ts", route: "/v", methods: ["GET"], keys: undefined },
    moduleUrl,
    method: "GET",
    url: "http://localhost/v",
    headers: [],
  });
  const file = join(code, "src", "v.ts");
  mkdirSync(join(code, "src"), { recursive: true });
  for (let version = 1; version <= 8; version++) {
    writeFileSync(file, `export default (c) => c.text("v${version}");`);
    compiler.changed(file);
    const compiled = await compiler.compile("src/v.ts");
    if (compiled.kind !== "ok") throw new Error(`compile failed: ${compiled.kind}`);
    const reply = await pool.dispatch(request(compiled.moduleUrl), 10_000).reply;
    expect(reply.kind).toBe("response");
    if (reply.kind === "response") expect(new TextDecoder().decode(reply.body as Uint8Array)).toBe(`v${version}`);
  }
  await eventually("a recycled worker", () => (logText.includes("recycling a handler worker") ? true : undefined));
  await eventually("one worker again", () => (pool.state().workers === 1 ? true : undefined));
});
