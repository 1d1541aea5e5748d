import { beforeAll, describe, expect, it } from "vitest";
import type { FunctionsListBody, SettingsListBody, StatusBody } from "../../src/api-types.js";
import type { Env } from "../../src/paths.js";
import { isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { call, daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();
let t: TestDaemon;
let env: Env;

const ESCAPE = "\u001b";
/** Commands that style their output: table heads, changed settings, log levels, the status headline, the chart. */
const COLOURFUL = [
  ["functions", "list"],
  ["settings", "list"],
  ["logs"],
  ["daemon", "status"],
  ["metrics"],
  ["keys", "groups", "get", "management"],
];

beforeAll(async () => {
  t = daemon();
  env = isolatedEnv({ CRUDE_HOME: t.dataDir });
  await deployHandler(t, "hello", "export default (c) => { console.warn('careful'); return c.text('hi'); };");
  expect((await call(t, "GET", "/run/hello")).status).toBe(200);
  await eventually("the call's log entries", async () => {
    const stdout = (await runCliInProcess(["logs", "--json"], { env })).stdout;
    return stdout.includes('"exec_end"') ? true : undefined;
  });
  // A changed setting is shown in bold.
  await t.socket.put("/api/settings", { body: { settings: { "log.level": "debug" } } });
});

describe("colours", () => {
  it("are used on a terminal", async () => {
    for (const args of COLOURFUL.filter(([group]) => group !== "metrics")) {
      const result = await runCliInProcess(args, { env: { ...env, NO_COLOR: undefined }, stdoutIsTTY: true, stderrIsTTY: true });
      expect(result.code, args.join(" ")).toBe(0);
      expect(result.stdout, args.join(" ")).toContain(`${ESCAPE}[`);
    }
  });

  it("are never used with NO_COLOR or --no-color, or when stdout is not a terminal, even when it is one", async () => {
    const plain: [string, Parameters<typeof runCliInProcess>[1]][] = [
      ["NO_COLOR=1", { env: { ...env, NO_COLOR: "1" }, stdoutIsTTY: true, stderrIsTTY: true }],
      ["--no-color", { env: { ...env, NO_COLOR: undefined }, stdoutIsTTY: true, stderrIsTTY: true }],
      ["piped", { env: { ...env, NO_COLOR: undefined }, stderrIsTTY: true }],
    ];
    for (const [how, options] of plain) {
      for (const args of COLOURFUL) {
        const line = how === "--no-color" ? ["--no-color", ...args] : args;
        const result = await runCliInProcess(line, options);
        expect(result.code, `${how} ${args.join(" ")}`).toBe(0);
        expect(result.stdout, `${how} ${args.join(" ")}`).not.toContain(ESCAPE);
        expect(result.stderr, `${how} ${args.join(" ")}`).not.toContain(ESCAPE);
      }
      // Errors are plain too.
      const refused = await runCliInProcess(["functions", "get", "ghost"], options);
      expect(refused).toMatchObject({ code: 1, stderr: "crude: no function 'ghost'\n  list them with: crude functions list\n" });
    }
  });
});

describe("--quiet", () => {
  const quiet = async (args: string[], input?: string) => {
    const result = await runCliInProcess([...args, "-q"], { env, input });
    expect(result, `${args.join(" ")} -q: ${result.stderr}`).toMatchObject({ code: 0, stderr: "" });
    return result.stdout;
  };

  it("lists one id or name per line", async () => {
    const { settings } = await t.socket.get<SettingsListBody>("/api/settings");
    expect(await quiet(["settings", "list"])).toBe(`${settings.map((s) => s.name).join("\n")}\n`);
    const { functions } = await t.socket.get<FunctionsListBody>("/api/functions");
    expect(await quiet(["functions", "list"])).toBe(`${functions.map((fn) => fn.id).join("\n")}\n`);
    expect(await quiet(["config", "list"])).toBe("default\n");
    expect(await quiet(["daemon", "status"])).toBe(`${(await t.socket.get<StatusBody>("/api/status")).pid}\n`);
    expect(await quiet(["encryption", "status"])).toBe("A\n");
  });

  it("prints only the id of what a command created, changed or deleted", async () => {
    // The first account is the permanent administrator, which no one may delete.
    await quiet(["users", "create", "admin@example.com"], "admin-password");
    const userId = (await quiet(["users", "create", "ops@example.com"], "ops-password")).trim();
    expect(userId).toMatch(/^\S+$/);
    expect(await quiet(["users", "update", "ops@example.com"], "new-password")).toBe(`${userId}\n`);
    expect(await quiet(["users", "delete", "ops@example.com", "--yes"])).toBe(`${userId}\n`);

    const secretId = (await quiet(["secrets", "set", "TOKEN", "one"])).trim();
    expect(await quiet(["secrets", "set", "TOKEN", "two"])).toBe(`${secretId}\n`);
    expect(await quiet(["secrets", "delete", "TOKEN", "--yes"])).toBe(`${secretId}\n`);

    await quiet(["sources", "create", "app"]);
    expect(await quiet(["files", "put", "app", "a.ts"], "export {};\n")).toBe("a.ts\n");
    expect(await quiet(["files", "delete", "app", "a.ts", "--yes"])).toBe("a.ts\n");

    const hello = (await t.socket.get<FunctionsListBody>("/api/functions")).functions.find((fn) => fn.name === "hello");
    expect(await quiet(["logs", "clear", "--function", "hello", "--yes"])).toBe(`${hello?.id}\n`);
    expect(await quiet(["settings", "set", "log.level=info"])).toBe("");
    expect(await quiet(["config", "set", "data-dir", t.dataDir])).toBe("");
    expect(await quiet(["config", "unset", "data-dir"])).toBe("");
    expect(await quiet(["encryption", "rotate", "--yes"])).toBe("B\n");
  });

  it("leaves confirmations to people otherwise", async () => {
    const set = await runCliInProcess(["config", "set", "data-dir", t.dataDir], { env });
    expect(set.stdout).toBe("Set data-dir in profile 'default'.\n");
    const unset = await runCliInProcess(["config", "unset", "data-dir"], { env });
    expect(unset).toEqual({ code: 0, stdout: "Removed data-dir from profile 'default'.\n", stderr: "" });
  });
});
