import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "../src/api-client.js";
import type { Source, SourceStatusBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";
import type { CommandContext } from "./context.js";

const POLL_MS = 250;
const SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";

/**
 * Waits until the source's running sync has ended, with a spinner and the elapsed time on a
 * terminal's stderr (nothing when piped); answers the final status, or throws the sync's error.
 */
export async function waitForSync(ctx: CommandContext, client: ApiClient, source: Pick<Source, "id" | "name">): Promise<SourceStatusBody> {
  const stderr = ctx.io.stderr;
  const show = stderr.isTTY === true && !ctx.options.quiet && !ctx.json;
  const started = Date.now();
  let status: SourceStatusBody;
  for (let tick = 0; ; tick++) {
    status = await client.get<SourceStatusBody>(`/api/sources/${encodeURIComponent(source.id)}/status`);
    if (!status.isSyncing) break;
    if (show)
      stderr.write(`\r\u001b[2K${SPINNER[tick % SPINNER.length]} Syncing '${source.name}'… ${Math.round((Date.now() - started) / 1000)}s`);
    await sleep(POLL_MS);
  }
  if (show) stderr.write("\r\u001b[2K");
  if (status.lastSyncError !== null) throw new CrudeError(`sync of '${source.name}' failed: ${status.lastSyncError}`);
  return status;
}

/** "Synced 'app' to 1a2b3c4 in 1.2s." */
export function syncedMessage(source: Pick<Source, "name">, status: SourceStatusBody, ms: number): string {
  const commit = status.commit ? ` to ${status.commit.slice(0, 7)}` : "";
  return `Synced '${source.name}'${commit} in ${(ms / 1000).toFixed(1)}s.`;
}
