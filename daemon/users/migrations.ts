import type { Migration } from "../db/migrator.js";

export const usersMigrations: Migration[] = [
  {
    version: 5,
    name: "users_and_sessions",
    // Sessions hold only an HMAC of their token under the session secret: a copy of the
    // database signs nobody in, and a new secret (key rotation) ends every session.
    up: (db) =>
      db.exec(`CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL UNIQUE COLLATE NOCASE,
        email_verified INTEGER NOT NULL DEFAULT 0,
        name TEXT,
        image TEXT,
        banned INTEGER NOT NULL DEFAULT 0,
        ban_reason TEXT,
        ban_expires TEXT,
        roles TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash TEXT NOT NULL UNIQUE,
        expires_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sessions_user ON sessions (user_id);`),
  },
];
