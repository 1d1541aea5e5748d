import { closeSync, openSync } from "node:fs";
import Database from "better-sqlite3";

export type Db = Database.Database;

/**
 * Opens the daemon's SQLite file with the pragmas every domain relies on.
 *
 * The execution-log writer thread holds a second connection. A deferred transaction that reads
 * and then writes fails at once with SQLITE_BUSY when that connection committed in between
 * (the busy timeout does not apply to such an upgrade), so every transaction that writes on
 * the main connection goes through `writeTransaction`.
 */
export function openDatabase(path: string): Db {
  // Created owner-only up front: SQLite gives the -wal and -shm files the database file's mode.
  closeSync(openSync(path, "a", 0o600));
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  // NORMAL is durable in WAL mode except for the last transactions before a power loss.
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  db.pragma("busy_timeout = 5000");
  return db;
}

/** Runs `work` in a transaction that takes the write lock first (BEGIN IMMEDIATE): see above. */
export function writeTransaction<T>(db: Db, work: () => T): T {
  return db.transaction(work).immediate();
}
