import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { acquirePidLock, DaemonAlreadyRunningError } from "../../daemon/runtime/pid-lock.js";
import { isProcessRunning } from "../../src/process.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

describe("pid lock", () => {
  it("claims the data dir with this pid and releases it", () => {
    const dir = tempDir();
    const path = join(dir, "crude.pid");
    const lock = acquirePidLock(path, dir);
    expect(readFileSync(path, "utf8")).toBe(`${process.pid}\n`);
    expect(() => acquirePidLock(path, dir)).toThrow(DaemonAlreadyRunningError);
    lock.release();
    expect(existsSync(path)).toBe(false);
  });

  it("refuses while another live node process holds it", async () => {
    const dir = tempDir();
    const path = join(dir, "crude.pid");
    const child = execa(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    deferCleanup(async () => {
      child.kill();
      await child.catch(() => {});
    });
    writeFileSync(path, `${child.pid}\n`);
    expect(() => acquirePidLock(path, dir)).toThrow(`a crude daemon is already running for ${dir} (pid ${child.pid})`);
  });

  it("takes over a pid file whose process is gone", async () => {
    const dir = tempDir();
    const path = join(dir, "crude.pid");
    const child = execa(process.execPath, ["-e", "0"]);
    const pid = child.pid as number;
    await child;
    expect(isProcessRunning(pid)).toBe(false);
    writeFileSync(path, `${pid}\n`);
    acquirePidLock(path, dir).release();
  });

  it("does not remove a pid file that another process wrote meanwhile", () => {
    const dir = tempDir();
    const path = join(dir, "crude.pid");
    const lock = acquirePidLock(path, dir);
    writeFileSync(path, "1\n");
    lock.release();
    expect(readFileSync(path, "utf8")).toBe("1\n");
  });
});
