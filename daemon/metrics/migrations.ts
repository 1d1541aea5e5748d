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
  {
    version: 11,
    name: "metrics_watermarks",
    // One row per aggregated type (1 minute, 2 hour, 3 day): the exclusive end of the last
    // window rolled up into rows of that type. A missing row means "never rolled up yet".
    up: (db) =>
      db.exec(`CREATE TABLE metrics_watermarks (
        type INTEGER PRIMARY KEY CHECK (type IN (1, 2, 3)),
        processed_until INTEGER NOT NULL
      ) STRICT;`),
  },
  {
    version: 13,
    name: "metrics_error_count",
    // crude extra: of a row's executions, how many failed (threw, timed out, crashed), so the
    // dashboards can show errors next to requests without scanning logs that trimming thins out.
    up: (db) => db.exec("ALTER TABLE metrics ADD COLUMN error_count INTEGER NOT NULL DEFAULT 0"),
  },
];
