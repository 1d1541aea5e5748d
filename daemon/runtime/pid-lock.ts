import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from "node:fs";
import { isProcessRunning } from "../../src/process.js";

export class DaemonAlreadyRunningError extends Error {
  constructor(
    readonly pid: number,
    dataDir: string,
  ) {
    super(`a crude daemon is already running for ${dataDir} (pid ${pid}); stop it first with: crude daemon stop`);
    this.name = "DaemonAlreadyRunningError";
  }
}

export interface PidLock {
  release(): void;
}

/**
 * Claims the data directory by creating the pid file exclusively (atomic even when two
 * daemons start at the same moment). A pid file left by a dead process is removed and the
 * claim retried once.
 */
export function acquirePidLock(pidPath: string, dataDir: string): PidLock {
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(pidPath, "wx", 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => removeIfOurs(pidPath) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 0) throw error;
      const holder = readPid(pidPath);
      if (holder !== undefined && isDaemonProcess(holder)) throw new DaemonAlreadyRunningError(holder, dataDir);
      removeQuietly(pidPath);
    }
  }
}

function readPid(pidPath: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidPath, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Alive, and — where /proc tells — a Node process, so a pid recycled by an unrelated
 * program after a `kill -9` does not lock the data directory forever.
 */
function isDaemonProcess(pid: number): boolean {
  if (pid === process.pid) return true;
  if (!isProcessRunning(pid)) return false;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return /node|crude/.test(cmdline);
  } catch {
    return true;
  }
}

function removeIfOurs(pidPath: string): void {
  if (readPid(pidPath) === process.pid) removeQuietly(pidPath);
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
}
