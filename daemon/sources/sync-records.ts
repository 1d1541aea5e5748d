import type { Keyring } from "../crypto/keyring.js";
import type { Db } from "../db/database.js";
import { SyncFailure } from "./git/git-process.js";

/** What one sync of a source needs, read fresh when it starts. */
export interface SyncTarget {
  id: string;
  name: string;
  enabled: boolean;
  /** As stored, without the token. */
  typeSettings: Record<string, unknown>;
  /** Decrypted, only for the git commands of this sync. */
  authToken: string | undefined;
  /** The commit the source serves now; null before its first good sync. */
  commit: string | null;
}

export type SyncOutcome = { commit: string } | { error: string };

/** The sync-state columns of `sources`: started, finished, failed, the commit served. */
export class SyncRecords {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
  ) {}

  /** undefined once the source is gone. */
  async target(id: string): Promise<SyncTarget | undefined> {
    const row = this.db
      .prepare("SELECT id, name, enabled, type_settings, auth_token, last_sync_commit FROM sources WHERE id = ?")
      .get(id) as
      | { id: string; name: string; enabled: number; type_settings: string; auth_token: string | null; last_sync_commit: string | null }
      | undefined;
    if (!row) return undefined;
    let authToken: string | undefined;
    try {
      authToken = row.auth_token === null ? undefined : this.keyring.decrypt(row.auth_token);
    } catch (error) {
      throw new SyncFailure(`typeSettings.authToken cannot be decrypted (${(error as Error).message}); set it again`);
    }
    return {
      id: row.id,
      name: row.name,
      enabled: row.enabled === 1,
      typeSettings: JSON.parse(row.type_settings),
      authToken,
      commit: row.last_sync_commit,
    };
  }

  /** A sync started: the spec's "in progress" mark, and the last error cleared. */
  async started(id: string): Promise<void> {
    this.db.prepare("UPDATE sources SET last_sync_started_at = ?, last_sync_error = NULL WHERE id = ?").run(new Date().toISOString(), id);
  }

  /**
   * A sync ended. With `followUp` the next one starts in the same write, so the source never
   * shows as idle between the two.
   */
  async finished(id: string, outcome: SyncOutcome, followUp: boolean): Promise<void> {
    const now = new Date().toISOString();
    const startedAt = followUp ? now : null;
    if ("commit" in outcome) {
      this.db
        .prepare("UPDATE sources SET last_sync_at = ?, last_sync_commit = ?, last_sync_error = NULL, last_sync_started_at = ? WHERE id = ?")
        .run(now, outcome.commit, startedAt, id);
    } else {
      // A follow-up starting clears the error, as every start does.
      this.db
        .prepare("UPDATE sources SET last_sync_error = ?, last_sync_started_at = ? WHERE id = ?")
        .run(followUp ? null : outcome.error, startedAt, id);
    }
  }

  /** At start: syncs a previous daemon left running never finished; they are reported as failed. */
  async resetInterrupted(message: string): Promise<number> {
    return this.db
      .prepare("UPDATE sources SET last_sync_started_at = NULL, last_sync_error = ? WHERE last_sync_started_at IS NOT NULL")
      .run(message).changes;
  }
}
