import type { Source } from "../../src/api-types.js";
import { invalid } from "../domain-error.js";

/**
 * What differs between the types of code source: their settings rules, whether the file API
 * may write to them, and their syncs. The service and the file API ask the kind.
 */
export interface SourceKind {
  /** The file API may write to it. */
  readonly editable: boolean;
  /** `POST /api/sources/:id/sync` may start a sync. */
  readonly syncable: boolean;
  /** Checks the typeSettings of a new or updated source (undefined: none given) and answers what to store; throws to refuse. */
  checkTypeSettings(settings: Record<string, unknown> | undefined): Record<string, unknown>;
  /** A sync asked for by hand: answers its job ID, or null while one is running; throws to refuse. */
  sync(source: Source): Promise<string | null>;
  /** A webhook's sync: answers its job ID, or null when it was folded into the running one; throws to refuse. */
  webhookSync(source: Source): Promise<string | null>;
  /** The record was created (`before` undefined) or updated; answers whether that started a sync (or queued one). */
  saved(source: Source, before: Source | undefined): Promise<boolean>;
  /** The record and its directory are about to be deleted. */
  removing(source: Source): Promise<void>;
}

const notSyncable = (source: Source) => invalid(`Source '${source.name}' is a manual source and cannot be synced`);

export const MANUAL_KIND: SourceKind = {
  editable: true,
  syncable: false,
  // Free-form and not validated, as in the reference.
  checkTypeSettings: (settings) => settings ?? {},
  sync: async (source) => {
    throw notSyncable(source);
  },
  webhookSync: async (source) => {
    throw notSyncable(source);
  },
  saved: async () => false,
  removing: async () => {},
};
