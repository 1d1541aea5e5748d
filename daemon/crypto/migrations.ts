import type { Migration } from "../db/migrator.js";

export const cryptoMigrations: Migration[] = [
  {
    version: 2,
    name: "crypto_state",
    // Remembers which key file the encrypted rows belong to (a fingerprint, never a key).
    up: (db) =>
      db.exec(`CREATE TABLE crypto_state (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT`),
  },
];
