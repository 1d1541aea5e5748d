import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Source, SourceStatusBody, SourceType, SyncSettings } from "../../src/api-types.js";
import type { Keyring } from "../crypto/keyring.js";
import { type Db, writeTransaction } from "../db/database.js";
import { type EncryptedColumn, encryptedColumn } from "../db/encrypted-column.js";
import { newId } from "../db/ids.js";
import { conflict, invalid, notFound } from "../domain-error.js";
import { SOURCE_KINDS, type SourceKind } from "./kinds.js";
import {
  checkEnabled,
  checkName,
  checkObject,
  checkRequired,
  checkSyncSettings,
  checkType,
  isSourceName,
  REDACTED,
  splitSensitive,
} from "./rules.js";

interface SourceRow {
  id: string;
  name: string;
  type: SourceType;
  type_settings: string;
  auth_token: string | null;
  sync_settings: string;
  webhook_secret: string | null;
  enabled: number;
  last_sync_at: string | null;
  last_sync_started_at: string | null;
  last_sync_error: string | null;
  created_at: string;
  updated_at: string;
}

/** The body of a new source, unchecked. */
export interface NewSourceInput {
  name?: unknown;
  type?: unknown;
  typeSettings?: unknown;
  syncSettings?: unknown;
  enabled?: unknown;
}

/** The fields PUT may change, unchecked; anything else in the body is ignored. */
export type SourceChanges = Pick<NewSourceInput, "typeSettings" | "syncSettings" | "enabled">;

/** Settings as stored: the JSON part and the encrypted sensitive field taken out of it. */
interface SealedSettings {
  json: string;
  sealed: string | null;
}

export const sourceSecretColumns = (db: Db): EncryptedColumn[] => [
  encryptedColumn(db, "sources", "auth_token"),
  encryptedColumn(db, "sources", "webhook_secret"),
];

/**
 * Owns `sources` and the source directories `<code>/<name>`. A record and its directory are
 * created together; `onChange` hears of every directory removed, so hot reload drops what it
 * loaded from there.
 */
export class SourcesService {
  constructor(
    private readonly db: Db,
    private readonly keyring: Keyring,
    private readonly codeDir: string,
    private readonly onChange: (absolutePath: string) => void,
  ) {}

  /** Sorted by name (case-sensitive, like the names themselves). */
  async list(): Promise<Source[]> {
    return (this.db.prepare("SELECT * FROM sources ORDER BY name").all() as SourceRow[]).map(toSource);
  }

  async count(): Promise<number> {
    return this.db.prepare("SELECT COUNT(*) FROM sources").pluck().get() as number;
  }

  async get(id: string): Promise<Source> {
    return toSource(this.requireRow(id, "Source not found"));
  }

  async getByName(name: string): Promise<Source> {
    if (!isSourceName(name)) throw invalid("Invalid source name");
    const row = this.db.prepare("SELECT * FROM sources WHERE name = ?").get(name) as SourceRow | undefined;
    if (!row) throw notFound("Source not found");
    return toSource(row);
  }

  /** The directory a source's files live in. */
  directory(source: Pick<Source, "name">): string {
    return join(this.codeDir, source.name);
  }

  kind(source: Pick<Source, "type">): SourceKind {
    return SOURCE_KINDS[source.type];
  }

