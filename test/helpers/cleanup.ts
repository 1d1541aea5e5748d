import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const cleanups: (() => Promise<void> | void)[] = [];

/** Registers work to undo after the current test, whether it passed or failed (newest first). */
export function deferCleanup(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

export async function runCleanups(): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanup of cleanups.splice(0).reverse()) {
    try {
      await cleanup();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}

/** A fresh directory under the system temp dir, removed after the test. Short, so socket paths fit. */
export function tempDir(prefix = "crude-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  deferCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs `start` and takes the cleanups it registered out of the per-test list, for a fixture
 * that outlives one test (one daemon per file): the caller runs the returned cleanup itself.
 */
export async function detachCleanups<T>(start: () => Promise<T>): Promise<{ value: T; cleanup: () => Promise<void> }> {
  const before = cleanups.length;
  const value = await start();
  const detached = cleanups.splice(before).reverse();
  return {
    value,
    cleanup: async () => {
      for (const cleanup of detached) await cleanup();
    },
  };
}
