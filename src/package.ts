import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The package root, found by walking up from this file: the same code runs compiled from
 * dist/ and as source under the test runner, at different depths below the root.
 */
function findPackage(): { root: string; version: string } {
  let dir = new URL(".", import.meta.url);
  for (let depth = 0; depth < 4; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(new URL("package.json", dir), "utf8"));
      if (pkg.name === "crude") return { root: fileURLToPath(dir), version: pkg.version };
    } catch {
      // not at the package root yet
    }
    dir = new URL("..", dir);
  }
  throw new Error(`cannot find crude's package.json above ${import.meta.url}`);
}

const found = findPackage();
export const PACKAGE_ROOT = found.root;
export const VERSION = found.version;
