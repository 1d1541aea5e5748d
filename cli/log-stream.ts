import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { ApiClient } from "../src/api-client.js";
import type { StoredLog } from "../src/api-types.js";
import { ApiError, DaemonUnreachableError } from "../src/errors.js";
import { readEvents } from "../src/sse.js";
import type { LogsQuery } from "./logs.js";

export interface LogStreamOptions {
  query: LogsQuery;
  /** Where the stream starts: after the last entry delivered, or from a time. */
  resume: { afterId: string } | { since: string };
  /** Ends the stream; the promise then resolves. */
  signal: AbortSignal;
  onEntry(entry: StoredLog): void | Promise<void>;
  /** The daemon went away; the stream waits for it. */
  onLost?(): void;
  /** The stream is back after a loss. */
  onReconnected?(): void;
}

const FIRST_RETRY_MS = 250;
const MAX_RETRY_MS = 5000;

/**
 * Delivers the live log stream (`GET /api/logs/stream`) until `signal` aborts. A lost daemon
 * (restart, crash) is waited for and the stream resumed after the last entry delivered, so
 * nothing stored is missed and nothing delivered twice. Shared by `crude logs -f` and `crude tui`.
 */
export async function streamLogs(client: ApiClient, options: LogStreamOptions): Promise<void> {
  const { signal } = options;
  let resume = options.resume;
  let current: IncomingMessage | undefined;
  let wakeRetry = () => {};
  const stop = () => {
    current?.destroy();
    wakeRetry();
  };
  signal.addEventListener("abort", stop, { once: true });
  let lost = false;
  let retryMs = FIRST_RETRY_MS;
  try {
    while (!signal.aborted) {
      try {
        const response = await client.open("GET", "/api/logs/stream", {
          query: { ...options.query, since: "since" in resume ? resume.since : options.query.since },
          headers: { accept: "text/event-stream", ...("afterId" in resume ? { "last-event-id": resume.afterId } : {}) },
        });
        current = response;
        if (signal.aborted) response.destroy();
        if ((response.statusCode ?? 500) >= 400) throw await refusal(response);
        if (lost) options.onReconnected?.();
        lost = false;
        retryMs = FIRST_RETRY_MS;
        for await (const event of readEvents(response)) {
          const entry = JSON.parse(event.data) as StoredLog;
          await options.onEntry(entry);
          resume = { afterId: entry.id };
        }
      } catch (error) {
        if (signal.aborted) break;
        // A refusal (a deleted function, a revoked key) will not heal by waiting.
        if (!(error instanceof DaemonUnreachableError) && !isDropped(error)) throw error;
      }
      if (signal.aborted) break;
      if (!lost) options.onLost?.();
      lost = true;
      await Promise.race([sleep(retryMs), new Promise<void>((resolve) => (wakeRetry = resolve))]);
      retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
    }
  } finally {
    signal.removeEventListener("abort", stop);
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
