/**
 * The log writer thread: writes execution-log batches on its own connection, so SQLite's time
 * is not taken from the main thread, which serves HTTP. Built as its own entry
 * (dist/log-writer.js) and started by `threadSink`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "../db/database.js";
import { prepareBatchInsert } from "./sink.js";
import type { FromLogThread, ToLogThread } from "./thread-sink.js";

if (!parentPort) throw new Error("the log writer must run as a worker thread");
const port = parentPort;
const db = openDatabase((workerData as { databasePath: string }).databasePath);
const insertBatch = prepareBatchInsert(db);

port.on("message", (message: ToLogThread) => {
  if (message.type === "close") {
    db.close();
    // Nothing else keeps the thread alive: it ends.
    port.close();
    return;
  }
  let answer: FromLogThread;
  try {
    insertBatch(message.batch);
    answer = { ok: true };
  } catch (error) {
    answer = { ok: false, error: (error as Error).message };
  }
  port.postMessage(answer);
});
