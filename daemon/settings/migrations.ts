import type { Migration } from "../db/migrator.js";

export const settingsMigrations: Migration[] = [
  {
    version: 1,
    name: "settings",
    up: (db) =>
      db.exec(`CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL
      ) STRICT`),
  },
];
