import type { ApiClient } from "../src/api-client.js";
import type { StoredLog } from "../src/api-types.js";
import type { CommandContext } from "./context.js";
import { streamLogs } from "./log-stream.js";
import type { LogsQuery } from "./logs.js";

export interface FollowOptions {
  query: LogsQuery;
  /** Where the stream starts: after the last entry printed, or from a time. */
  resume: { afterId: string } | { since: string };
  print(entry: StoredLog): void;
  /** Looks up names again when an entry of a function created meanwhile arrives; true if it is known now. */
  unknownFunction(id: string): Promise<boolean>;
}

/**
 * Prints the live log stream until the user interrupts. A lost daemon (restart, crash) is
 * waited for and the stream resumed after the last entry printed, so nothing stored is missed
 * and nothing printed twice.
 */
export async function followLogs(ctx: CommandContext, client: ApiClient, options: FollowOptions): Promise<void> {
  const interrupted = new AbortController();
  void ctx.io.interrupted().then(() => interrupted.abort());
  const known = new Set<string>();
  await streamLogs(client, {
    query: options.query,
    resume: options.resume,
    signal: interrupted.signal,
    onEntry: async (entry) => {
      if (entry.functionId !== "" && !known.has(entry.functionId)) {
        await options.unknownFunction(entry.functionId).catch(() => false);
        known.add(entry.functionId);
      }
      options.print(entry);
    },
    onLost: () => ctx.err("crude: lost the connection to the daemon; reconnecting (Ctrl-C to stop)"),
    onReconnected: () => ctx.err("crude: reconnected"),
  });
}
