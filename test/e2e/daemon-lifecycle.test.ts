import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { StatusBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { isProcessRunning } from "../../src/process.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";
import { CRUDE_BIN, isolatedEnv, runCrude } from "../helpers/cli.js";
import { spawnDaemon, waitFor } from "../helpers/process-daemon.js";

/** `crude daemon start` on a temp data dir with free ports; stopped after the test. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startInBackground(dataDir = tempDir(), extra: string[] = []) {
  const env = isolatedEnv({ CRUDE_HOME: dataDir });
  const started = await runCrude(["daemon", "start", "--function-port", "0", "--management-port", "0", ...extra], { env });
  if (started.code === 0) {
    deferCleanup(async () => {
      await runCrude(["daemon", "stop"], { env });
    });
  }
  return { env, dataDir, started };
}

describe("crude daemon start / status / stop", () => {
  it("starts in the background, reports real ports, refuses a second start, and stops", async () => {
    const { env, dataDir, started } = await startInBackground();
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/crude daemon started \(pid \d+\)/);

    const status = await runCrude(["daemon", "status", "--json"], { env });
    expect(status.code).toBe(0);
    const body = JSON.parse(status.stdout) as StatusBody;
    expect(body).toMatchObject({ dataDir, socket: dataFiles(dataDir).socket, host: "127.0.0.1", version: expect.any(String) });
    expect(body.functionPort).toBeGreaterThan(0);
    expect(body.managementPort).toBeGreaterThan(0);
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(body.counts).toEqual({ functions: 0, sources: 0, keyGroups: 1, apiKeys: 0, secrets: 0, users: 0 });
    expect((await fetch(`http://127.0.0.1:${body.managementPort}/api/health`)).status).toBe(200);

    const second = await runCrude(["daemon", "start"], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`crude: a crude daemon is already running for ${dataDir} (pid ${body.pid})`);
    const still = JSON.parse((await runCrude(["daemon", "status", "--json"], { env })).stdout) as StatusBody;
    expect(still.pid).toBe(body.pid);

    const human = await runCrude(["daemon", "status"], { env });
    expect(human.stdout).toContain(`crude daemon running (pid ${body.pid})`);
    expect(human.stdout).toContain(`http://127.0.0.1:${body.managementPort}`);
    expect(human.stdout).toMatch(/^ {2}holds {7}0 functions, 0 code sources, 1 key group, 0 API keys, 0 secrets, 0 users$/m);

    const stopped = await runCrude(["daemon", "stop"], { env });
    expect(stopped.code).toBe(0);
    expect(stopped.stdout).toContain(`crude daemon stopped (pid ${body.pid})`);
    expect(isProcessRunning(body.pid)).toBe(false);
    expect(existsSync(dataFiles(dataDir).socket)).toBe(false);
    expect(existsSync(dataFiles(dataDir).pid)).toBe(false);

    const after = await runCrude(["daemon", "status"], { env });
    expect(after.code).toBe(3);
    expect(after.stderr).toContain("crude: no crude daemon is running");
    expect(after.stderr).toContain("crude daemon start");
  });

  it("keeps the data dir and socket owner-only", async () => {
    const { dataDir, started } = await startInBackground(join(tempDir(), "fresh"));
    expect(started.code, started.stderr).toBe(0);
    const files = dataFiles(dataDir);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(files.socket).mode & 0o777).toBe(0o600);
    expect(statSync(files.database).mode & 0o777).toBe(0o600);
  });

  it("answers `stop` and `status` with exit 3 and a hint when nothing runs", async () => {
    const env = isolatedEnv({ CRUDE_HOME: tempDir() });
    for (const verb of ["stop", "status"]) {
      const result = await runCrude(["daemon", verb], { env });
      expect(result.code, verb).toBe(3);
      expect(result.stderr).toMatch(/^crude: no crude daemon is running/);
      expect(result.stderr).toContain("start one with: crude daemon start");
    }
  });

  it("shows the log tail when the daemon cannot start", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    deferCleanup(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
    const port = (blocker.address() as { port: number }).port;
    const { started } = await startInBackground(tempDir(), ["--management-port", String(port)]);
    expect(started.code).toBe(1);
    expect(started.stderr).toContain("the daemon exited with code 1");
    expect(started.stderr).toContain(`management port ${port} on 127.0.0.1 is already in use`);
  });

  it("writes its log to daemon.log, shown by `crude daemon logs`", async () => {
    const { env, started } = await startInBackground();
    expect(started.code).toBe(0);
    const logs = await runCrude(["daemon", "logs", "-n", "5"], { env });
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/info\s+crude .* started \(pid \d+\)/);
    const bad = await runCrude(["daemon", "logs", "-n", "many"], { env });
    expect(bad.code).toBe(2);
  });

  it("follows the log until interrupted, then exits 0", async () => {
    const { env, started } = await startInBackground();
    expect(started.code).toBe(0);
    const follower = execa(process.execPath, [CRUDE_BIN, "daemon", "logs", "--follow", "-n", "0"], {
      env,
      extendEnv: false,
      reject: false,
    });
    let seen = "";
    follower.stdout.on("data", (chunk) => {
      seen += chunk;
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await runCrude(["settings", "set", "server.name=followed"], { env })).code).toBe(0);
    await waitFor("the followed line", async () => (seen.includes("settings changed: server.name") ? true : undefined));
    follower.kill("SIGINT");
    const result = await follower;
    expect(result.exitCode).toBe(0);
    expect(seen).not.toContain("started (pid");
  });

  it("moves a daemon log over 10 MiB aside at the next start", async () => {
    const dataDir = tempDir();
    const log = dataFiles(dataDir).daemonLog;
    writeFileSync(log, `${"old line\n".repeat(1_200_000)}`);
    const { env, started } = await startInBackground(dataDir, ["--json", "-q"]);
    expect(started.code, started.stderr).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ dataDir, pid: expect.any(Number) });
    expect(statSync(`${log}.1`).size).toBeGreaterThan(10 * 1024 * 1024);
    expect(readFileSync(log, "utf8")).not.toContain("old line");
    expect((await runCrude(["daemon", "stop", "-q"], { env })).stdout).toBe("");
  });

  it("explains that there is no log before the first background start", async () => {
    const result = await runCrude(["daemon", "logs"], { env: isolatedEnv({ CRUDE_HOME: tempDir() }) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("crude: no daemon log at");
  });
});

describe("crude daemon run", () => {
  it("exits 0 on SIGTERM and removes its socket and pid file", async () => {
    const daemon = await spawnDaemon();
    const files = dataFiles(daemon.dataDir);
    expect(readFileSync(files.pid, "utf8").trim()).toBe(String(daemon.pid));
    expect(await daemon.terminate()).toBe(0);
    expect(existsSync(files.socket)).toBe(false);
    expect(existsSync(files.pid)).toBe(false);
    expect(daemon.output()).toContain("stopped");
  });

  it("refuses a second daemon on the same data dir and leaves the first unharmed", async () => {
    const first = await spawnDaemon();
    const second = await runCrude(["daemon", "run", "--data-dir", first.dataDir, "--function-port", "0", "--management-port", "0"]);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`crude: a crude daemon is already running for ${first.dataDir} (pid ${first.pid})`);
    expect(await first.socket.get("/api/health")).toMatchObject({ status: "ok" });
    expect(existsSync(dataFiles(first.dataDir).socket)).toBe(true);
  });

  it("starts cleanly after kill -9 (stale pid and socket), with its data intact", async () => {
    const first = await spawnDaemon();
    await first.socket.put("/api/settings", { body: { settings: { "server.name": "survivor" } } });
    await first.kill9();
    const files = dataFiles(first.dataDir);
    expect(existsSync(files.pid)).toBe(true);
    expect(existsSync(files.socket)).toBe(true);

    const env = isolatedEnv({ CRUDE_HOME: first.dataDir });
    const started = await runCrude(["daemon", "start", "--function-port", "0", "--management-port", "0"], { env });
    deferCleanup(async () => {
      await runCrude(["daemon", "stop"], { env });
    });
    expect(started.code, started.stderr).toBe(0);
    const name = await runCrude(["settings", "get", "server.name"], { env });
    expect(name.stdout.trim()).toBe("survivor");
  });

  it("refuses a socket path too long for a Unix socket with a clear message", async () => {
    const deep = join(tempDir(), "d".repeat(60), "e".repeat(60));
    mkdirSync(deep, { recursive: true });
    const result = await runCrude(["daemon", "run", "--data-dir", deep, "--function-port", "0", "--management-port", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/crude: socket path is too long for a Unix socket \(\d+ bytes, at most 107\)/);
    expect(result.stderr).toContain("--socket");
    expect(existsSync(join(deep, "crude.pid"))).toBe(false);
    const start = await runCrude(["daemon", "start"], { env: isolatedEnv({ CRUDE_HOME: deep }) });
    expect(start.code).toBe(1);
    expect(start.stderr).toMatch(/^crude: socket path is too long for a Unix socket/);
    expect(existsSync(join(deep, "daemon.log"))).toBe(false);
  });

  it("accepts a short --socket for a deep data dir", async () => {
    const deep = join(tempDir(), "d".repeat(60), "e".repeat(60));
    const socket = join(tempDir(), "c.sock");
    const daemon = await spawnDaemon({ dataDir: deep, socketPath: socket });
    expect(daemon.status.socket).toBe(socket);
    const env = isolatedEnv({ CRUDE_HOME: deep, CRUDE_SOCKET: socket });
    expect((await runCrude(["daemon", "status"], { env })).code).toBe(0);
  });

  it("refuses a database written by a newer crude and leaves it untouched", async () => {
    const dataDir = tempDir();
    const first = await spawnDaemon({ dataDir });
    expect(await first.terminate()).toBe(0);
    const database = dataFiles(dataDir).database;
    const db = new Database(database);
    db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 'x')").run();
    db.close();
    const before = readFileSync(database);

    const result = await runCrude(["daemon", "run", "--data-dir", dataDir, "--function-port", "0", "--management-port", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/crude: the database .*crude\.db has schema version 999, but this crude knows only up to version \d+/);
    expect(readFileSync(database).equals(before)).toBe(true);
    expect(existsSync(dataFiles(dataDir).pid)).toBe(false);
  });

  it("takes its ports from FUNCTION_PORT and MANAGEMENT_PORT", async () => {
    const [functionPort, managementPort] = await Promise.all([freePort(), freePort()]);
    const env = isolatedEnv({ FUNCTION_PORT: String(functionPort), MANAGEMENT_PORT: String(managementPort) });
    const daemon = await spawnDaemon({ env, freePorts: false });
    expect(daemon.status).toMatchObject({ functionPort, managementPort });
  });

  it("lets port flags win over the variables and rejects an invalid port flag", async () => {
    const env = isolatedEnv({ FUNCTION_PORT: "not-a-port", MANAGEMENT_PORT: "0" });
    const daemon = await spawnDaemon({ env, freePorts: false, args: ["--function-port", "0"] }).catch((e: Error) => e);
    // The flag wins, so the invalid variable is not even read…
    expect(daemon).not.toBeInstanceOf(Error);
    const result = await runCrude(["daemon", "run", "--management-port", "0", "--function-port", "99999"], { env });
    // …and an invalid flag is a usage error.
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("invalid port '99999'");
  });

  it("leaves a file that is not a socket alone and says so", async () => {
    const dataDir = tempDir();
    const notSocket = join(dataDir, "precious.txt");
    writeFileSync(notSocket, "keep me");
    const result = await runCrude([
      "daemon",
      "run",
      "--data-dir",
      dataDir,
      "--socket",
      notSocket,
      "--function-port",
      "0",
      "--management-port",
      "0",
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`crude: ${notSocket} exists and is not a socket; remove it or choose another --socket`);
    expect(readFileSync(notSocket, "utf8")).toBe("keep me");
    expect(existsSync(dataFiles(dataDir).pid)).toBe(false);
  });

  it("explains a data directory it cannot create", async () => {
    const file = join(tempDir(), "a-file");
    writeFileSync(file, "");
    const result = await runCrude(["daemon", "run", "--data-dir", join(file, "data"), "--function-port", "0", "--management-port", "0"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^crude: cannot use .*a-file\/data as the data directory: ENOTDIR/);
  });

  it("treats a corrupt pid file as stale", async () => {
    const dataDir = tempDir();
    writeFileSync(dataFiles(dataDir).pid, "garbage\n");
    const daemon = await spawnDaemon({ dataDir });
    expect(readFileSync(dataFiles(dataDir).pid, "utf8").trim()).toBe(String(daemon.pid));
  });
});