  /** Validates everything, then writes the record and creates the directory together (an existing one is kept). */
  async create(input: NewSourceInput): Promise<Source> {
    checkRequired(input);
    const type = checkType(input.type);
    const name = checkName(input.name);
    const typeSettings = this.sealTypeSettings(this.kind({ type }).checkTypeSettings(checkObject(input.typeSettings, "typeSettings")));
    const syncSettings = this.sealSyncSettings(checkSyncSettings(input.syncSettings) ?? {});
    const enabled = checkEnabled(input.enabled) ?? true;
    if (this.db.prepare("SELECT 1 FROM sources WHERE name = ?").get(name)) throw conflict(`Code source '${name}' already exists`);

    const id = newId();
    const now = new Date().toISOString();
    const dir = this.directory({ name });
    writeTransaction(this.db, () => {
      this.db
        .prepare(
          `INSERT INTO sources (id, name, type, type_settings, auth_token, sync_settings, webhook_secret, enabled, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(id, name, type, typeSettings.json, typeSettings.sealed, syncSettings.json, syncSettings.sealed, Number(enabled), now, now);
      // Inside the transaction: a directory that cannot be made leaves no record behind.
      makeDirectory(dir, name);
    });
    return this.get(id);
  }

  /** Replaces typeSettings and syncSettings as whole objects, as the reference does. */
  async update(id: string, input: SourceChanges): Promise<{ source: Source; syncTriggered: boolean }> {
    const row = this.requireRow(id, "Source not found");
    const kind = this.kind(row);
    const typeSettings =
      input.typeSettings === undefined
        ? undefined
        : this.sealTypeSettings(kind.checkTypeSettings(checkObject(input.typeSettings, "typeSettings")));
    const syncSettings = input.syncSettings === undefined ? undefined : this.sealSyncSettings(checkSyncSettings(input.syncSettings) ?? {});
    const enabled = checkEnabled(input.enabled);
    this.db
      .prepare(
        `UPDATE sources SET type_settings = ?, auth_token = ?, sync_settings = ?, webhook_secret = ?, enabled = ?, updated_at = ?
         WHERE id = ?`,
      )
      .run(
        typeSettings?.json ?? row.type_settings,
        typeSettings ? typeSettings.sealed : row.auth_token,
        syncSettings?.json ?? row.sync_settings,
        syncSettings ? syncSettings.sealed : row.webhook_secret,
        enabled === undefined ? row.enabled : Number(enabled),
        new Date().toISOString(),
        id,
      );
    return { source: await this.get(id), syncTriggered: false };
  }

  /** Removes the directory (what cannot be removed stays, as in the reference), then the record. */
  async delete(id: string): Promise<void> {
    const source = toSource(this.requireRow(id, `Code source '${id}' not found`));
    const dir = this.directory(source);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    this.db.prepare("DELETE FROM sources WHERE id = ?").run(id);
    this.onChange(dir);
  }

  async sync(id: string): Promise<string> {
    const source = toSource(this.requireRow(id, `Code source '${id}' not found`));
    return this.kind(source).sync(source);
  }

  async status(id: string): Promise<SourceStatusBody> {
    const source = await this.get(id);
    const kind = this.kind(source);
    return {
      isSyncable: kind.syncable,
      isEditable: kind.editable,
      lastSyncAt: source.lastSyncAt,
      lastSyncStartedAt: source.lastSyncStartedAt,
      lastSyncError: source.lastSyncError,
      isSyncing: source.lastSyncStartedAt !== null,
    };
  }

  private requireRow(id: string, missing: string): SourceRow {
    const row = this.db.prepare("SELECT * FROM sources WHERE id = ?").get(id) as SourceRow | undefined;
    if (!row) throw notFound(missing);
    return row;
  }

  private sealTypeSettings(settings: Record<string, unknown>): SealedSettings {
    return this.seal(...splitSensitive(settings, "authToken", "typeSettings.authToken"));
  }

  private sealSyncSettings(settings: SyncSettings): SealedSettings {
    return this.seal(...splitSensitive({ ...settings }, "webhookSecret", "syncSettings.webhookSecret"));
  }

  private seal(rest: Record<string, unknown>, sensitive: string | null): SealedSettings {
    return { json: JSON.stringify(rest), sealed: sensitive === null ? null : this.keyring.encrypt(sensitive) };
  }
}

function makeDirectory(dir: string, name: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST" || code === "ENOTDIR")
      throw conflict(`Cannot create the directory of source '${name}': ${dir} is not a directory`);
    throw error;
  }
}

/** Sensitive fields are never decrypted for a response: it only shows that they are set. */
function toSource(row: SourceRow): Source {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    typeSettings: { ...JSON.parse(row.type_settings), ...(row.auth_token !== null && { authToken: REDACTED }) },
    syncSettings: { ...JSON.parse(row.sync_settings), ...(row.webhook_secret !== null && { webhookSecret: REDACTED }) },
    enabled: row.enabled === 1,
    lastSyncAt: row.last_sync_at,
    lastSyncStartedAt: row.last_sync_started_at,
    lastSyncError: row.last_sync_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
