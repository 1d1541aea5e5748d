import type { Db } from "../db/database.js";
import type { LogEntry } from "./writer.js";

/** Where `LogWriter` sends its batches. */
export interface LogSink {
  /** Writes the batch in one transaction, `sequence` numbered by position; rejects, with nothing written, when that failed. */
  insert(batch: readonly LogEntry[]): Promise<void>;
  /** Called once, after the last insert has settled. */
  close(): Promise<void>;
}

/** The one-transaction batch insert, prepared once on `db`; throws when the transaction failed. */
export function prepareBatchInsert(db: Db): (batch: readonly LogEntry[]) => void {
  const insert = db.prepare(
    "INSERT INTO logs (request_id, function_id, level, message, args, sequence, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  return db.transaction((batch: readonly LogEntry[]) => {
    batch.forEach((entry, sequence) => {
      insert.run(entry.requestId, entry.functionId, entry.level, entry.message, entry.args ?? null, sequence, entry.timestamp);
    });
  });
}

/** Inserts on `db`, on the calling thread: for tests, and for when the log thread is gone. */
export function directSink(db: Db): LogSink {
  const insertBatch = prepareBatchInsert(db);
  return {
    insert: async (batch) => insertBatch(batch),
    close: async () => {},
  };
}
