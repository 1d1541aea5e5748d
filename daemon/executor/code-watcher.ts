import { resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";

/**
 * Reports every file added, changed or removed under the code directory, whoever wrote it
 * (the file API, an editor, `git`): edits on disk hot-reload like edits through the API.
 */
export function watchCode(codeDir: string, changed: (path: string) => void, fault: (error: unknown) => void): FSWatcher {
  const watcher = watch(codeDir, {
    ignoreInitial: true,
    // Editors that truncate and rewrite in place expose an empty file for a moment: a change
    // counts once the size has been stable briefly, so no request compiles the half-written file.
    awaitWriteFinish: { stabilityThreshold: 40, pollInterval: 10 },
    // Installed packages are not edited by hand, and a large tree would cost a watch per directory.
    ignored: (path) => path.includes("/node_modules/") || path.endsWith("/node_modules") || path.includes("/.git/"),
  });
  for (const event of ["add", "change", "unlink", "unlinkDir"] as const) watcher.on(event, (path) => changed(resolve(codeDir, path)));
  watcher.on("error", fault);
  return watcher;
}
