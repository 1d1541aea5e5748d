/**
 * How a log entry reads in a row of the logs page: shared by the server, which renders the page,
 * and client/live-logs.ts, which adds the entries that arrive while it is open. No imports: it
 * is bundled for the browser as it is.
 */

/** The fields of a stored entry a row shows (StoredLog's). */
export interface LogRowEntry {
  id: string;
  requestId: string;
  level: string;
  message: string;
  args?: string;
  timestamp: string;
}

/** UTC to the millisecond, as stored: `2026-03-01 14:05:09.123`. */
export const logTime = (iso: string) => iso.slice(0, 23).replace("T", " ");

/** Enough of a request id to tell requests apart in a list (the full one is in the title). */
export const shortRequestId = (requestId: string) => requestId.slice(0, 8);

/**
 * The rest of a console call after its message (strings as written, others as JSON), or a
 * router event's details (`{"origin":…}`) as stored.
 */
export function logArgs(entry: Pick<LogRowEntry, "args">): string {
  if (entry.args === undefined) return "";
  try {
    const args: unknown = JSON.parse(entry.args);
    if (Array.isArray(args)) return args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" ");
  } catch {
    // Not JSON: shown as stored.
  }
  return entry.args;
}
