import type { Setting } from "../../src/api-types.js";
import { type Db, writeTransaction } from "../db/database.js";
import { SETTING_DEFINITIONS, SETTINGS_BY_NAME } from "./definitions.js";
import { type SettingProblem, validateSettings } from "./validate.js";

export class SettingsValidationError extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super(`Validation failed: ${problems.map((p) => `${p.name}: ${p.error}`).join("; ")}`);
    this.name = "SettingsValidationError";
  }
}

export type SettingsListener = (changed: ReadonlyMap<string, string>) => void;

/**
 * Owns the `settings` table. Other parts of the daemon read current values synchronously
 * from an in-memory snapshot (no SQL on hot paths) and subscribe to changes, so a new value
 * takes effect without a restart.
 */
export class SettingsService {
  private readonly values = new Map<string, string>();
  private readonly listeners = new Set<SettingsListener>();

  private constructor(private readonly db: Db) {}

  /** Inserts every missing default (existing values are kept) and loads the snapshot. */
  static async open(db: Db): Promise<SettingsService> {
    const service = new SettingsService(db);
    const insert = db.prepare("INSERT OR IGNORE INTO settings (name, value, updated_at) VALUES (?, ?, ?)");
    const now = new Date().toISOString();
    writeTransaction(db, () => {
      for (const definition of SETTING_DEFINITIONS) insert.run(definition.name, definition.default, now);
    });
    service.reload();
    return service;
  }

  /** The current value of a known setting, from the snapshot. */
  get(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new Error(`unknown setting ${name}`);
    return value;
  }

  getInteger(name: string): number {
    return Number.parseInt(this.get(name), 10);
  }

  /** Every known setting in definition order, with its default. */
  async list(): Promise<Setting[]> {
    return SETTING_DEFINITIONS.map((definition) => ({
      name: definition.name,
      value: this.get(definition.name),
      default: definition.default,
    }));
  }

  /** Validates all entries first; writes all of them in one transaction or none. */
  async update(changes: Record<string, unknown>): Promise<number> {
    const problems = validateSettings(changes);
    if (problems.length > 0) throw new SettingsValidationError(problems);
    const entries = Object.entries(changes as Record<string, string>);
    const write = this.db.prepare("UPDATE settings SET value = ?, updated_at = ? WHERE name = ?");
    const now = new Date().toISOString();
    writeTransaction(this.db, () => {
      for (const [name, value] of entries) write.run(value, now, name);
    });
    const changed = new Map(entries.filter(([name, value]) => this.values.get(name) !== value));
    for (const [name, value] of entries) this.values.set(name, value);
    if (changed.size > 0) for (const listener of this.listeners) listener(changed);
    return entries.length;
  }

  /** Calls `listener` after every update that changed at least one value; returns an unsubscribe. */
  onChange(listener: SettingsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private reload(): void {
    const rows = this.db.prepare("SELECT name, value FROM settings").all() as { name: string; value: string }[];
    this.values.clear();
    for (const row of rows) if (SETTINGS_BY_NAME.has(row.name)) this.values.set(row.name, row.value);
  }
}
