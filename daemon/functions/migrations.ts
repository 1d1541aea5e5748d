import type { Migration } from "../db/migrator.js";

export const functionsMigrations: Migration[] = [
  {
    version: 7,
    name: "functions",
    // methods, keys and cors are JSON; normalized_route is what route collisions are decided on.
    up: (db) =>
      db.exec(`CREATE TABLE functions (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        handler TEXT NOT NULL,
        route TEXT NOT NULL,
        normalized_route TEXT NOT NULL,
        methods TEXT NOT NULL,
        keys TEXT,
        cors TEXT,
        timeout_ms INTEGER,
        enabled INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX functions_by_route ON functions (normalized_route);`),
  },
];
