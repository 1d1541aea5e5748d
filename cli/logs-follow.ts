import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "../src/api-client.js";
import type { StoredLog } from "../src/api-types.js";
import { ApiError, DaemonUnreachableError } from "../src/errors.js";
import { readEvents } from "../src/sse.js";
import type { CommandContext } from "./context.js";
import type { LogsQuery } from "./logs.js";

export interface FollowOptions {
  query: LogsQuery;
  /** Where the stream starts: after the last entry printed, or from a time. */
  resume: { afterId: string } | { since: string };
  print(entry: StoredLog): void;
  /** Looks up names again when an entry of a function created meanwhile arrives; true if it is known now. */
  unknownFunction(id: string): Promise<boolean>;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * Prints the live log stream until the user interrupts. A lost daemon (restart, crash) is
 * waited for and the stream resumed after the last entry printed, so nothing stored is missed
 * and nothing printed twice.
 */
export async function followLogs(ctx: CommandContext, client: ApiClient, options: FollowOptions): Promise<void> {
  let resume = options.resume;
  let interrupted = false;
  let current: IncomingMessage | undefined;
  let wakeRetry = () => {};
  void ctx.io.interrupted().then(() => {
    interrupted = true;
    current?.destroy();
    wakeRetry();
  });
  const known = new Set<string>();
  let lost = false;
  let retryMs = FIRST_RETRY_MS;

  while (!interrupted) {
    try {
      const response = await client.open("GET", "/api/logs/stream", {
        query: { ...options.query, since: "since" in resume ? resume.since : options.query.since },
        headers: { accept: "text/event-stream", ...("afterId" in resume ? { "last-event-id": resume.afterId } : {}) },
      });
      current = response;
      if (interrupted) response.destroy();
      if ((response.statusCode ?? 500) >= 400) throw await refusal(response);
      if (lost) ctx.err("crude: reconnected");
      lost = false;
      retryMs = FIRST_RETRY_MS;
      for await (const event of readEvents(response)) {
        const entry = JSON.parse(event.data) as StoredLog;
        if (entry.functionId !== "" && !known.has(entry.functionId)) {
          await options.unknownFunction(entry.functionId).catch(() => false);
          known.add(entry.functionId);
        }
        options.print(entry);
        resume = { afterId: entry.id };
      }
    } catch (error) {
      // A refusal (a deleted function, a revoked key) will not heal by waiting.
      if (!(error instanceof DaemonUnreachableError) && !isDropped(error)) throw error;
    }
    if (interrupted) break;
    if (!lost) ctx.err("crude: lost the connection to the daemon; reconnecting (Ctrl-C to stop)");
    lost = true;
    await Promise.race([sleep(retryMs), new Promise<void>((resolve) => (wakeRetry = resolve))]);
    retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
  }
}

async function refusal(response: IncomingMessage): Promise<ApiError> {
  let text = "";
  for await (const chunk of response) text += chunk;
  try {
    return new ApiError(response.statusCode ?? 500, JSON.parse(text));
  } catch {
    return new ApiError(response.statusCode ?? 500, text);
  }
}

/** The connection broke mid-stream (the daemon stopped, or went silent past the socket timeout). */
function isDropped(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    code === "ECONNRESET" ||
    code === "ETIMEDOUT" ||
    code === "EPIPE" ||
    code === "ERR_STREAM_PREMATURE_CLOSE" ||
    (error as Error).message === "aborted"
  );
}
