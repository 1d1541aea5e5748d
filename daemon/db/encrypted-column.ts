import type { Db } from "./database.js";

/** What a rotation batch did: rows rewritten, rows that would not decrypt, and where to go on. */
export interface ReencryptBatch {
  processed: number;
  rewritten: number;
  failedIds: string[];
  lastId: string | undefined;
}

/**
 * A column of a domain's table that holds values encrypted by the keyring. Domains declare
 * theirs; key rotation walks all of them, and startup counts them to refuse a missing key file.
 */
export interface EncryptedColumn {
  /** For reports, e.g. `secrets.value`. */
  readonly name: string;
  /** Rows holding an encrypted value of any version. */
  count(): number;
  countVersion(version: string): number;
  /**
   * Rewrites up to `limit` rows of `version` with IDs after `afterId`, in one transaction that
   * stops early once it has run `budgetMs`, so the event loop is never held for long.
   */
  reencrypt(version: string, afterId: string, limit: number, budgetMs: number, recrypt: (stored: string) => string): ReencryptBatch;
}

/**
 * Declares `table.column` as encrypted. Called by the domain that owns the table, in its own
 * folder; the rows are walked by ID (keyset paging), so a row that cannot be decrypted is
 * reported once and skipped instead of being selected again forever.
 */
export function encryptedColumn(db: Db, table: string, column: string): EncryptedColumn {
  const count = db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE ${column} IS NOT NULL`).pluck();
  const countVersion = db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE substr(${column}, 1, 1) = ?`).pluck();
  const select = db.prepare(`SELECT id, ${column} AS value FROM ${table} WHERE substr(${column}, 1, 1) = ? AND id > ? ORDER BY id LIMIT ?`);
  const update = db.prepare(`UPDATE ${table} SET ${column} = ? WHERE id = ? AND ${column} = ?`);
  const batch = db.transaction((version: string, afterId: string, limit: number, budgetMs: number, recrypt: (stored: string) => string) => {
    const deadline = performance.now() + budgetMs;
    const rows = select.all(version, afterId, limit) as { id: string; value: string }[];
    const result: ReencryptBatch = { processed: 0, rewritten: 0, failedIds: [], lastId: undefined };
    for (const row of rows) {
      if (result.processed > 0 && performance.now() > deadline) break;
      result.processed++;
      result.lastId = row.id;
      let value: string;
      try {
        value = recrypt(row.value);
      } catch {
        result.failedIds.push(row.id);
        continue;
      }
      result.rewritten += update.run(value, row.id, row.value).changes;
    }
    return result;
  });
  return {
    name: `${table}.${column}`,
    count: () => count.get() as number,
    countVersion: (version) => countVersion.get(version) as number,
    reencrypt: (version, afterId, limit, budgetMs, recrypt) => batch.immediate(version, afterId, limit, budgetMs, recrypt),
  };
}
