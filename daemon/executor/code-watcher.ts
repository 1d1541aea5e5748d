import { resolve } from "node:path";
import { type FSWatcher, watch } from "chokidar";

/**
 * Editors that truncate and rewrite in place expose an empty file for a moment: a change is
 * reported once the path has been quiet this long, so no request compiles a half-written file.
 * (chokidar's own awaitWriteFinish drops the events of a path whose size poll hit a deleted
 * file, which lost deletions under load.)
 */
const SETTLE_MS = 25;

/**
 * Reports every file added, changed or removed under the code directory, whoever wrote it
 * (the file API, an editor, `git`): edits on disk hot-reload like edits through the API.
 */
export function watchCode(codeDir: string, changed: (path: string) => void, fault: (error: unknown) => void): FSWatcher {
  const watcher = watch(codeDir, {
    ignoreInitial: true,
    // Installed packages are not edited by hand, and a large tree would cost a watch per directory.
    ignored: (path) => path.includes("/node_modules/") || path.endsWith("/node_modules") || path.includes("/.git/"),
  });
  const settling = new Map<string, NodeJS.Timeout>();
  const settle = (path: string) => {
    clearTimeout(settling.get(path));
    const timer = setTimeout(() => {
      settling.delete(path);
      changed(path);
    }, SETTLE_MS);
    timer.unref();
    settling.set(path, timer);
  };
  for (const event of ["add", "change", "unlink", "unlinkDir"] as const) watcher.on(event, (path) => settle(resolve(codeDir, path)));
  watcher.on("error", fault);
  return watcher;
}
