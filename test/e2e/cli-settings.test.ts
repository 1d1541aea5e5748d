import { describe, expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { tempDir } from "../helpers/cleanup.js";
import { isolatedEnv, runCliInProcess, runCrude } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";

describe("crude settings", () => {
  it("lists settings as a table, and as the API's JSON with --json", async () => {
    const { env } = await daemonWithCli();
    const table = await runCliInProcess(["settings", "list"], { env });
    expect(table.code).toBe(0);
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+VALUE\s+DEFAULT$/);
    expect(table.stdout).toMatch(/^log\.level\s+info\s+info$/m);

    const json = await runCliInProcess(["settings", "list", "--json"], { env });
    const body = JSON.parse(json.stdout);
    expect(body.settings).toContainEqual({ name: "log.level", value: "info", default: "info" });
  });

  it("sets several values at once and gets one back", async () => {
    const { env } = await daemonWithCli();
    const set = await runCliInProcess(["settings", "set", "log.level=debug", "server.name=My functions = fun"], { env });
    expect(set).toMatchObject({ code: 0, stdout: "Updated 2 settings.\n" });
    expect((await runCliInProcess(["settings", "get", "server.name"], { env })).stdout).toBe("My functions = fun\n");
    const json = JSON.parse((await runCliInProcess(["settings", "get", "log.level", "--json"], { env })).stdout);
    expect(json.setting).toMatchObject({ name: "log.level", value: "debug", default: "info" });
  });

  it("reports every invalid value with exit 1 and changes nothing", async () => {
    const { env } = await daemonWithCli();
    const result = await runCliInProcess(["settings", "set", "log.level=loud", "metrics.retention-days=0", "server.name=ok"], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "crude: Validation failed\n  log.level: Invalid value. Must be one of: debug, info, warn, error, none\n  metrics.retention-days: Must be at least 1\n",
    );
    expect((await runCliInProcess(["settings", "get", "server.name"], { env })).stdout).toBe("Crude Functions\n");
  });

  it("treats malformed arguments as usage errors (exit 2)", async () => {
    const { env } = await daemonWithCli();
    for (const args of [
      ["settings", "set", "log.level"],
      ["settings", "set", "=x"],
      ["settings", "set"],
      ["settings", "get"],
      ["settings", "frobnicate"],
      ["settings", "list", "--no-such-flag"],
    ]) {
      const result = await runCliInProcess(args, { env });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toMatch(/^crude: /m);
    }
  });

  it("names an unknown setting with exit 1", async () => {
    const { env } = await daemonWithCli();
    const result = await runCliInProcess(["settings", "get", "nope"], { env });
    expect(result).toMatchObject({ code: 1, stderr: "crude: Unknown setting name: nope\n" });
  });

  it("exits 3 with a hint when the daemon is not running", async () => {
    const env = isolatedEnv({ CRUDE_HOME: tempDir() });
    const result = await runCliInProcess(["settings", "list"], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("crude: cannot reach the crude daemon at");
    expect(result.stderr).toContain("crude daemon start");
  });

  it("exits 4 when a remote daemon refuses the credentials", async () => {
    const { t } = await daemonWithCli();
    const env = isolatedEnv({ CRUDE_HOME: tempDir() });
    const result = await runCliInProcess(["--url", t.managementUrl, "--api-key", "wrong", "settings", "list"], { env });
    expect(result).toMatchObject({ code: 4, stderr: expect.stringMatching(/^crude: Unauthorized\n {2}use --api-key/) });
    const viaEnv = await runCliInProcess(["settings", "list"], { env: { ...env, CRUDE_URL: t.managementUrl } });
    expect(viaEnv.code).toBe(4);
  });

  it("refuses a malformed management URL as a usage error, and hints at the address for an unreachable one", async () => {
    const env = isolatedEnv({ CRUDE_HOME: tempDir() });
    expect(await runCliInProcess(["--url", "nonsense", "settings", "list"], { env })).toMatchObject({
      code: 2,
      stderr: "crude: invalid --url 'nonsense': expected e.g. http://127.0.0.1:9000\n",
    });
    expect(await runCliInProcess(["settings", "list"], { env: { ...env, CRUDE_URL: "ftp://host" } })).toMatchObject({
      code: 2,
      stderr: "crude: invalid CRUDE_URL 'ftp://host': use http:// or https://\n",
    });
    const overTls = await runCliInProcess(["--url", "https://127.0.0.1:1", "settings", "list"], { env });
    expect(overTls.stderr).toContain("crude: cannot reach the crude daemon at https://127.0.0.1:1 (ECONNREFUSED)");
    const unreachable = await runCliInProcess(["--url", "http://127.0.0.1:1", "settings", "list"], { env });
    expect(unreachable.code).toBe(3);
    expect(unreachable.stderr).toBe(
      "crude: cannot reach the crude daemon at http://127.0.0.1:1 (ECONNREFUSED)\n  check the URL, and that the daemon listens on that address (--host)\n",
    );
  });

  it("reaches the daemon through --socket and CRUDE_SOCKET", async () => {
    const { t } = await daemonWithCli();
    const socket = dataFiles(t.dataDir).socket;
    const env = isolatedEnv({ CRUDE_HOME: tempDir() });
    expect((await runCliInProcess(["--socket", socket, "settings", "get", "log.level"], { env })).stdout).toBe("info\n");
    expect((await runCliInProcess(["settings", "get", "log.level"], { env: { ...env, CRUDE_SOCKET: socket } })).stdout).toBe("info\n");
    const both = await runCliInProcess(["--socket", socket, "--url", t.managementUrl, "settings", "list"], { env });
    expect(both).toMatchObject({ code: 2, stderr: "crude: --url and --socket cannot be used together\n" });
  });

  it("works end to end through the real binary, with jq-ready JSON", async () => {
    const { env } = await daemonWithCli();
    const result = await runCrude(["settings", "list", "--json"], { env });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).settings.length).toBeGreaterThan(10);
  });
});
