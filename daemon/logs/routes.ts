import { Hono } from "hono";
import type { LogsBody, LogsDeletedBody, LogsPagination, StoredLog } from "../../src/api-types.js";
import { invalid } from "../domain-error.js";
import { existingFunctionId } from "../functions/id-param.js";
import type { FunctionsService } from "../functions/service.js";
import type { LogBus } from "./bus.js";
import { decodeCursor, encodeCursor } from "./cursor.js";
import { type LogFilter, parseLogFilter } from "./filter.js";
import type { LogQuery } from "./query.js";
import { logEventStream } from "./stream.js";

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const DEFAULT_HEARTBEAT_SECONDS = 15;

export function logRoutes(functions: FunctionsService, query: LogQuery, bus: LogBus) {
  const app = new Hono();

  app.get("/", async (c) => {
    const filter = await parseLogFilter(functions, (name) => c.req.query(name));
    const limit = parseLimit(c.req.query("limit"));
    const cursorText = c.req.query("cursor");
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
    // One row more than asked tells whether there is a next page.
    const rows = query.page(filter, limit + 1, cursor);
    const logs = rows.slice(0, limit);
    const pagination: LogsPagination = { limit, hasMore: rows.length > limit };
    if (pagination.hasMore) pagination.next = pageLink(filter, limit, logs.at(-1));
    if (cursor !== undefined && logs.length > 0) pagination.prev = pageLink(filter, limit, logs[0]);
    return c.json({ data: { logs, pagination } } satisfies LogsBody);
  });

  app.get("/stream", async (c) => {
    const filter = await parseLogFilter(functions, (name) => c.req.query(name));
    const heartbeat = integerParam(
      c.req.query("heartbeat"),
      DEFAULT_HEARTBEAT_SECONDS,
      1,
      300,
      "Invalid heartbeat parameter. Must be between 1 and 300 seconds",
    );
    // EventSource sends Last-Event-ID when it reconnects; the query form is for a first connection.
    const lastEventId = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    const afterId = lastEventId === undefined ? undefined : parseEventId(lastEventId);
    const body = logEventStream(query, bus, { filter, afterId, heartbeatMs: heartbeat * 1000 });
    return new Response(body, {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache",
        // Proxies such as nginx would otherwise hold events back to fill their buffers.
        "x-accel-buffering": "no",
      },
    });
  });

  app.delete("/:functionId", async (c) => {
    const functionId = await existingFunctionId(functions, c.req.param("functionId"));
    return c.json({ data: { deleted: query.deleteForFunction(functionId), functionId } } satisfies LogsDeletedBody);
  });

  return app;
}

/** `limit` of a logs page, with the API's message (the web UI's logs page takes the same). */
export function parseLimit(text: string | undefined): number {
  return integerParam(text, DEFAULT_LIMIT, 1, MAX_LIMIT, `Invalid limit parameter. Must be between 1 and ${MAX_LIMIT}`);
}

/** Parsed like the reference's `parseInt`: leading digits count, "50abc" is 50. */
function integerParam(text: string | undefined, fallback: number, min: number, max: number, message: string): number {
  if (text === undefined) return fallback;
  const value = Number.parseInt(text, 10);
  if (!Number.isInteger(value) || value < min || value > max) throw invalid(message);
  return value;
}

function parseEventId(text: string): number {
  if (!/^\d{1,15}$/.test(text.trim())) throw invalid("Invalid Last-Event-ID: give the id of a log entry");
  return Number(text.trim());
}

/** The spec's link form: `functionId` and `level` only when given, standard query encoding. */
function pageLink(filter: LogFilter, limit: number, entry: StoredLog | undefined): string | undefined {
  if (!entry) return undefined;
  const params = new URLSearchParams();
  if (filter.functionId !== undefined) params.set("functionId", filter.functionId);
  if (filter.levels !== undefined) params.set("level", filter.levels.join(","));
  if (filter.requestPrefix !== undefined) params.set("requestId", filter.requestPrefix);
  if (filter.since !== undefined) params.set("since", new Date(filter.since).toISOString());
  params.set("limit", String(limit));
  params.set("cursor", encodeCursor({ timestamp: Date.parse(entry.timestamp), sequence: entry.sequence, id: Number(entry.id) }));
  return `/api/logs?${params}`;
}
