import type { Migration } from "../db/migrator.js";

export const keysMigrations: Migration[] = [
  {
    version: 3,
    name: "key_groups_and_api_keys",
    up: (db) =>
      db.exec(`CREATE TABLE key_groups (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        description TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        group_id TEXT NOT NULL REFERENCES key_groups (id) ON DELETE RESTRICT,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        value_hash TEXT NOT NULL,
        description TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (group_id, name)
      ) STRICT;
      CREATE INDEX api_keys_lookup ON api_keys (group_id, value_hash);`),
  },
];
