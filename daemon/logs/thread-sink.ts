import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { PACKAGE_ROOT } from "../../src/package.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { LogSink } from "./sink.js";
import type { LogEntry } from "./writer.js";

/** A batch to write, or the word that none will follow. */
export type ToLogThread = { type: "insert"; batch: readonly LogEntry[] } | { type: "close" };
/** One answer per batch, in order. */
export type FromLogThread = { ok: true } | { ok: false; error: string };

/** Built next to the CLI bundle in dist/ (the test runner uses the build too). */
const THREAD_SCRIPT = pathToFileURL(join(PACKAGE_ROOT, "dist", "log-writer.js"));

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Writes on a worker thread with its own connection to `databasePath`, so the inserts take none
 * of the main thread's time (it is also the HTTP front): one message and one transaction per
 * batch. Should the thread die, its unanswered batches are rejected and later ones go to
 * `fallback`, on the calling thread, rather than failing for the rest of the daemon's life.
 */
export function threadSink(databasePath: string, fallback: LogSink, log: ServerLog): LogSink {
  const worker = new Worker(THREAD_SCRIPT, { workerData: { databasePath } });
  const waiting: Waiting[] = [];
  let closing = false;
  let fault: string | undefined;
  let gone = false;
  // Like a buffered entry, an idle thread does not keep the process alive; a batch in flight does.
  worker.unref();
  worker.on("message", (answer: FromLogThread) => {
    const settle = waiting.shift();
    if (waiting.length === 0 && !closing) worker.unref();
    if (answer.ok) settle?.resolve();
    else settle?.reject(new Error(answer.error));
  });
  worker.on("error", (error) => {
    fault = error.message;
  });
  const exited = new Promise<void>((resolve) => {
    worker.on("exit", () => {
      gone = true;
      const reason = fault ?? "the log writer thread exited";
      for (const settle of waiting.splice(0)) settle.reject(new Error(reason));
      if (!closing) log.warn(`execution logs are written on the main thread from now on, the log writer thread stopped: ${reason}`);
      resolve();
    });
  });

  return {
    insert(batch) {
      if (gone) return fallback.insert(batch);
      worker.ref();
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        worker.postMessage({ type: "insert", batch } satisfies ToLogThread);
      });
    },
    async close() {
      closing = true;
      if (!gone) {
        // Kept alive until it has closed its connection and ended.
        worker.ref();
        worker.postMessage({ type: "close" } satisfies ToLogThread);
        await exited;
      }
      await fallback.close();
    },
  };
}
