import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../daemon/db/database.js";
import { type Migration, migrate, SchemaTooNewError } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

function freshDb() {
  const db = openDatabase(join(tempDir(), "test.db"));
  deferCleanup(() => {
    db.close();
  });
  return db;
}

const createTable = (version: number, table: string): Migration => ({
  version,
  name: table,
  up: (db) => db.exec(`CREATE TABLE ${table} (id INTEGER)`),
});
const tables = (db: ReturnType<typeof freshDb>) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);

describe("migrations", () => {
  it("opens SQLite in WAL mode with foreign keys and a busy timeout", () => {
    const db = freshDb();
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.pragma("busy_timeout", { simple: true })).toBe(5000);
  });

  it("applies pending migrations in order, records them, and is idempotent", () => {
    const db = freshDb();
    expect(migrate(db, [createTable(1, "a"), createTable(2, "b")])).toEqual({ from: 0, to: 2 });
    expect(migrate(db, [createTable(1, "a"), createTable(2, "b"), createTable(3, "c")])).toEqual({ from: 2, to: 3 });
    expect(migrate(db, [createTable(1, "a"), createTable(2, "b"), createTable(3, "c")])).toEqual({ from: 3, to: 3 });
    expect(tables(db)).toEqual(["a", "b", "c", "schema_migrations"]);
    expect(db.prepare("SELECT version, name FROM schema_migrations ORDER BY version").all()).toEqual([
      { version: 1, name: "a" },
      { version: 2, name: "b" },
      { version: 3, name: "c" },
    ]);
  });

  it("rolls a failing migration back completely and keeps the earlier ones", () => {
    const db = freshDb();
    const broken: Migration = {
      version: 2,
      name: "broken",
      up: (d) => {
        d.exec("CREATE TABLE half (id INTEGER)");
        d.exec("THIS IS NOT SQL");
      },
    };
    expect(() => migrate(db, [createTable(1, "a"), broken])).toThrow();
    expect(tables(db)).toEqual(["a", "schema_migrations"]);
    expect(db.prepare("SELECT MAX(version) AS v FROM schema_migrations").get()).toEqual({ v: 1 });
  });

  it("refuses a database newer than the code without touching it", () => {
    const db = freshDb();
    migrate(db, [createTable(1, "a"), createTable(2, "b")]);
    expect(() => migrate(db, [createTable(1, "a")])).toThrow(SchemaTooNewError);
    expect(() => migrate(db, [createTable(1, "a")])).toThrow(/schema version 2, but this crude knows only up to version 1/);
    expect(tables(db)).toEqual(["a", "b", "schema_migrations"]);
  });

  it("rejects a migration list that is out of order", () => {
    expect(() => migrate(freshDb(), [createTable(2, "b"), createTable(1, "a")])).toThrow(/out of order/);
    expect(() => migrate(freshDb(), [createTable(1, "a"), createTable(1, "b")])).toThrow(/out of order/);
  });

  it("ships strictly increasing versions", () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual([...MIGRATIONS.map((m) => m.version)].sort((a, b) => a - b));
    expect(() => migrate(freshDb(), MIGRATIONS)).not.toThrow();
  });
});
