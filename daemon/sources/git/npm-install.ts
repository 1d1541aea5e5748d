import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { failureDetail, runCancellable, SyncFailure } from "./git-process.js";

const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json"];
const DEPENDENCY_FIELDS = ["dependencies", "optionalDependencies", "peerDependencies"];

/**
 * Installs the runtime dependencies of a new checkout into its own node_modules, before it is
 * served: `npm ci` when a lockfile pins them, else `npm install`. Install scripts do not run:
 * a webhook (public, possibly without a secret) would otherwise run code from any package in
 * the tree on the daemon's host, outside the worker threads handlers are confined to; packages
 * that need a native build are the price.
 */
export async function installDependencies(dir: string, authToken: string | undefined, signal: AbortSignal): Promise<void> {
  if (!needsInstall(dir)) return;
  const locked = LOCKFILES.some((file) => existsSync(join(dir, file)));
  const command = locked ? ["ci"] : ["install", "--no-package-lock"];
  const result = await runCancellable(
    "npm",
    [...command, "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund", "--no-update-notifier", "--loglevel=error"],
    signal,
    { cwd: dir },
  );
  if (result.exitCode !== 0) {
    const output = (result.stderr || (result.message ?? ""))
      .split("\n")
      // The prefix on every line and the pointer to npm's debug log say nothing about the cause.
      .map((line) => line.replace(/^npm (error|ERR!)\s*/, ""))
      .filter((line) => !line.startsWith("A complete log of this run"))
      .join("\n");
    throw new SyncFailure(`npm ${command[0]} failed: ${failureDetail(output, authToken)}`);
  }
}

/** A package.json declaring runtime dependencies (one that only sets `"type"` or dev tools needs nothing). */
function needsInstall(dir: string): boolean {
  const file = join(dir, "package.json");
  if (!existsSync(file)) return false;
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // npm itself reports what is wrong with it.
    return true;
  }
  const fields = manifest as Record<string, unknown>;
  return DEPENDENCY_FIELDS.some((field) => {
    const value = fields?.[field];
    return typeof value === "object" && value !== null && Object.keys(value).length > 0;
  });
}
