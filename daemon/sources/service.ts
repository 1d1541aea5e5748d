import { createHash, timingSafeEqual } from "node:crypto";
import { mkdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { Source, SourceStatusBody, SourceType, SyncSettings } from "../../src/api-types.js";
import type { Keyring } from "../crypto/keyring.js";
import { type Db, writeTransaction } from "../db/database.js";
import { type EncryptedColumn, encryptedColumn } from "../db/encrypted-column.js";
import { newId } from "../db/ids.js";
import { conflict, forbidden, invalid, notFound, unauthorized } from "../domain-error.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { SettingsService } from "../settings/service.js";
import { Checkouts } from "./git/checkouts.js";
import { gitKind } from "./git/kind.js";
import { GitSyncs } from "./git/syncs.js";
import { MANUAL_KIND, type SourceKind } from "./kinds.js";
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
import { SyncRecords } from "./sync-records.js";

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
  last_sync_commit: string | null;
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

export interface SourcesServiceOptions {
  db: Db;
  keyring: Keyring;
  settings: SettingsService;
  log: ServerLog;
  /** `<data>/code`: a source's files are `<code>/<name>`. */
  codeDir: string;
  /** `<data>/checkouts`: the trees of git sources, `<code>/<name>` being a link to the one served. */
  checkoutsDir: string;
  /** Hears of every source directory removed or replaced, so hot reload drops what it loaded from there. */
  onChange: (absolutePath: string) => void;
}

/**
 * Owns `sources` and the source directories `<code>/<name>`. A record and its directory are
 * created together; git sources are synced by the kind's machinery, started and stopped with the daemon.
 */
export class SourcesService {
  private readonly db: Db;
  private readonly keyring: Keyring;
  private readonly codeDir: string;
  private readonly onChange: (absolutePath: string) => void;
  private readonly syncs: GitSyncs;
  private readonly kinds: Record<SourceType, SourceKind>;

  constructor(options: SourcesServiceOptions) {
    this.db = options.db;
    this.keyring = options.keyring;
    this.codeDir = options.codeDir;
    this.onChange = options.onChange;
    this.syncs = new GitSyncs({
      records: new SyncRecords(this.db, this.keyring),
      checkouts: new Checkouts(this.codeDir, options.checkoutsDir),
      settings: options.settings,
      log: options.log,
      onChange: this.onChange,
    });
    this.kinds = { manual: MANUAL_KIND, git: gitKind(this.syncs, options.settings) };
  }

  /** At daemon start: interrupted syncs are reported, leftover checkouts removed, interval syncs resumed. */
  async start(): Promise<void> {
    await this.syncs.restore(await this.list());
  }

  /** At daemon stop, before the database closes: running syncs are cancelled. */
  async stop(): Promise<void> {
    await this.syncs.stop();
  }

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
    return this.kinds[source.type];
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
    await this.kind({ type }).saved(await this.get(id), undefined);
    return this.get(id);
  }

  /** Replaces typeSettings and syncSettings as whole objects, as the reference does. */
  async update(id: string, input: SourceChanges): Promise<{ source: Source; syncTriggered: boolean }> {
    const row = this.requireRow(id, "Source not found");
    const before = toSource(row);
    const kind = this.kind(row);
    const typeSettings =
      input.typeSettings === undefined
        ? undefined
        : this.sealTypeSettings(kind.checkTypeSettings(checkObject(input.typeSettings, "typeSettings")), row);
    const syncSettings =
      input.syncSettings === undefined ? undefined : this.sealSyncSettings(checkSyncSettings(input.syncSettings) ?? {}, row.webhook_secret);
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
    const syncTriggered = await kind.saved(await this.get(id), before);
    return { source: await this.get(id), syncTriggered };
  }

  /** Stops its syncs, removes the directory (what cannot be removed stays, as in the reference), then the record. */
  async delete(id: string): Promise<void> {
    const source = toSource(this.requireRow(id, `Code source '${id}' not found`));
    await this.kind(source).removing(source);
    const dir = this.directory(source);
    await rm(dir, { recursive: true, force: true }).catch(() => {});
    this.db.prepare("DELETE FROM sources WHERE id = ?").run(id);
    this.onChange(dir);
  }

  /** A sync asked for by hand: its job ID, or null while one is running. */
  async sync(id: string): Promise<string | null> {
    const source = toSource(this.requireRow(id, `Code source '${id}' not found`));
    return this.kind(source).sync(source);
  }

  /**
   * `POST /api/sources/:id/webhook`, checked in the spec's order. Answers the job ID, or null
   * when the sync is skipped (source disabled, or a sync running: that one is then followed by one more).
   */
  async webhook(id: string, givenSecret: string): Promise<string | null> {
    const row = this.requireRow(id, `Code source '${id}' not found`);
    const source = toSource(row);
    if (source.syncSettings.webhookEnabled !== true) throw forbidden("Webhooks disabled for this source");
    if (row.webhook_secret !== null && !sameSecret(this.keyring.decrypt(row.webhook_secret), givenSecret)) {
      throw unauthorized("Invalid webhook secret");
    }
    if (!source.enabled) return null;
    return this.kind(source).webhookSync(source);
  }

  async status(id: string): Promise<SourceStatusBody> {
    const row = this.requireRow(id, "Source not found");
    const kind = this.kind(row);
    return {
      isSyncable: kind.syncable,
      isEditable: kind.editable,
      lastSyncAt: row.last_sync_at,
      lastSyncStartedAt: row.last_sync_started_at,
      lastSyncError: row.last_sync_error,
      isSyncing: row.last_sync_started_at !== null,
      commit: row.last_sync_commit,
    };
  }

  private requireRow(id: string, missing: string): SourceRow {
    const row = this.db.prepare("SELECT * FROM sources WHERE id = ?").get(id) as SourceRow | undefined;
    if (!row) throw notFound(missing);
    return row;
  }

  /**
   * `stored`: the row being updated. Its token is kept when the new settings carry the
   * placeholder a read shows (so settings can be read, changed and sent back), but not for
   * another host: that would hand the token to a server it was never meant for.
   */
  private sealTypeSettings(settings: Record<string, unknown>, stored?: SourceRow): SealedSettings {
    const [rest, token] = splitSensitive(settings, "authToken", "typeSettings.authToken");
    if (token !== REDACTED) return this.seal(rest, token, null);
    if (stored && stored.auth_token !== null && originOf(rest.url) !== originOf(JSON.parse(stored.type_settings).url)) {
      throw invalid("typeSettings.authToken: give the token again (not ***REDACTED***) when the repository moves to another host");
    }
    return this.seal(rest, token, stored?.auth_token ?? null);
  }

  private sealSyncSettings(settings: SyncSettings, stored: string | null = null): SealedSettings {
    return this.seal(...splitSensitive({ ...settings }, "webhookSecret", "syncSettings.webhookSecret"), stored);
  }

  /** The placeholder `***REDACTED***` stands for the value already stored (`stored`, sealed), none on create. */
  private seal(rest: Record<string, unknown>, sensitive: string | null, stored: string | null): SealedSettings {
    if (sensitive === REDACTED) return { json: JSON.stringify(rest), sealed: stored };
    return { json: JSON.stringify(rest), sealed: sensitive === null ? null : this.keyring.encrypt(sensitive) };
  }
}

function originOf(url: unknown): string | undefined {
  try {
    return typeof url === "string" ? new URL(url).origin : undefined;
  } catch {
    return undefined;
  }
}

/** Constant-time whatever the lengths: both sides are hashed to the same size first. */
function sameSecret(expected: string, given: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(expected), digest(given));
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
