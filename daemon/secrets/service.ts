import Database from "better-sqlite3";
import type { Secret, SecretCreatedBody, SecretScope, SecretWithValue } from "../../src/api-types.js";
import { DecryptionError, type Keyring } from "../crypto/keyring.js";
import type { Db } from "../db/database.js";
import { type EncryptedColumn, encryptedColumn } from "../db/encrypted-column.js";
import { checkId, newId } from "../db/ids.js";
import type { ScopeCleanup } from "../db/scope-cleanup.js";
import { conflict, invalid, notFound } from "../domain-error.js";
import type { KeysService } from "../keys/service.js";
import { checkComment, checkName, checkNewScope, checkNewValue, checkValue, parseScope, requiredTargetId, SCOPE_TARGETS } from "./rules.js";

interface SecretRow {
  id: string;
  name: string;
  value: string;
  comment: string | null;
  scope_type: SecretScope;
  scope_ref: string | null;
  created_at: string;
  updated_at: string;
}

/** Query parameters of the list endpoint, unchecked. */
export interface SecretFilters {
  scope?: string;
  functionId?: string;
  groupId?: string;
  keyId?: string;
  includeValues?: boolean;
}

/** The body of a new secret, unchecked. */
export interface NewSecretInput {
  name?: unknown;
  value?: unknown;
  scopeType?: unknown;
  scope?: unknown;
  comment?: unknown;
  functionId?: unknown;
  groupId?: unknown;
  keyId?: unknown;
}

export const secretValueColumn = (db: Db): EncryptedColumn => encryptedColumn(db, "secrets", "value");

/**
 * Owns `secrets`: encrypted name/value pairs, global or scoped to a function, key group or
 * API key. Scope targets must exist when a secret is created, and their deletion removes
 * their secrets (through ScopeCleanup, inside the deleting transaction).
 */
