import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, renameSync, statSync } from "node:fs";
import { join } from "node:path";
import type { StatusBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";
import { PACKAGE_ROOT } from "../src/package.js";
import { dataFiles, socketPathProblem } from "../src/paths.js";
import type { CommandContext } from "./context.js";
import { tailLines } from "./daemon-log.js";
import { isHealthy, waitUntil } from "./daemon-wait.js";
import { withProgress } from "./progress.js";

const START_TIMEOUT_MS = 10_000;

/** A daemon log beyond this size is moved to daemon.log.1 (replacing the older one) at the next start. */
const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

function rotateLog(path: string): void {
  try {
    if (statSync(path).size > LOG_ROTATE_BYTES) renameSync(path, `${path}.1`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}

/**
 * Spawns `crude daemon run` detached with its output appended to daemon.log, then waits
 * until the socket answers /api/health. On failure the error carries the log's new lines.
 */
export async function startDetached(ctx: CommandContext, runArgs: string[]): Promise<StatusBody> {
  const dataDir = await ctx.dataDir();
  const files = dataFiles(dataDir);
  const client = await ctx.localClient("crude daemon start");
  const problem = socketPathProblem(client.where);
  if (problem) throw new CrudeError(problem);
  if (await isHealthy(client)) {
    const status = await client.get<StatusBody>("/api/status");
    throw new CrudeError(`a crude daemon is already running for ${status.dataDir} (pid ${status.pid})`, 1, [
      "see it with: crude daemon status",
    ]);
  }

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  rotateLog(files.daemonLog);
  const logFd = openSync(files.daemonLog, "a", 0o600);
  const logStart = statSync(files.daemonLog).size;
  // node:child_process rather than execa: execa's types refuse a log file descriptor held in a
  // variable, and the daemon must own that descriptor, not a pipe to this short-lived process.
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, "bin", "crude"), "daemon", "run", "--data-dir", dataDir, ...runArgs], {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...ctx.io.env, NO_COLOR: "1" },
  });
  closeSync(logFd);
  let exitCode: number | undefined;
  child.on("exit", (code) => {
    exitCode = code ?? 1;
  });
  child.unref();

  const answered = await withProgress(ctx, "Starting the daemon…", () =>
    waitUntil(async () => exitCode !== undefined || (await isHealthy(client)), START_TIMEOUT_MS),
  );
  if (answered && exitCode === undefined) return client.get<StatusBody>("/api/status");
  const tail = tailLines(files.daemonLog, 20, logStart);
  const why =
    exitCode !== undefined ? `the daemon exited with code ${exitCode}` : `the daemon did not answer within ${START_TIMEOUT_MS / 1000} s`;
  if (exitCode === undefined) child.kill("SIGTERM");
  throw new CrudeError(`${why}; last lines of ${files.daemonLog}:`, 1, tail.length > 0 ? tail : ["(the log is empty)"]);
}
