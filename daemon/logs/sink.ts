import type { Db } from "../db/database.js";
import { prepareTrim, type TrimLimits, type TrimResult } from "./trim.js";
import type { LogEntry } from "./writer.js";

/** Where `LogWriter` sends its batches, and where trimming runs. */
export interface LogSink {
  /**
   * Writes the batch in one transaction, `sequence` numbered by position, and resolves with the
   * stored rows' ids in batch order; rejects, with nothing written, when that failed.
   */
  insert(batch: readonly LogEntry[]): Promise<number[]>;
  /** Deletes what `limits` no longer keep, in small transactions that let inserts through between them. */
  trim(limits: TrimLimits, signal?: AbortSignal): Promise<TrimResult>;
  /** Called once, after the last insert and trim have settled. */
  close(): Promise<void>;
}

/** The one-transaction batch insert, prepared once on `db`; returns the ids, throws when the transaction failed. */
export function prepareBatchInsert(db: Db): (batch: readonly LogEntry[]) => number[] {
  const insert = db.prepare(
    "INSERT INTO logs (request_id, function_id, level, message, args, sequence, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  return db.transaction((batch: readonly LogEntry[]) =>
    batch.map(
      (entry, sequence) =>
        insert.run(entry.requestId, entry.functionId, entry.level, entry.message, entry.args ?? null, sequence, entry.timestamp)
          .lastInsertRowid as number,
    ),
  );
}

/** Inserts and trims on `db`, on the calling thread: for tests, and for when the log thread is gone. */
export function directSink(db: Db): LogSink {
  const insertBatch = prepareBatchInsert(db);
  const trim = prepareTrim(db);
  return {
    insert: async (batch) => insertBatch(batch),
    trim,
    close: async () => {},
  };
}
