import { lstat, readlink, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { invalid } from "../domain-error.js";

/** Enough for any sane chain of links; a longer one is treated like a loop. */
const MAX_LINKS = 40;

const escapes = () => invalid("Path escapes base directory");

/**
 * A file path as it arrives in the URL (still percent-encoded, `%2F` allowed), decoded and
 * normalised the reference's way: trimmed, repeated slashes collapsed, a trailing one dropped.
 * Containment is checked separately, against the file system.
 */
export function parseFilePath(encoded: string): string {
  if (encoded === "") throw invalid("Missing file path");
  let decoded: string;
  try {
    decoded = decodeURIComponent(encoded);
  } catch {
    throw invalid("Invalid URL encoding in path");
  }
  if (decoded === "" || decoded.includes("\0") || decoded.startsWith("/")) throw invalid("Invalid path format");
  const normalized = decoded
    .trim()
    .replace(/\/{2,}/g, "/")
    .replace(/\/$/, "");
  if (normalized === "") throw invalid("Invalid path format");
  return normalized;
}

export function isWithin(base: string, path: string): boolean {
  const rel = relative(base, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/**
 * Where `path` really is once every symlink on the way is followed, refused unless that is
 * inside `base` (itself possibly a link). Links whose target is missing count too: a write
 * through one would land at its target.
 */
export async function resolveInside(base: string, path: string): Promise<string> {
  const realBase = await realLocation(base);
  const lexical = resolve(realBase, path);
  if (!isWithin(realBase, lexical)) throw escapes();
  const real = await realLocation(lexical);
  if (!isWithin(realBase, real)) throw escapes();
  return real;
}

/** realpath() for paths that may not exist yet: the real location of the deepest existing ancestor, plus the rest. */
async function realLocation(path: string): Promise<string> {
  const missing: string[] = [];
  let probe = path;
  let links = 0;
  for (;;) {
    try {
      return join(await realpath(probe), ...missing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ELOOP") throw escapes();
      if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    }
    const stats = await lstat(probe).catch(() => undefined);
    if (stats?.isSymbolicLink()) {
      if (++links > MAX_LINKS) throw escapes();
      probe = resolve(dirname(probe), await readlink(probe));
    } else {
      missing.unshift(basename(probe));
      probe = dirname(probe);
    }
  }
}
