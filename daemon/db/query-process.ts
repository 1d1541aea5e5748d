/**
 * The SQL console's query runner: a child process (dist/query-process.js) that answers one
 * request and exits. It opens the daemon's database read-only (`readonly`, `query_only`) and runs
 * one statement that SQLite itself reports as read-only and returning rows. A process rather
 * than a thread: SQLite cannot be interrupted through better-sqlite3, and a worker thread busy in
 * native code can neither be terminated nor let its process exit, whereas a process can be killed.
 */
import { Worker } from "node:worker_threads";
import Database from "better-sqlite3";
import type { Cell, QueryAnswer, QueryRequest } from "./read-only-query.js";

if (!process.send) throw new Error("the query runner must be started with an IPC channel");

/** A refusal of the statement itself, worded for the person who typed it. */
class StatementRefusal extends Error {}

/** Shown bytes of a blob; the rest is counted, not shown. */
const BLOB_BYTES_SHOWN = 64;

/** JSON- and HTML-friendly cells: integers beyond 2^53 as exact strings, blobs as hex literals. */
function cell(value: unknown): Cell {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Buffer.isBuffer(value)) {
    const hex = value.subarray(0, BLOB_BYTES_SHOWN).toString("hex");
    return value.length > BLOB_BYTES_SHOWN ? `x'${hex}…' (${value.length} bytes)` : `x'${hex}'`;
  }
  return value as Cell;
}

function prepare(db: Database.Database, sql: string): Database.Statement {
  try {
    return db.prepare(sql);
  } catch (error) {
    // better-sqlite3's own wording for "SELECT 1; DELETE …".
    if (error instanceof RangeError)
      throw new StatementRefusal("Only one statement can run at a time: remove everything after the first ;");
    throw error;
  }
}

function run(request: QueryRequest): Extract<QueryAnswer, { ok: true }> {
  const db = new Database(request.databasePath, { readonly: true, fileMustExist: true });
  db.pragma("query_only = ON");
  const statement = prepare(db, request.sql);
  if (!statement.reader || !statement.readonly) {
    throw new StatementRefusal("Only a statement that reads can run here: SELECT, WITH … SELECT or EXPLAIN");
  }
  statement.raw(true).safeIntegers(true);
  const columns = statement.columns().map((column) => column.name);
  const rows: Cell[][] = [];
  let bytes = 0;
  let total = 0;
  let countUntil = Number.POSITIVE_INFINITY;
  for (const row of statement.iterate() as Iterable<unknown[]>) {
    total++;
    if (rows.length < request.rowLimit && bytes < request.byteLimit) {
      const cells = row.map(cell);
      rows.push(cells);
      bytes += JSON.stringify(cells).length;
      if (rows.length === request.rowLimit || bytes >= request.byteLimit) countUntil = Date.now() + request.countBudgetMs;
    } else if (Date.now() > countUntil) {
      // Counting the rest is only for the "N rows cut" note: it may give up, the rows shown are complete.
      return { ok: true, columns, rows, totalRows: total, totalIsExact: false };
    }
  }
  return { ok: true, columns, rows, totalRows: total, totalIsExact: true };
}

// Started ahead of its request (a spare), it gives up waiting after the time its parent passed.
const idle = setTimeout(() => process.exit(0), Number(process.argv[2]));

process.once("message", (request: QueryRequest) => {
  clearTimeout(idle);
  // The parent kills this process at the deadline; should the parent itself be gone by then, this
  // thread still ends a runaway query, as it runs while the main thread is stuck in SQLite.
  new Worker(`setTimeout(() => process.kill(process.pid, "SIGKILL"), ${Number(request.killAfterMs)})`, { eval: true }).unref();
  let answer: QueryAnswer;
  try {
    answer = run(request);
  } catch (error) {
    answer = { ok: false, refused: error instanceof StatementRefusal, message: (error as Error).message };
  }
  process.send?.(answer, () => process.disconnect());
});