export class SecretsService {
  private readonly changeListeners: (() => void)[] = [];
  private readonly targetExists: Record<Exclude<SecretScope, "global">, (id: string) => Promise<boolean>> = {
    function: (id) => this.functionExists(id),
    group: async (id) => (await this.keys.findGroup(id)) !== undefined,
    key: async (id) => (await this.keys.findKey(id)) !== undefined,
  };

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly keys: KeysService,
    scopes: ScopeCleanup,
    private readonly functionExists: (id: string) => Promise<boolean>,
  ) {
    scopes.register((scope, id) => {
      const { changes } = db.prepare("DELETE FROM secrets WHERE scope_type = ? AND scope_ref = ?").run(scope, id);
      if (changes > 0) this.changed();
    });
  }

  /** `listener` runs after every write, cascades included: caches of plaintext must drop what they hold. */
  onChange(listener: () => void): void {
    this.changeListeners.push(listener);
  }

  /**
   * Sorted by name. The ID filters match `scopeRef` whatever the scope; only the first of
   * functionId, groupId, keyId that is given applies, though all are checked.
   */
  async list(filters: SecretFilters): Promise<Secret[] | SecretWithValue[]> {
    const scope = filters.scope ? parseScope(filters.scope, "scope") : undefined;
    const refs = (["functionId", "groupId", "keyId"] as const).map((field) => {
      const id = filters[field];
      return id ? checkId(id, `Invalid ${field}`) : undefined;
    });
    const ref = refs.find((id) => id !== undefined);
    const rows = this.db
      .prepare(
        `SELECT * FROM secrets WHERE (@scope IS NULL OR scope_type = @scope) AND (@ref IS NULL OR scope_ref = @ref)
         ORDER BY name, scope_type, scope_ref`,
      )
      .all({ scope: scope ?? null, ref: ref ?? null }) as SecretRow[];
    return filters.includeValues ? rows.map((row) => this.withValue(row)) : rows.map(toSecret);
  }

  /** Exact, case-sensitive name across all scopes (or one), with values; sorted by scope type, then ID. */
  async getByName(name: string, scope?: string): Promise<SecretWithValue[]> {
    const scopeType = scope ? parseScope(scope, "scope") : null;
    const rows = this.db
      .prepare("SELECT * FROM secrets WHERE name = @name AND (@scope IS NULL OR scope_type = @scope) ORDER BY scope_type, id")
      .all({ name, scope: scopeType }) as SecretRow[];
    if (rows.length === 0) throw notFound(`No secrets found with name '${name}'`);
    return rows.map((row) => this.withValue(row));
  }

  async count(): Promise<number> {
    return this.db.prepare("SELECT COUNT(*) FROM secrets").pluck().get() as number;
  }

  async get(id: string): Promise<SecretWithValue> {
    const row = this.db.prepare("SELECT * FROM secrets WHERE id = ?").get(id) as SecretRow | undefined;
    if (!row) throw notFound("Secret not found");
    return this.withValue(row);
  }

  async create(input: NewSecretInput): Promise<SecretCreatedBody> {
    const name = checkName(input.name);
    const value = checkNewValue(input.value);
    const scopeType = checkNewScope(input);
    const comment = checkComment(input.comment);
    const scopeRef = scopeType === "global" ? null : await this.existingTarget(scopeType, input[SCOPE_TARGETS[scopeType].field]);
    const id = newId();
    const now = new Date().toISOString();
    try {
      this.db
        .prepare(
          "INSERT INTO secrets (id, name, value, comment, scope_type, scope_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .run(id, name, this.keyring.encrypt(value), comment, scopeType, scopeRef, now, now);
    } catch (error) {
      // The unique index decides, so two racing creates cannot both pass a check made beforehand.
      if (error instanceof Database.SqliteError && error.code === "SQLITE_CONSTRAINT_UNIQUE")
        throw conflict(duplicateMessage(scopeType, name));
      throw error;
    }
    this.changed();
    return { id, name, scopeType };
  }

  /** Only the value and the comment change (`comment: null` removes it); name and scope are fixed. */
  async update(id: string, input: { value?: unknown; comment?: unknown }): Promise<void> {
    if (input.value === undefined && input.comment === undefined) throw invalid("At least one field (value or comment) must be provided");
    const value = input.value === undefined ? null : this.keyring.encrypt(checkValue(input.value));
    const comment = input.comment === undefined ? undefined : checkComment(input.comment);
    // One statement, no read-modify-write: a NULL value keeps the stored one; the comment changes only when the body has the field.
    const { changes } = this.db
      .prepare("UPDATE secrets SET value = coalesce(?, value), comment = iif(?, ?, comment), updated_at = ? WHERE id = ?")
      .run(value, comment === undefined ? 0 : 1, comment ?? null, new Date().toISOString(), id);
    if (changes === 0) throw notFound(`Secret with ID ${id} not found`);
    this.changed();
  }

  async delete(id: string): Promise<void> {
    const { changes } = this.db.prepare("DELETE FROM secrets WHERE id = ?").run(id);
    if (changes === 0) throw notFound(`Secret with ID ${id} not found`);
    this.changed();
  }

  /** The plaintext of one secret for a handler, undefined if there is none; a value that does not decrypt throws. */
  async readValue(scopeType: SecretScope, scopeRef: string | null, name: string): Promise<string | undefined> {
    const row = this.db
      .prepare("SELECT id, value FROM secrets WHERE name = ? AND scope_type = ? AND ifnull(scope_ref, '') = ?")
      .get(name, scopeType, scopeRef ?? "") as Pick<SecretRow, "id" | "value"> | undefined;
    if (!row) return undefined;
    const { value, decryptionError } = this.keyring.reveal(row.value, `Secret ${row.id}`);
    if (decryptionError !== null) throw new DecryptionError(decryptionError);
    return value;
  }

  /** Unknown targets are refused: a secret of a missing function, group or key could never be read. */
  private async existingTarget(scope: Exclude<SecretScope, "global">, raw: unknown): Promise<string> {
    const id = requiredTargetId(scope, raw);
    if (!(await this.targetExists[scope](id))) throw invalid(SCOPE_TARGETS[scope].unknown(id));
    return id;
  }

  private withValue(row: SecretRow): SecretWithValue {
    return { ...toSecret(row), ...this.keyring.reveal(row.value, `Secret ${row.id}`) };
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }
}

function toSecret(row: SecretRow): Secret {
  return {
    id: row.id,
    name: row.name,
    ...(row.comment === null ? {} : { comment: row.comment }),
    scopeType: row.scope_type,
    scopeRef: row.scope_ref,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function duplicateMessage(scope: SecretScope, name: string): string {
  return scope === "global"
    ? `A global secret with name '${name}' already exists`
    : `A secret with name '${name}' already exists for this ${scope}`;
}
