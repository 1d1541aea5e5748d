import { describe, expect, it } from "vitest";
import { isolatedEnv, runCliInProcess, runCrude } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";

describe("crude keys", () => {
  it("creates a group and a key, prints the value once in full, and masks it in list and get", async () => {
    const { env } = await daemonWithCli();
    const group = await runCliInProcess(["keys", "groups", "create", "Mobile-App", "--description", "Phone clients"], { env });
    expect(group.code).toBe(0);
    expect(group.stdout).toMatch(/^Created key group 'mobile-app' \(id [a-z0-9]{20}\)\.\n$/);

    const created = await runCliInProcess(["keys", "create", "--group", "mobile-app", "--name", "ios"], { env });
    expect(created.code).toBe(0);
    const [confirmation, value] = created.stdout.trimEnd().split("\n");
    expect(confirmation).toMatch(/^Created API key 'ios' in group 'mobile-app' \(id [a-z0-9]{20}\)\. Its value:$/);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const list = await runCliInProcess(["keys", "list"], { env });
    expect(list.stdout).toMatch(/^GROUP\s+NAME\s+ID\s+VALUE\s+DESCRIPTION$/m);
    expect(list.stdout).toContain(`********${value?.slice(-6)}`);
    expect(list.stdout).not.toContain(value);
    const shown = await runCliInProcess(["keys", "get", "ios", "--show-values", "-q"], { env });
    expect(shown.stdout).toBe(`${value}\n`);
    const json = JSON.parse((await runCliInProcess(["keys", "list", "--show-values", "--json"], { env })).stdout);
    expect(json.keys).toEqual([expect.objectContaining({ name: "ios", value, groupName: "mobile-app" })]);
  });

  it("prints only the value with --quiet and the API's body with --json, for scripts", async () => {
    const { t, env } = await daemonWithCli();
    const quiet = await runCliInProcess(["keys", "create", "-g", "management", "-n", "ci", "-q"], { env });
    expect(quiet.stdout).toMatch(/^[A-Za-z0-9_-]{43}\n$/);
    // The printed value is a working management key.
    expect(await t.tcp(quiet.stdout.trim()).get("/api/key-groups")).toHaveProperty("groups");
    const json = JSON.parse((await runCliInProcess(["keys", "create", "-g", "management", "-n", "deploy", "--json"], { env })).stdout);
    expect(Object.keys(json).sort()).toEqual(["id", "name", "value"]);
    expect((await runCliInProcess(["keys", "groups", "list", "-q"], { env })).stdout).toBe("management\n");
  });

  it("addresses keys by name or ID and asks for --group when a name is ambiguous", async () => {
    const { env } = await daemonWithCli();
    await runCliInProcess(["keys", "groups", "create", "a"], { env });
    await runCliInProcess(["keys", "groups", "create", "b"], { env });
    await runCliInProcess(["keys", "create", "-g", "a", "-n", "same"], { env });
    const inB = JSON.parse((await runCliInProcess(["keys", "create", "-g", "b", "-n", "same", "--json"], { env })).stdout);
    const ambiguous = await runCliInProcess(["keys", "get", "same"], { env });
    expect(ambiguous).toMatchObject({
      code: 1,
      stderr: "crude: several groups have a key named 'same': a, b\n  name the group with --group\n",
    });
    expect((await runCliInProcess(["keys", "get", "same", "--group", "b", "-q"], { env })).stdout).toBe(`${inB.id}\n`);
    expect((await runCliInProcess(["keys", "update", inB.id, "--description", "by id"], { env })).stdout).toBe(
      "Updated API key 'same' in group 'b'.\n",
    );
    expect((await runCliInProcess(["keys", "delete", "same", "-g", "a", "--yes"], { env })).stdout).toBe(
      "Deleted API key 'same' from group 'a'.\n",
    );
    expect((await runCliInProcess(["keys", "get", "same", "-q"], { env })).stdout).toBe(`${inB.id}\n`);
  });

  it("refuses bad input with clear messages and exit codes, changing nothing", async () => {
    const { env } = await daemonWithCli();
    const cases: [string[], number, string][] = [
      [["keys", "create", "--group", "nope", "--name", "x"], 1, "crude: no key group 'nope'\n  list them with: crude keys groups list\n"],
      [
        ["keys", "create", "--group", "management", "--name", "bad name"],
        1,
        "crude: Invalid key name. Must be lowercase alphanumeric with dashes/underscores.\n",
      ],
      [["keys", "create", "--group", "management"], 2, "crude: required option '-n, --name <name>' not specified\n"],
      [["keys", "get", "ghost"], 1, "crude: no API key 'ghost'\n  list them with: crude keys list\n"],
      [["keys", "update", "ghost"], 2, "crude: nothing to change: give --name, --value or --description\n"],
      [["keys", "groups", "create", "Bad Name"], 1, "crude: Invalid group name. Must be lowercase alphanumeric with dashes/underscores.\n"],
      [["keys", "groups", "create", "management"], 1, "crude: Group 'management' already exists\n"],
      [["keys", "groups", "delete", "management", "--yes"], 1, "crude: Cannot delete management group\n"],
      [["keys", "groups", "update", "management"], 2, "crude: required option '-d, --description <text>' not specified\n"],
    ];
    for (const [args, code, stderr] of cases) {
      expect(await runCliInProcess(args, { env }), args.join(" ")).toMatchObject({ code, stderr });
    }
    const groups = JSON.parse((await runCliInProcess(["keys", "groups", "list", "--json"], { env })).stdout);
    expect(groups.groups).toHaveLength(1);
    expect(JSON.parse((await runCliInProcess(["keys", "list", "--json"], { env })).stdout)).toEqual({ keys: [] });
  });

  it("refuses to delete a group that still has keys, then deletes it once empty", async () => {
    const { env } = await daemonWithCli();
    await runCliInProcess(["keys", "groups", "create", "apps"], { env });
    await runCliInProcess(["keys", "create", "-g", "apps", "-n", "one"], { env });
    expect(await runCliInProcess(["keys", "groups", "delete", "apps", "--yes"], { env })).toMatchObject({
      code: 1,
      stderr: "crude: Cannot delete group with 1 existing key(s). Delete keys first.\n",
    });
    await runCliInProcess(["keys", "delete", "one", "--yes"], { env });
    expect(await runCliInProcess(["keys", "groups", "delete", "apps", "--yes"], { env })).toMatchObject({
      code: 0,
      stdout: "Deleted key group 'apps'.\n",
    });
  });

  it("authenticates remote commands with --api-key, and fails with exit 4 without a valid one", async () => {
    const { t, env } = await daemonWithCli();
    const key = (await runCliInProcess(["keys", "create", "-g", "management", "-n", "remote", "-q"], { env })).stdout.trim();
    const remote = isolatedEnv();
    const ok = await runCrude(["--url", t.managementUrl, "--api-key", key, "keys", "groups", "list", "-q"], { env: remote });
    expect(ok).toMatchObject({ code: 0, stdout: "management" });
    const bad = await runCrude(["--url", t.managementUrl, "--api-key", `${key}x`, "keys", "list"], { env: remote });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toBe(
      "crude: Unauthorized\n  use --api-key (or CRUDE_API_KEY) with a key of a group in api.access-groups, e.g. one made by: crude keys create --group management --name NAME",
    );
  });
});

