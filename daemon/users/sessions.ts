import { createHmac, randomBytes } from "node:crypto";
import type { AuthSession } from "../../src/api-types.js";
import type { Keyring } from "../crypto/keyring.js";
import { type Db, writeTransaction } from "../db/database.js";
import { newId } from "../db/ids.js";

const DAY_MS = 86_400_000;
const SESSION_LIFETIME_MS = 7 * DAY_MS;
/** A session in use gets a new expiry at most once a day, not at every request. */
const REFRESH_AFTER_MS = DAY_MS;

interface SessionRow {
  id: string;
  user_id: string;
  expires_at: string;
  created_at: string;
  updated_at: string;
}

/** A session as `resolve` found it; `refreshed` means its expiry moved and the cookie must be sent again. */
export interface ResolvedSession {
  session: AuthSession;
  refreshed: boolean;
}

/**
 * Owns `sessions`. A session is a random token in the client's cookie; the database keeps
 * only HMAC(session secret, token), so a leaked database opens no session, and the new
 * secret of a key rotation makes every stored session unreachable.
 */
export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly keyring: Pick<Keyring, "sessionSecret">,
  ) {}

  /** A new session and its token, which exists only in the answer to the client. */
  async create(userId: string, now = new Date()): Promise<{ token: string; session: AuthSession }> {
    const token = randomBytes(32).toString("base64url");
    const row: SessionRow = {
      id: newId(),
      user_id: userId,
      expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(),
      created_at: now.toISOString(),
      updated_at: now.toISOString(),
    };
    writeTransaction(this.db, () => {
      // Sweeping here keeps the table small without a timer: sign-ins are rare.
      this.db.prepare("DELETE FROM sessions WHERE expires_at <= ?").run(now.toISOString());
      this.db
        .prepare("INSERT INTO sessions (id, user_id, token_hash, expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)")
        .run(row.id, row.user_id, this.tokenHash(token), row.expires_at, row.created_at, row.updated_at);
    });
    return { token, session: toSession(row) };
  }

  /** The live session of a token; an expired one is deleted and, like an unknown token, gives undefined. */
  async resolve(token: string, now = new Date()): Promise<ResolvedSession | undefined> {
    const row = this.db.prepare("SELECT * FROM sessions WHERE token_hash = ?").get(this.tokenHash(token)) as SessionRow | undefined;
    if (!row) return undefined;
    const expiresAt = Date.parse(row.expires_at);
    if (!(expiresAt > now.getTime())) {
      this.db.prepare("DELETE FROM sessions WHERE id = ?").run(row.id);
      return undefined;
    }
    // As the reference's auth library does: the expiry was last set (lifetime - 1 day) ago.
    if (expiresAt - SESSION_LIFETIME_MS + REFRESH_AFTER_MS > now.getTime()) return { session: toSession(row), refreshed: false };
    const refreshed = { ...row, expires_at: new Date(now.getTime() + SESSION_LIFETIME_MS).toISOString(), updated_at: now.toISOString() };
    this.db
      .prepare("UPDATE sessions SET expires_at = ?, updated_at = ? WHERE id = ?")
      .run(refreshed.expires_at, refreshed.updated_at, row.id);
    return { session: toSession(refreshed), refreshed: true };
  }

  async delete(token: string): Promise<void> {
    this.db.prepare("DELETE FROM sessions WHERE token_hash = ?").run(this.tokenHash(token));
  }

  /** Every session of `userId` except `keptSessionId` (the one changing the password). */
  async deleteOthers(userId: string, keptSessionId: string): Promise<void> {
    this.db.prepare("DELETE FROM sessions WHERE user_id = ? AND id <> ?").run(userId, keptSessionId);
  }

  /** Every session of `userId`: an administrator set a new password for them. */
  async deleteForUser(userId: string): Promise<void> {
    this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId);
  }

  /** After a key rotation: the rows are unreachable already (new secret); this removes them. */
  async deleteAll(): Promise<void> {
    this.db.prepare("DELETE FROM sessions").run();
  }

  private tokenHash(token: string): string {
    return createHmac("sha256", this.keyring.sessionSecret).update(token, "utf8").digest("base64url");
  }
}

function toSession(row: SessionRow): AuthSession {
  return { id: row.id, userId: row.user_id, expiresAt: row.expires_at, createdAt: row.created_at, updatedAt: row.updated_at };
}
