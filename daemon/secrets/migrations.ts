import type { Migration } from "../db/migrator.js";

export const secretsMigrations: Migration[] = [
  {
    version: 4,
    name: "secrets",
    // scope_ref is the function, key group or API key ID, and NULL exactly for global secrets;
    // the unique index maps NULL to '' because SQLite treats NULLs as distinct in indexes.
    up: (db) =>
      db.exec(`CREATE TABLE secrets (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        value TEXT NOT NULL, -- ciphertext: <version letter> + base64(IV ‖ AES-256-GCM ‖ tag)
        comment TEXT,
        scope_type TEXT NOT NULL CHECK (scope_type IN ('global', 'function', 'group', 'key')),
        scope_ref TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        CHECK ((scope_type = 'global') = (scope_ref IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX secrets_name_per_scope ON secrets (name, scope_type, ifnull(scope_ref, ''));
      CREATE INDEX secrets_by_scope ON secrets (scope_type, scope_ref);`),
  },
];
