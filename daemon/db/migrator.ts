import { type Db, writeTransaction } from "./database.js";

/** One forward-only schema step. Versions are global across domains and strictly increasing. */
export interface Migration {
  version: number;
  name: string;
  up: (db: Db) => void;
}

export class SchemaTooNewError extends Error {
  constructor(dbVersion: number, knownVersion: number, path: string) {
    super(
      `the database ${path} has schema version ${dbVersion}, but this crude knows only up to version ${knownVersion}; it was written by a newer crude: upgrade crude, or point --data-dir elsewhere (the database was left untouched)`,
    );
    this.name = "SchemaTooNewError";
  }
}

/**
 * Applies pending migrations, each in its own transaction together with its version row,
 * so a crash leaves the database at the last completed version.
 */
export function migrate(db: Db, migrations: readonly Migration[]): { from: number; to: number } {
  assertOrdered(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const current = (db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get() as { v: number | null }).v ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(current, latest, db.name);

  const record = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    writeTransaction(db, () => {
      migration.up(db);
      record.run(migration.version, migration.name, new Date().toISOString());
    });
  }
  return { from: current, to: Math.max(current, latest) };
}

function assertOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    const previous = migrations[index - 1];
    if (previous && migration.version <= previous.version) {
      throw new Error(`migration ${migration.name} (v${migration.version}) is out of order after v${previous.version}`);
    }
  });
}