describe("crude encryption", () => {
  it("shows the status and rotates, keeping keys usable", async () => {
    const { t, env } = await daemonWithCli();
    const key = (await runCliInProcess(["keys", "create", "-g", "management", "-n", "ci", "-q"], { env })).stdout.trim();
    const status = await runCliInProcess(["encryption", "status"], { env });
    expect(status.stdout).toMatch(/^key version\s+A$/m);
    expect(status.stdout).toMatch(/^next rotation\s+\S+ \(every 90 days\)$/m);
    expect(status.stdout).toMatch(/^in progress\s+no$/m);

    const rotate = await runCliInProcess(["encryption", "rotate", "--yes"], { env });
    expect(rotate).toMatchObject({ code: 0, stdout: "Rotated to key version B: 1 value re-encrypted.\n", stderr: "" });
    const json = JSON.parse((await runCliInProcess(["encryption", "status", "--json"], { env })).stdout);
    expect(json).toMatchObject({ currentVersion: "B", isInProgress: false, daysSinceRotation: 0 });
    expect(await t.tcp(key).get("/api/key-groups")).toHaveProperty("groups");
  });

  it("shows the rotation's progress on a terminal's stderr, and nothing of it when piped", async () => {
    const { t, env } = await daemonWithCli();
    for (let i = 0; i < 30; i++) await t.socket.post("/api/keys", { body: { groupId: "management", name: `k${i}` } });
    await t.socket.put("/api/settings", {
      // Three batches with a second's pause after each: well past the second before the progress line appears.
      body: { settings: { "encryption.key-rotation.batch-size": "10", "encryption.key-rotation.batch-sleep-ms": "1000" } },
    });
    const onTerminal = await runCliInProcess(["encryption", "rotate", "--yes"], { env, stderrIsTTY: true });
    expect(onTerminal.code).toBe(0);
    expect(onTerminal.stderr).toMatch(/Re-encrypting… \d+\/30/);
    // The progress line is erased before the result is printed.
    expect(onTerminal.stderr.endsWith("\r\u001b[2K")).toBe(true);
    expect(onTerminal.stdout).toBe("Rotated to key version B: 30 values re-encrypted.\n");
    const piped = await runCliInProcess(["encryption", "rotate", "--yes"], { env });
    expect(piped).toMatchObject({ code: 0, stderr: "" });
  });
});
