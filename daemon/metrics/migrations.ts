import type { Migration } from "../db/migrator.js";

export const metricsMigrations: Migration[] = [
  {
    version: 9,
    name: "execution_metrics",
    // function_id has no foreign key: metrics of deleted functions stay and still count globally.
    up: (db) =>
      db.exec(`CREATE TABLE metrics (
        id INTEGER PRIMARY KEY,
        function_id TEXT,
        type INTEGER NOT NULL CHECK (type IN (0, 1, 2, 3)),
        avg_time_us INTEGER NOT NULL,
        max_time_us INTEGER NOT NULL,
        execution_count INTEGER NOT NULL,
        timestamp INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX metrics_by_type ON metrics (type, function_id, timestamp);`),
  },
];
