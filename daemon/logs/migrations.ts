import type { Migration } from "../db/migrator.js";

export const logsMigrations: Migration[] = [
  {
    version: 8,
    name: "execution_logs",
    // No foreign key to functions: function_id is '' for entries without a function, and the
    // functions domain removes a deleted function's entries through ScopeCleanup instead.
    up: (db) =>
      db.exec(`CREATE TABLE logs (
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL,
        function_id TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        args TEXT,
        sequence INTEGER NOT NULL,
        timestamp INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX logs_by_function ON logs (function_id, timestamp DESC, sequence DESC);
      CREATE INDEX logs_newest ON logs (timestamp DESC, sequence DESC);`),
  },
  {
    version: 10,
    name: "execution_logs_stream_ids",
    // AUTOINCREMENT: an id is never handed out twice, even after the newest rows were deleted, so
    // a log stream resuming "after id N" (Last-Event-ID) cannot skip entries that reused an id.
    // The id ends the reading order (entries of two batches can share timestamp and sequence),
    // so it is in the indexes too: a page and its cursor are then one index range scan.
    // No index on request_id: random UUIDs made every insert cost twice as much (13.2 against
    // 5.9 µs a row, measured), and the request filter is a rare look-up that trimming bounds.
    up: (db) =>
      db.exec(`CREATE TABLE logs_next (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL,
        function_id TEXT NOT NULL DEFAULT '',
        level TEXT NOT NULL,
        message TEXT NOT NULL,
        args TEXT,
        sequence INTEGER NOT NULL,
        timestamp INTEGER NOT NULL
      ) STRICT;
      INSERT INTO logs_next SELECT * FROM logs;
      DROP TABLE logs;
      ALTER TABLE logs_next RENAME TO logs;
      CREATE INDEX logs_by_function ON logs (function_id, timestamp DESC, sequence DESC, id DESC);
      CREATE INDEX logs_newest ON logs (timestamp DESC, sequence DESC, id DESC);`),
  },
];
