import { type Db, writeTransaction } from "../db/database.js";

/** What a trimming run keeps. */
export interface TrimLimits {
  /** Entries captured before this time (ms since the epoch) go; none go by age when absent. */
  olderThan?: number;
  /** Entries kept per function, the newest; entries without a function are not counted. */
  maxPerFunction: number;
}

/** The `log-trimming` job's result. */
export interface TrimResult {
  deletedByAge: number;
  trimmedByCount: number;
}

/**
 * Rows per delete transaction: a few milliseconds of work on a table with three indexes, the
 * longest an insert batch (or, on the direct sink, a request) waits behind a trimming run.
 */
const CHUNK_ROWS = 500;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Trimming on `db`, its statements prepared once. A run deletes in chunks and yields to the
 * event loop between them, so the thread it runs on goes on writing new batches meanwhile;
 * `signal` ends a run early (shutdown), with what it deleted so far.
 */
export function prepareTrim(db: Db): (limits: TrimLimits, signal?: AbortSignal) => Promise<TrimResult> {
  const oldChunk = db.prepare(`DELETE FROM logs WHERE id IN (SELECT id FROM logs WHERE timestamp < ? LIMIT ${CHUNK_ROWS})`);
  // One index seek per function (a skip-scan of logs_by_function) instead of scanning every row.
  const functionIds = db
    .prepare(
      `WITH RECURSIVE f(id) AS (
        SELECT MIN(function_id) FROM logs WHERE function_id > ''
        UNION ALL
        SELECT (SELECT MIN(function_id) FROM logs WHERE function_id > f.id) FROM f WHERE f.id IS NOT NULL
      ) SELECT id FROM f WHERE id IS NOT NULL`,
    )
    .pluck();
  // The newest entry past the ones kept, in the reading order: it and everything older go.
  const firstBeyond = db.prepare(
    "SELECT timestamp, sequence, id FROM logs WHERE function_id = ? ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT 1 OFFSET ?",
  );
  const beyondChunk = db.prepare(
    `DELETE FROM logs WHERE id IN (
      SELECT id FROM logs WHERE function_id = ? AND (timestamp, sequence, id) <= (?, ?, ?) LIMIT ${CHUNK_ROWS}
    )`,
  );
  // BEGIN IMMEDIATE: the main connection writes to the same file (see writeTransaction).
  const deleteChunk = (statement: typeof oldChunk, ...params: unknown[]) => writeTransaction(db, () => statement.run(...params).changes);

  /** Deletes chunk after chunk until one comes back short; the total. */
  const drain = async (statement: typeof oldChunk, params: unknown[], signal: AbortSignal | undefined) => {
    let total = 0;
    for (;;) {
      const deleted = deleteChunk(statement, ...params);
      total += deleted;
      if (deleted < CHUNK_ROWS) return total;
      await nextTurn();
      if (signal?.aborted) return total;
    }
  };

  return async (limits, signal) => {
    const result: TrimResult = { deletedByAge: 0, trimmedByCount: 0 };
    if (limits.olderThan !== undefined) result.deletedByAge = await drain(oldChunk, [limits.olderThan], signal);
    for (const functionId of functionIds.all() as string[]) {
      if (signal?.aborted) break;
      const cut = firstBeyond.get(functionId, limits.maxPerFunction) as { timestamp: number; sequence: number; id: number } | undefined;
      if (cut) result.trimmedByCount += await drain(beyondChunk, [functionId, cut.timestamp, cut.sequence, cut.id], signal);
      await nextTurn();
    }
    return result;
  };
}
