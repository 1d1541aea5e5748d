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
];
