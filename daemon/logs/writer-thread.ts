/**
 * The log writer thread: writes execution-log batches and runs the trimming on its own
 * connection, so SQLite's time is not taken from the main thread, which serves HTTP. Built as
 * its own entry (dist/log-writer.js) and started by `threadSink`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../db/database.js";
import { prepareBatchInsert } from "./sink.js";
import type { FromLogThread, ToLogThread } from "./thread-sink.js";
import { prepareTrim } from "./trim.js";

if (!parentPort) throw new Error("the log writer must run as a worker thread");
const port = parentPort;
const db = openDatabase((workerData as { databasePath: string }).databasePath);
const insertBatch = prepareBatchInsert(db);
const trim = prepareTrim(db);
/** Trimming runs under way: they yield between chunks, and inserts arriving meanwhile are written then. */
const trims = new Map<number, { abort: AbortController; done: Promise<void> }>();

const failure = (id: number, error: unknown): FromLogThread => ({ id, ok: false, error: (error as Error).message });

port.on("message", (message: ToLogThread) => {
  switch (message.type) {
    case "insert": {
      let answer: FromLogThread;
      try {
        answer = { id: message.id, ok: true, value: insertBatch(message.batch) };
      } catch (error) {
        answer = failure(message.id, error);
      }
      port.postMessage(answer);
      return;
    }
    case "trim": {
      const abort = new AbortController();
      const done = trim(message.limits, abort.signal).then(
        (value) => port.postMessage({ id: message.id, ok: true, value } satisfies FromLogThread),
        (error: unknown) => port.postMessage(failure(message.id, error)),
      );
      trims.set(message.id, { abort, done: done.finally(() => trims.delete(message.id)) });
      return;
    }
    case "abort":
      trims.get(message.id)?.abort.abort();
      return;
    case "close":
      void close();
  }
});

async function close(): Promise<void> {
  for (const { abort } of trims.values()) abort.abort();
  await Promise.all([...trims.values()].map(({ done }) => done));
  db.close();
  // Nothing else keeps the thread alive: it ends.
  port.close();
}
