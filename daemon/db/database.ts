import { closeSync, openSync } from "node:fs";
import Database from "better-sqlite3";

export type Db = Database.Database;

/** Opens the daemon's SQLite file with the pragmas every domain relies on. */
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
