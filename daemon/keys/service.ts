import { randomBytes } from "node:crypto";
import type { ApiKeyItem, KeyGroup } from "../../src/api-types.js";
import type { Keyring } from "../crypto/keyring.js";
import { type Db, writeTransaction } from "../db/database.js";
import { type EncryptedColumn, encryptedColumn } from "../db/encrypted-column.js";
import { checkId, newId } from "../db/ids.js";
import type { ScopeCleanup } from "../db/scope-cleanup.js";
import { conflict, forbidden, invalid, notFound } from "../domain-error.js";
import { checkDescription, checkKeyValue, MANAGEMENT_GROUP, normalizeName } from "./rules.js";

/** The key that a value was validated as. */
export interface KeyMatch {
  groupId: string;
  groupName: string;
  keyId: string;
  keyName: string;
}

interface GroupRow {
  id: string;
  name: string;
  description: string | null;
}

interface KeyRow {
  id: string;
  group_id: string;
  name: string;
  value: string;
  value_hash: string;
  description: string | null;
}

/** A stored key with its value decrypted (or the reason it could not be). */
export interface StoredKey extends ApiKeyItem {
  decryptionError: string | null;
}

export const apiKeyValueColumn = (db: Db): EncryptedColumn => encryptedColumn(db, "api_keys", "value");

/**
 * Owns `key_groups` and `api_keys`. Values are stored encrypted plus an HMAC; validation
 * looks the HMAC up in an in-memory snapshot, so checking a key never touches SQL or
 * decrypts anything, and no comparison of the raw value can exit early on a matching prefix.
 */
