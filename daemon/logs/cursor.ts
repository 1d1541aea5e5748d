import { invalid } from "../domain-error.js";

/** A position in the newest-first reading order: entries strictly older than it come next. */
export interface LogCursor {
  timestamp: number;
  sequence: number;
  /**
   * crude's addition to the spec's `{timestamp, sequence}`: entries of two batches can share
   * both, and without the id a page boundary between them would skip or repeat entries.
   * Cursors without it (the reference's) still work, with the reference's tie behaviour.
   */
  id?: number;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 (with padding) of `{"timestamp":"<ISO>","sequence":n,"id":"<id>"}`. */
export function encodeCursor(cursor: Required<LogCursor>): string {
  const json = JSON.stringify({ timestamp: new Date(cursor.timestamp).toISOString(), sequence: cursor.sequence, id: String(cursor.id) });
  return Buffer.from(json, "utf8").toString("base64");
}

export function decodeCursor(text: string): LogCursor {
  let parsed: unknown;
  try {
    if (text === "" || !BASE64.test(text)) throw new Error("not base64");
    parsed = JSON.parse(Buffer.from(text, "base64").toString("utf8"));
  } catch {
    throw invalid("Invalid cursor format");
  }
  const { timestamp, sequence, id } = (parsed ?? {}) as Record<string, unknown>;
  const time = typeof timestamp === "string" ? Date.parse(timestamp) : Number.NaN;
  const rowId = id === undefined ? undefined : Number(id);
  if (!Number.isFinite(time) || !Number.isSafeInteger(sequence) || (rowId !== undefined && !Number.isSafeInteger(rowId))) {
    throw invalid("Invalid cursor format");
  }
  return { timestamp: time, sequence: sequence as number, id: rowId };
}
