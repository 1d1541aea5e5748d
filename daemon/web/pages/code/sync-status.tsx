/** @jsxImportSource hono/jsx */
import type { Source, SourceStatusBody } from "../../../../src/api-types.js";
import { formatDuration } from "../../../../src/format.js";
import { syncStatusApiUrl } from "./urls.js";

/** "just now", "42s ago", "3m 20s ago", with the exact time as the tooltip. */
export const TimeAgo = ({ iso, now = Date.now() }: { iso: string; now?: number }) => {
  const elapsed = Math.floor((now - Date.parse(iso)) / 1000) * 1000;
  return (
    <time datetime={iso} title={iso}>
      {elapsed < 1000 ? "just now" : `${formatDuration(elapsed)} ago`}
    </time>
  );
};

/**
 * Where a git source's syncing stands: running (sync-status.js reloads the page when it ends),
 * failed (with git's message), synced (when, and which commit), or not yet. Manual sources have no syncs.
 */
export const SyncStatus = ({ source, status }: { source: Source; status: SourceStatusBody }) => {
  if (!status.isSyncable) return <span class="muted">Manual: files are edited here</span>;
  const commit = status.commit && <code title={status.commit}>{status.commit.slice(0, 7)}</code>;
  if (status.isSyncing) {
    return (
      <span aria-busy="true" data-sync-status={syncStatusApiUrl(source.id)}>
        Syncing…{commit && <> (serving {commit})</>}
      </span>
    );
  }
  if (status.lastSyncError !== null) {
    return (
      <span class="sync-failed">
        <strong class="text-error">Sync failed:</strong> <span class="sync-error">{status.lastSyncError}</span>
        {status.lastSyncAt && (
          <small>
            {" "}
            Last good sync <TimeAgo iso={status.lastSyncAt} />
            {commit && <>: {commit}</>}
          </small>
        )}
      </span>
    );
  }
  if (status.lastSyncAt === null) return <span class="muted">Not synced yet</span>;
  return (
    <span>
      Synced <TimeAgo iso={status.lastSyncAt} />
      {commit && <>: {commit}</>}
    </span>
  );
};
