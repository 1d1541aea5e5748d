import { execa } from "execa";
import { beforeAll, describe, expect, it } from "vitest";
import type { StoredLog } from "../../src/api-types.js";
import { deferCleanup } from "../helpers/cleanup.js";
import { CRUDE_BIN, isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { waitFor } from "../helpers/process-daemon.js";
import { call, daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();
let t: TestDaemon;
let crude: (args: string[]) => ReturnType<typeof runCliInProcess>;

const HANDLER = `export default (c) => {
  const tag = c.req.query("tag") ?? "t";
  console.log(tag + " first");
  console.error(tag + " broke\\n  at line two");
  return c.text("ok");
}`;

/** Invokes `name` and waits until its four entries (start, log, error, end) are stored. */
async function invoke(name: string, tag: string): Promise<void> {
  expect((await call(t, "GET", `/run/${name}?tag=${tag}`)).status).toBe(200);
  await eventually(`the entries of ${tag}`, async () => {
    const result = await crude(["logs", "--json", "--level", "exec_end", "--function", name, "-n", "1000"]);
    const ends = result.stdout.split("\n").filter(Boolean).length;
    return ends >= (invocations[name] ?? 0) ? true : undefined;
  });
}
const invocations: Record<string, number> = {};

beforeAll(async () => {
  t = daemon();
  const env = isolatedEnv({ CRUDE_HOME: t.dataDir, TZ: "UTC" });
  crude = (args) => runCliInProcess(args, { env });
  await deployHandler(t, "hello", HANDLER);
  await deployHandler(t, "other", HANDLER);
  for (const [name, tag] of [
    ["hello", "a"],
    ["other", "b"],
    ["hello", "c"],
  ] as const) {
    invocations[name] = (invocations[name] ?? 0) + 1;
    await invoke(name, tag);
  }
});

describe("crude logs", () => {
  it("prints entries oldest first: time, level, function, short request id, indented message lines", async () => {
    const result = await crude(["logs", "--function", "hello"]);
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(10);
    const row = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} (\S+)\s+hello\s+([0-9a-f]{8}) (.*)$/;
    expect(lines[0]).toMatch(row);
    expect(lines.map((line) => row.exec(line)?.[1] ?? "(continued)")).toEqual([
      "start",
      "log",
      "error",
      "(continued)",
      "end",
      "start",
      "log",
      "error",
      "(continued)",
      "end",
    ]);
    expect(row.exec(lines[1] ?? "")?.[3]).toBe("a first");
    expect(row.exec(lines[2] ?? "")?.[3]).toBe("a broke");
    // The continuation starts in the message column.
    const column = (lines[2] ?? "").indexOf("a broke");
    expect(lines[3]).toBe(`${" ".repeat(column)}  at line two`);
  });

  it("prints NDJSON in the API's shape with --json", async () => {
    const result = await crude(["logs", "--json", "--level", "log"]);
    const entries = result.stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as StoredLog);
    expect(entries.map((entry) => entry.message)).toEqual(["a first", "b first", "c first"]);
    expect(Object.keys(entries[0] ?? {}).sort()).toEqual(["functionId", "id", "level", "message", "requestId", "sequence", "timestamp"]);
  });

  it("narrows by request id prefix, level, limit and age", async () => {
    const all = (await crude(["logs", "--json", "--level", "log"])).stdout
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line) as StoredLog);
    const request = all[1]?.requestId.slice(0, 8) ?? "";
    const one = await crude(["logs", "--request", request]);
    expect(one.stdout).toContain("b first");
    expect(one.stdout).not.toContain("a first");
    expect((await crude(["logs", "-n", "2", "--level", "log,warn"])).stdout).toMatch(/b first\n.*c first\n$/);
    expect((await crude(["logs", "--since", "1h", "--level", "log"])).stdout.split("\n").filter(Boolean)).toHaveLength(3);
    const none = await crude(["logs", "--since", "2999-01-01"]);
    expect(none).toMatchObject({ code: 0, stdout: "", stderr: "crude: no log entries match\n" });
  });

  it("refuses bad input with a clear message and exit code", async () => {
    const cases: [string[], number, string][] = [
      [["logs", "--function", "ghost"], 1, "crude: no function 'ghost'\n  list them with: crude functions list\n"],
      [["logs", "-n", "0"], 2, "crude: --limit must be a positive whole number, not '0'\n"],
      [
        ["logs", "--since", "whenever"],
        2,
        "crude: --since takes an age such as 30s, 10m, 2h, 7d or a date/time such as 2026-11-28T09:00, not 'whenever'\n",
      ],
      [
        ["logs", "--level", "loud"],
        1,
        "crude: Invalid level values: loud. Valid levels: log, debug, info, warn, error, trace, stdout, stderr, exec_start, exec_end, exec_reject\n",
      ],
      [["logs", "--request", "xyz"], 1, "crude: Invalid requestId parameter: give a request id or its first characters\n"],
    ];
    for (const [args, code, stderr] of cases) expect(await crude(args), args.join(" ")).toMatchObject({ code, stdout: "", stderr });
  });
});

describe("crude logs --follow", () => {
  it("prints live entries, survives a daemon restart without gaps or repeats, and exits 0 on Ctrl-C", async () => {
    const own = await startTestDaemon();
    await deployHandler(own, "pulse", `export default (c) => { console.log("beat " + c.req.query("n")); return c.text("ok"); }`);
    await call(own, "GET", "/run/pulse?n=1");
    const env = isolatedEnv({ CRUDE_HOME: own.dataDir });
    const child = execa(process.execPath, [CRUDE_BIN, "logs", "--follow", "--json", "--level", "log"], {
      env,
      extendEnv: false,
      reject: false,
    });
    deferCleanup(async () => {
      child.kill("SIGKILL");
      await child;
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    const messages = () =>
      stdout
        .split("\n")
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as StoredLog).message);
    const printed = (message: string) =>
      waitFor(`'${message}' to be printed`, async () => (messages().includes(message) ? true : undefined));
    await printed("beat 1");
    await call(own, "GET", "/run/pulse?n=2");
    await printed("beat 2");

    await own.daemon.stop();
    await waitFor("the follower to notice", async () => (stderr.includes("reconnecting") ? true : undefined));
    const again = await startTestDaemon({ dataDir: own.dataDir });
    await call(again, "GET", "/run/pulse?n=3");
    await printed("beat 3");
    expect(stderr).toContain("crude: reconnected");

    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(messages()).toEqual(["beat 1", "beat 2", "beat 3"]);
  });
});