export class KeysService {
  private groupsById = new Map<string, GroupRow>();
  /** groupId → lookup hash → key. */
  private hashes = new Map<string, Map<string, { id: string; name: string }>>();

  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly scopes: ScopeCleanup,
  ) {
    this.refresh();
  }

  /** The built-in group: created at every start when missing; never deleted or renamed. */
  async ensureManagementGroup(): Promise<void> {
    const now = new Date().toISOString();
    this.db
      .prepare("INSERT OR IGNORE INTO key_groups (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
      .run(MANAGEMENT_GROUP, MANAGEMENT_GROUP, "Management API keys", now, now);
    this.refresh();
  }

  // ── Validation (hot path: snapshot only) ──

  /** The first of `groupIds` (in order) holding a key with this value; undefined for no match. */
  validate(value: string, groupIds: readonly string[]): KeyMatch | undefined {
    if (value === "") return undefined;
    const hash = this.keyring.lookupHash(value);
    for (const groupId of groupIds) {
      const key = this.hashes.get(groupId)?.get(hash);
      const group = this.groupsById.get(groupId);
      if (key && group) return { groupId, groupName: group.name, keyId: key.id, keyName: key.name };
    }
    return undefined;
  }

  async count(): Promise<{ keyGroups: number; apiKeys: number }> {
    let apiKeys = 0;
    for (const byHash of this.hashes.values()) apiKeys += byHash.size;
    return { keyGroups: this.groupsById.size, apiKeys };
  }

  groupName(groupId: string): string | undefined {
    return this.groupsById.get(groupId)?.name;
  }

  // ── Groups ──

  async listGroups(): Promise<KeyGroup[]> {
    return [...this.groupsById.values()].sort((a, b) => a.name.localeCompare(b.name)).map(toGroup);
  }

  async getGroup(id: string): Promise<KeyGroup> {
    return toGroup(this.requireGroup(checkId(id, "Invalid group ID")));
  }

  async findGroup(id: string): Promise<KeyGroup | undefined> {
    const group = this.groupsById.get(id);
    return group && toGroup(group);
  }

  async createGroup(input: { name?: unknown; description?: unknown }): Promise<{ id: string; name: string }> {
    const name = normalizeName(input.name, "group");
    const description = checkDescription(input.description) ?? null;
    if ([...this.groupsById.values()].some((group) => group.name === name)) throw conflict(`Group '${name}' already exists`);
    const id = newId();
    const now = new Date().toISOString();
    this.db
      .prepare("INSERT INTO key_groups (id, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)")
      .run(id, name, description, now, now);
    this.refresh();
    return { id, name };
  }

  /** Only the description can change; an omitted one is stored as "" (as the reference does). */
  async updateGroup(id: string, input: { description?: unknown }): Promise<void> {
    this.requireGroup(checkId(id, "Invalid group ID"));
    const description = checkDescription(input.description) ?? "";
    this.db.prepare("UPDATE key_groups SET description = ?, updated_at = ? WHERE id = ?").run(description, new Date().toISOString(), id);
    this.refresh();
  }

  /** Refused for `management` and for a group that still has keys; removes the group's secrets with it. */
  async deleteGroup(id: string): Promise<void> {
    const group = this.requireGroup(checkId(id, "Invalid group ID"));
    if (group.name === MANAGEMENT_GROUP) throw forbidden("Cannot delete management group");
    const keys = this.db.prepare("SELECT COUNT(*) FROM api_keys WHERE group_id = ?").pluck().get(id) as number;
    if (keys > 0) throw conflict(`Cannot delete group with ${keys} existing key(s). Delete keys first.`);
    writeTransaction(this.db, () => {
      this.db.prepare("DELETE FROM key_groups WHERE id = ?").run(id);
      this.scopes.deleted("group", id);
    });
    this.refresh();
  }

  // ── Keys ──

  /** Sorted by group name, then key name; `groupId` narrows to one group. */
  async listKeys(groupId?: string): Promise<StoredKey[]> {
    if (groupId !== undefined) this.requireGroup(checkId(groupId, "Invalid groupId parameter"));
    const rows = (
      groupId === undefined
        ? this.db.prepare("SELECT * FROM api_keys").all()
        : this.db.prepare("SELECT * FROM api_keys WHERE group_id = ?").all(groupId)
    ) as KeyRow[];
    return rows.map((row) => this.toStoredKey(row)).sort((a, b) => a.groupName.localeCompare(b.groupName) || a.name.localeCompare(b.name));
  }

  async getKey(id: string): Promise<{ key: StoredKey; group: KeyGroup }> {
    const row = this.db.prepare("SELECT * FROM api_keys WHERE id = ?").get(checkId(id, "Invalid key ID")) as KeyRow | undefined;
    if (!row) throw notFound("Key not found");
    return { key: this.toStoredKey(row), group: toGroup(this.requireGroup(row.group_id)) };
  }

  async findKey(id: string): Promise<{ id: string; name: string; groupId: string } | undefined> {
    const row = this.db.prepare("SELECT id, name, group_id FROM api_keys WHERE id = ?").get(id) as KeyRow | undefined;
    return row && { id: row.id, name: row.name, groupId: row.group_id };
  }

  /**
   * Creates a key (its value generated from the CSPRNG when omitted). As in the reference, a value
   * that already exists in the group creates nothing and answers with the existing key's ID.
   */
  async createKey(input: { groupId?: unknown; name?: unknown; value?: unknown; description?: unknown }): Promise<{
    id: string;
    name: string;
    value: string;
  }> {
    if (input.groupId === undefined || input.groupId === null || input.groupId === "") throw invalid("Missing required field: groupId");
    if (typeof input.groupId !== "string") throw invalid("Invalid groupId");
    const group = this.requireGroup(checkId(input.groupId, "Invalid groupId"));
    const name = normalizeName(input.name, "key");
    const value = input.value === undefined || input.value === null ? generateKeyValue() : checkKeyValue(input.value);
    const description = checkDescription(input.description) ?? null;
    const hash = this.keyring.lookupHash(value);
    const existing = this.hashes.get(group.id)?.get(hash);
    if (existing) return { id: existing.id, name, value };
    this.assertNameFree(group, name);
    const id = newId();
    const now = new Date().toISOString();
    this.db
      .prepare(
        "INSERT INTO api_keys (id, group_id, name, value, value_hash, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(id, group.id, name, this.keyring.encrypt(value), hash, description, now, now);
    this.refresh();
    return { id, name, value };
  }

  /** Name, value and description can change; the group cannot. `description: ""` clears it. */
  async updateKey(id: string, input: { name?: unknown; value?: unknown; description?: unknown }): Promise<void> {
    checkId(id, "Invalid key ID");
    const name = input.name === undefined ? undefined : normalizeName(input.name, "key");
    const value = input.value === undefined ? undefined : checkKeyValue(input.value);
    const description = checkDescription(input.description);
    const row = this.db.prepare("SELECT * FROM api_keys WHERE id = ?").get(id) as KeyRow | undefined;
    if (!row) throw notFound(`API key with id ${id} not found`);
    if (name !== undefined && name !== row.name) this.assertNameFree(this.requireGroup(row.group_id), name);
    this.db
      .prepare("UPDATE api_keys SET name = ?, value = ?, value_hash = ?, description = ?, updated_at = ? WHERE id = ?")
      .run(
        name ?? row.name,
        value === undefined ? row.value : this.keyring.encrypt(value),
        value === undefined ? row.value_hash : this.keyring.lookupHash(value),
        description === undefined ? row.description : description === "" ? null : description,
        new Date().toISOString(),
        id,
      );
    this.refresh();
  }

  /** Removes the key and its key-scoped secrets in one transaction. */
  async deleteKey(id: string): Promise<void> {
    checkId(id, "Invalid key ID");
    const deleted = writeTransaction(this.db, () => {
      const { changes } = this.db.prepare("DELETE FROM api_keys WHERE id = ?").run(id);
      if (changes > 0) this.scopes.deleted("key", id);
      return changes > 0;
    });
    if (!deleted) throw notFound("Key not found");
    this.refresh();
  }

  private assertNameFree(group: GroupRow, name: string): void {
    const taken = this.db.prepare("SELECT 1 FROM api_keys WHERE group_id = ? AND name = ?").get(group.id, name);
    if (taken) throw conflict(`A key with name '${name}' already exists in group '${group.name}'`);
  }

  private requireGroup(id: string): GroupRow {
    const group = this.groupsById.get(id);
    if (!group) throw notFound("Group not found");
    return group;
  }

  private toStoredKey(row: KeyRow): StoredKey {
    const { value, decryptionError } = this.keyring.reveal(row.value, `API key ${row.id}`);
    const groupName = this.groupsById.get(row.group_id)?.name ?? "Unknown";
    return { id: row.id, name: row.name, value, description: row.description, groupId: row.group_id, groupName, decryptionError };
  }

  /** Reloads the validation snapshot after every write: a few thousand rows take well under a millisecond each. */
  private refresh(): void {
    const groups = this.db.prepare("SELECT id, name, description FROM key_groups").all() as GroupRow[];
    this.groupsById = new Map(groups.map((group) => [group.id, group]));
    const hashes = new Map<string, Map<string, { id: string; name: string }>>();
    for (const row of this.db.prepare("SELECT id, group_id, name, value_hash FROM api_keys").all() as KeyRow[]) {
      const byHash = hashes.get(row.group_id) ?? new Map();
      byHash.set(row.value_hash, { id: row.id, name: row.name });
      hashes.set(row.group_id, byHash);
    }
    this.hashes = hashes;
  }
}

/** 32 bytes from the CSPRNG as URL-safe base64: 43 characters, the length and alphabet of the reference's keys. */
export function generateKeyValue(): string {
  return randomBytes(32).toString("base64url");
}

function toGroup(row: GroupRow): KeyGroup {
  return { id: row.id, name: row.name, description: row.description };
}
