import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "../src/api-client.js";
import type { Source, SourceStatusBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";
import type { CommandContext } from "./context.js";
import { withProgress } from "./progress.js";

const POLL_MS = 250;

/**
 * Waits until the source's running sync has ended (with a progress line on a terminal);
 * answers the final status, or throws the sync's error.
 */
export async function waitForSync(ctx: CommandContext, client: ApiClient, source: Pick<Source, "id" | "name">): Promise<SourceStatusBody> {
  const status = await withProgress(ctx, `Syncing '${source.name}'…`, async () => {
    for (;;) {
      const current = await client.get<SourceStatusBody>(`/api/sources/${encodeURIComponent(source.id)}/status`);
      if (!current.isSyncing) return current;
      await sleep(POLL_MS);
    }
  });
  if (status.lastSyncError !== null) throw new CrudeError(`sync of '${source.name}' failed: ${status.lastSyncError}`);
  return status;
}

/** "Synced 'app' to 1a2b3c4 in 1.2s." */
export function syncedMessage(source: Pick<Source, "name">, status: SourceStatusBody, ms: number): string {
  const commit = status.commit ? ` to ${status.commit.slice(0, 7)}` : "";
  return `Synced '${source.name}'${commit} in ${(ms / 1000).toFixed(1)}s.`;
}
