import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { PACKAGE_ROOT } from "../../src/package.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { LogSink } from "./sink.js";
import type { TrimLimits, TrimResult } from "./trim.js";
import type { LogEntry } from "./writer.js";

/** Work for the thread, numbered: a trimming run is answered after the inserts that came during it. */
export type ToLogThread =
  | { type: "insert"; id: number; batch: readonly LogEntry[] }
  | { type: "trim"; id: number; limits: TrimLimits }
  /** Ends the trimming run `id` early. */
  | { type: "abort"; id: number }
  /** Nothing will follow: close the connection once the trimming runs under way have stopped. */
  | { type: "close" };
/** One answer per numbered request: the stored ids of an insert, the result of a trim. */
export type FromLogThread = { id: number; ok: true; value: number[] | TrimResult } | { id: number; ok: false; error: string };

/** Built next to the CLI bundle in dist/ (the test runner uses the build too). */
const THREAD_SCRIPT = pathToFileURL(join(PACKAGE_ROOT, "dist", "log-writer.js"));

interface Waiting {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Writes on a worker thread with its own connection to `databasePath`, so the inserts and the
 * trimming take none of the main thread's time (it is also the HTTP front): one message and one
 * transaction per batch. Should the thread die, its unanswered requests are rejected and later
 * ones go to `fallback`, on the calling thread, rather than failing for the rest of the daemon's life.
 */
export function threadSink(databasePath: string, fallback: LogSink, log: ServerLog): LogSink {
  const worker = new Worker(THREAD_SCRIPT, { workerData: { databasePath } });
  const waiting = new Map<number, Waiting>();
  let lastId = 0;
  let closing = false;
  let fault: string | undefined;
  let gone = false;
  // Like a buffered entry, an idle thread does not keep the process alive; a request in flight does.
  worker.unref();
  worker.on("message", (answer: FromLogThread) => {
    const settle = waiting.get(answer.id);
    waiting.delete(answer.id);
    if (waiting.size === 0 && !closing) worker.unref();
    if (answer.ok) settle?.resolve(answer.value);
    else settle?.reject(new Error(answer.error));
  });
  worker.on("error", (error) => {
    fault = error.message;
  });
  const exited = new Promise<void>((resolve) => {
    worker.on("exit", () => {
      gone = true;
      const reason = fault ?? "the log writer thread exited";
      for (const settle of waiting.values()) settle.reject(new Error(reason));
      waiting.clear();
      if (!closing) log.warn(`execution logs are written on the main thread from now on, the log writer thread stopped: ${reason}`);
      resolve();
    });
  });

  const request = <T>(message: Extract<ToLogThread, { type: "insert" | "trim" }>): Promise<T> => {
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      waiting.set(message.id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage(message);
    });
  };

  return {
    insert(batch) {
      if (gone) return fallback.insert(batch);
      return request<number[]>({ type: "insert", id: ++lastId, batch });
    },
    trim(limits, signal) {
      if (gone) return fallback.trim(limits, signal);
      const id = ++lastId;
      const abort = () => {
        if (!gone) worker.postMessage({ type: "abort", id } satisfies ToLogThread);
      };
      signal?.addEventListener("abort", abort, { once: true });
      if (signal?.aborted) abort();
      return request<TrimResult>({ type: "trim", id, limits }).finally(() => signal?.removeEventListener("abort", abort));
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
