import type { SettingsService } from "../../settings/service.js";
import type { SourceKind } from "../kinds.js";
import { checkGitTypeSettings, gitTargetChanged, insecureHttpAllowed } from "./settings.js";
import type { GitSyncs } from "./syncs.js";

/** Git sources: read-only through the file API, their tree replaced by each sync. */
export function gitKind(syncs: GitSyncs, settings: SettingsService): SourceKind {
  return {
    editable: false,
    syncable: true,
    checkTypeSettings: (typeSettings) => checkGitTypeSettings(typeSettings, insecureHttpAllowed(settings)),
    sync: (source) => syncs.start(source.id, "manual"),
    webhookSync: (source) => syncs.request(source.id, "webhook"),
    saved: async (source, before) => {
      syncs.schedule(source);
      if (!source.enabled) return false;
      // The reference leaves the first sync to its web UI; here the API starts it, so every client gets a tree.
      if (before === undefined) return (await syncs.start(source.id, "manual")) !== null;
      if (!gitTargetChanged(before.typeSettings, source.typeSettings)) return false;
      // Also while a sync runs: that one fetches the old ref, so one more follows it.
      await syncs.request(source.id, "manual");
      return true;
    },
    removing: (source) => syncs.remove(source),
  };
}
