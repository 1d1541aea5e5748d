import type { Source, SourceType } from "../../src/api-types.js";
import { invalid } from "../domain-error.js";

/**
 * What differs between the types of code source. Git sources plug in here: their settings
 * rules, their read-only files and their syncs; the service and the file API ask the kind.
 */
export interface SourceKind {
  /** The file API may write to it. */
  readonly editable: boolean;
  /** `POST /api/sources/:id/sync` may start a sync. */
  readonly syncable: boolean;
  /** Checks the typeSettings of a new or updated source (undefined: none given) and answers what to store; throws to refuse. */
  checkTypeSettings(settings: Record<string, unknown> | undefined): Record<string, unknown>;
  /** Starts a sync and answers its job ID; throws to refuse. */
  sync(source: Source): Promise<string>;
}

const manual: SourceKind = {
  editable: true,
  syncable: false,
  // Free-form and not validated, as in the reference.
  checkTypeSettings: (settings) => settings ?? {},
  sync: async (source) => {
    throw invalid(`Source '${source.name}' is a manual source and cannot be synced`);
  },
};

const notYet = () => invalid("Git sources are not supported yet");

/** Known by name so that validation and stored rows stay stable; refused until git syncing arrives. */
const git: SourceKind = {
  editable: false,
  syncable: true,
  checkTypeSettings: () => {
    throw notYet();
  },
  sync: async () => {
    throw notYet();
  },
};

export const SOURCE_KINDS: Record<SourceType, SourceKind> = { manual, git };
