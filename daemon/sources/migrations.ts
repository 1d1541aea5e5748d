import type { Migration } from "../db/migrator.js";

export const sourcesMigrations: Migration[] = [
  {
    version: 6,
    name: "sources",
    // The two sensitive settings live in their own encrypted columns, outside the JSON, so key
    // rotation re-encrypts them like every other encrypted column (the reference does not).
    up: (db) =>
      db.exec(`CREATE TABLE sources (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        type TEXT NOT NULL CHECK (type IN ('manual', 'git')),
        type_settings TEXT NOT NULL, -- JSON object without authToken
        auth_token TEXT, -- ciphertext of typeSettings.authToken
        sync_settings TEXT NOT NULL, -- JSON object without webhookSecret
        webhook_secret TEXT, -- ciphertext of syncSettings.webhookSecret
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        last_sync_at TEXT,
        last_sync_started_at TEXT,
        last_sync_error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;`),
  },
  {
    version: 12,
    name: "sources: synced commit",
    // The commit of the tree a git source serves, for its status and to skip syncs that would change nothing.
    up: (db) => db.exec("ALTER TABLE sources ADD COLUMN last_sync_commit TEXT"),
  },
];
