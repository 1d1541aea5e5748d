import { realpathSync, statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { isWithin } from "../files/paths.js";

export type HandlerLocation =
  | { kind: "file"; path: string }
  | { kind: "missing" }
  /** The reference tried to import it and failed: a load failure, not a missing handler. */
  | { kind: "directory" }
  /** Absolute, escaping the code directory, or a symlink out of it: refused as an execution failure (spec §7–§8). */
  | { kind: "outside"; message: string };

/** Strictly below `root`: the code directory itself is no handler. */
const inside = (root: string, path: string) => path !== root && isWithin(root, path);

/** realpath() of a directory that may not exist yet (nothing can lie inside it then). */
function realDirectory(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

/**
 * A function's `handler` (relative to the code directory, `./` tolerated) as a file on disk.
 * `trustedRoots`: directories besides the code directory that symlinks in it may lead into
 * (the checkouts that git sources' `<code>/<name>` links point at).
 */
export function locateHandler(codeDir: string, handler: string, trustedRoots: readonly string[] = []): HandlerLocation {
  const relativePath = handler.startsWith("./") ? handler.slice(2) : handler;
  if (isAbsolute(relativePath)) return { kind: "outside", message: `Handler path must be relative: ${handler}` };
  const path = resolve(codeDir, relativePath);
  if (!inside(codeDir, path)) return { kind: "outside", message: `Handler path escapes the code directory: ${handler}` };
  try {
    if (statSync(path).isDirectory()) return { kind: "directory" };
  } catch {
    return { kind: "missing" };
  }
  // Symlinks may point anywhere; only what really lies inside the code directory (or a trusted root) runs.
  const real = realpathSync(path);
  if (![codeDir, ...trustedRoots].some((root) => inside(realDirectory(root), real))) {
    return { kind: "outside", message: `Handler path escapes the code directory: ${handler}` };
  }
  return { kind: "file", path };
}
