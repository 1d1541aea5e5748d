import type { StoredLog } from "../../src/api-types.js";
import { parseDuration } from "../../src/duration.js";
import { invalid } from "../domain-error.js";
import { existingFunctionId } from "../functions/id-param.js";
import type { FunctionsService } from "../functions/service.js";
import { LOG_LEVELS } from "./writer.js";

/** Which entries a page or a stream shows; every field narrows. */
export interface LogFilter {
  functionId?: string;
  /** The levels as given (trimmed), in order, for the page links. */
  levels?: readonly string[];
  /** A request id or its start, as `crude logs` prints it. */
  requestPrefix?: string;
  /** Entries captured at or after this time (ms). */
  since?: number;
}

const REQUEST_PREFIX = /^[0-9a-fA-F-]{1,36}$/;

/**
 * The filter of `GET /api/logs` and `/api/logs/stream`, checked in the spec's order (functionId,
 * then level) with its messages; `requestId` and `since` are crude's own.
 */
export async function parseLogFilter(functions: FunctionsService, query: (name: string) => string | undefined): Promise<LogFilter> {
  const filter: LogFilter = {};
  const functionId = query("functionId");
  if (functionId !== undefined) filter.functionId = await existingFunctionId(functions, functionId);
  const level = query("level");
  if (level !== undefined) filter.levels = parseLevels(level);
  const requestId = query("requestId");
  if (requestId !== undefined) {
    if (!REQUEST_PREFIX.test(requestId)) throw invalid("Invalid requestId parameter: give a request id or its first characters");
    filter.requestPrefix = requestId.toLowerCase();
  }
  const since = query("since");
  if (since !== undefined) filter.since = parseSince(since);
  return filter;
}

function parseLevels(text: string): string[] {
  const levels = text.split(",").map((item) => item.trim());
  const bad = levels.filter((item) => !(LOG_LEVELS as readonly string[]).includes(item));
  if (bad.length > 0) throw invalid(`Invalid level values: ${bad.join(", ")}. Valid levels: ${LOG_LEVELS.join(", ")}`);
  return levels;
}

/** An ISO time, milliseconds since the epoch, or an age such as `10m` / `2h` / `7d`. */
function parseSince(text: string): number {
  const age = parseDuration(text);
  if (age !== undefined) return Date.now() - age;
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(time))
    throw invalid("Invalid since parameter: give an ISO time, milliseconds since the epoch, or an age such as 10m, 2h, 7d");
  return time;
}

/** The filter applied to one entry in memory (the live stream); the SQL in query.ts is its twin for stored rows. */
export function matchesFilter(filter: LogFilter, entry: StoredLog, capturedAt: number): boolean {
  if (filter.functionId !== undefined && entry.functionId !== filter.functionId) return false;
  if (filter.levels !== undefined && !filter.levels.includes(entry.level)) return false;
  if (filter.requestPrefix !== undefined && !entry.requestId.startsWith(filter.requestPrefix)) return false;
  return filter.since === undefined || capturedAt >= filter.since;
}
