import type { Statement } from "better-sqlite3";
import type { StoredLog } from "../../src/api-types.js";
import { type Db, writeTransaction } from "../db/database.js";
import type { LogCursor } from "./cursor.js";
import type { LogFilter } from "./filter.js";

/** A `logs` row as SQLite returns it. */
export interface LogRow {
  id: number;
  request_id: string;
  function_id: string;
  level: string;
  message: string;
  args: string | null;
  sequence: number;
  timestamp: number;
}

export function toStoredLog(row: LogRow): StoredLog {
  const entry: StoredLog = {
    id: String(row.id),
    requestId: row.request_id,
    functionId: row.function_id,
    level: row.level,
    message: row.message,
    sequence: row.sequence,
    timestamp: new Date(row.timestamp).toISOString(),
  };
  if (row.args !== null) entry.args = row.args;
  return entry;
}

const NEWEST_FIRST = "ORDER BY timestamp DESC, sequence DESC, id DESC";

/**
 * Reads of the `logs` table for the API, on the main connection. Every shape of query is
 * prepared once; each is a range scan of one index (see the migrations), so a page costs the
 * same on the first page as a million rows deep.
 */
export class LogQuery {
  private readonly statements = new Map<string, Statement<unknown[], LogRow>>();
  private readonly deleteOfFunction;
  private readonly newestId;
  private readonly firstSince;

  constructor(private readonly db: Db) {
    this.deleteOfFunction = db.prepare("DELETE FROM logs WHERE function_id = ?");
    this.newestId = db.prepare("SELECT COALESCE(MAX(id), 0) FROM logs").pluck();
    // Ids follow storage order, not capture order: the smallest id of the range, not the oldest entry's.
    this.firstSince = db.prepare("SELECT MIN(id) FROM logs WHERE timestamp >= ?").pluck();
  }

  /** Up to `limit` entries after `cursor`, newest first. */
  page(filter: LogFilter, limit: number, cursor?: LogCursor): StoredLog[] {
    const where = conditions(filter);
    if (cursor?.id !== undefined) where.add("(timestamp, sequence, id) < (?, ?, ?)", cursor.timestamp, cursor.sequence, cursor.id);
    else if (cursor) where.add("(timestamp, sequence) < (?, ?)", cursor.timestamp, cursor.sequence);
    return this.rows(`${where.sql} ${NEWEST_FIRST} LIMIT ?`, [...where.params, limit]);
  }

  /**
   * Up to `limit` entries just newer than `cursor`, newest first: the page before a page, for
   * the web UI's "Newer" link (the API's `prev` leads to older entries, as the spec has it).
   */
  newer(filter: LogFilter, limit: number, cursor: Required<LogCursor>): StoredLog[] {
    const where = conditions(filter);
    where.add("(timestamp, sequence, id) > (?, ?, ?)", cursor.timestamp, cursor.sequence, cursor.id);
    return this.rows(`${where.sql} ORDER BY timestamp, sequence, id LIMIT ?`, [...where.params, limit]).reverse();
  }

  /** Up to `limit` entries stored after the one with id `afterId`, oldest first: a stream's replay. */
  after(filter: LogFilter, afterId: number, limit: number): StoredLog[] {
    // The unary + keeps SQLite on the id range instead of a filter's index plus a sort.
    const where = conditions(filter, "+");
    where.add("id > ?", afterId);
    return this.rows(`${where.sql} ORDER BY id LIMIT ?`, [...where.params, limit]);
  }

  /** The id just before the first entry captured at or after `since`: where a stream with `since` starts. */
  idBefore(since: number): number {
    const first = this.firstSince.get(since) as number | null;
    return first === null ? this.lastId() : first - 1;
  }

  /** The id of the newest stored entry (0 when none): where a live stream starts. */
  lastId(): number {
    return this.newestId.get() as number;
  }

  deleteForFunction(functionId: string): number {
    return writeTransaction(this.db, () => this.deleteOfFunction.run(functionId).changes);
  }

  private rows(clauses: string, params: unknown[]): StoredLog[] {
    const sql = `SELECT id, request_id, function_id, level, message, args, sequence, timestamp FROM logs ${clauses}`;
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], LogRow>(sql);
      this.statements.set(sql, statement);
    }
    return statement.all(...params).map(toStoredLog);
  }
}

class Where {
  private readonly parts: string[] = [];
  readonly params: unknown[] = [];

  add(condition: string, ...params: unknown[]): void {
    this.parts.push(condition);
    this.params.push(...params);
  }

  get sql(): string {
    return this.parts.length === 0 ? "" : `WHERE ${this.parts.join(" AND ")}`;
  }
}

/** `unindexed` ("+") stops a column from choosing the index, when the id range must lead. */
function conditions(filter: LogFilter, unindexed = ""): Where {
  const where = new Where();
  if (filter.functionId !== undefined) where.add(`${unindexed}function_id = ?`, filter.functionId);
  if (filter.levels !== undefined) where.add(`level IN (${filter.levels.map(() => "?").join(", ")})`, ...filter.levels);
  // A scan (there is no request index, see the migrations): bounded by the function's entries when one is given.
  if (filter.requestPrefix !== undefined)
    where.add("request_id >= ? AND request_id < ?", filter.requestPrefix, `${filter.requestPrefix}\u{10FFFF}`);
  if (filter.since !== undefined) where.add(`${unindexed}timestamp >= ?`, filter.since);
  return where;
}
