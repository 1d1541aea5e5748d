import { existsSync, writeFileSync } from "node:fs";
import { type IncomingHttpHeaders, type IncomingMessage, request } from "node:http";
import { createServer } from "node:net";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll } from "vitest";
import type { ApiKeyCreatedBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { detachCleanups, tempDir } from "./cleanup.js";
import { startTestDaemon, type TestDaemon } from "./daemon.js";
import { eventually } from "./functions.js";

/** The shape of every requestId: a random UUID v4. */
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** One daemon for all tests of a file (started before the first, stopped after the last). */
export function daemonPerFile(): () => TestDaemon {
  let daemon: TestDaemon | undefined;
  let stop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const held = await detachCleanups(() => startTestDaemon());
    daemon = held.value;
    stop = held.cleanup;
  });
  afterAll(() => stop?.());
  return () => {
    if (!daemon) throw new Error("the daemon of this file did not start");
    return daemon;
  };
}

export interface RunResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests assert arbitrary JSON shapes.
  json: any;
}

export interface CallOptions {
  headers?: Record<string, string | string[]>;
  /** Several parts go out chunked, without Content-Length (unless the headers name one). */
  body?: string | Buffer | (string | Buffer)[];
}

/** Sends one request to the function port as given: the path unnormalised, the headers verbatim; the response unread. */
export function open(t: TestDaemon, method: string, path: string, options: CallOptions = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(`${t.functionUrl}${path}`, { method, headers: options.headers, agent: false });
    req.on("error", reject);
    req.on("response", resolve);
    const parts = Array.isArray(options.body) ? options.body : options.body === undefined ? [] : [options.body];
    if (parts.length === 1 && !options.headers?.["content-length"]) req.setHeader("content-length", Buffer.byteLength(parts[0] as string));
    for (const part of parts) req.write(part);
    req.end();
  });
}

/** One request to the function port, read whole. */
export async function call(t: TestDaemon, method: string, path: string, options: CallOptions = {}): Promise<RunResponse> {
  const response = await open(t, method, path, options);
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const text = body.toString("utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.statusCode ?? 0, headers: response.headers, body, text, json };
}

/** Rows of the daemon's database, read through a second, read-only connection. */
export function query<T>(t: TestDaemon, sql: string, ...params: unknown[]): T[] {
  const db = new Database(dataFiles(t.dataDir).database, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

export interface LogRow {
  level: string;
  message: string;
  args: string | null;
  function_id: string;
}

/** A request's stored log rows in the order they were written. */
export function requestLogs(t: TestDaemon, requestId: string): LogRow[] {
  return query<LogRow>(t, "SELECT level, message, args, function_id FROM logs WHERE request_id = ? ORDER BY id", requestId);
}

/** A readiness check for `logsOnceWritten`: every one of these levels has a row. */
export const withLevels =
  (...levels: string[]) =>
  (rows: LogRow[]) =>
    levels.every((level) => rows.some((row) => row.level === level));

/**
 * Waits (bounded) until a request's rows are `ready` (default: its `exec_end` is there) and
 * returns them all. Captured console lines come from the worker thread, so they may be written
 * after the `exec_end` the main thread wrote: wait for the rows a test needs, not for exec_end.
 */
export function logsOnceWritten(t: TestDaemon, requestId: string, ready: (rows: LogRow[]) => boolean = withLevels("exec_end")) {
  return eventually(`the logs of request ${requestId}`, () => {
    const rows = requestLogs(t, requestId);
    return ready(rows) ? rows : undefined;
  });
}

/** Executions stored as metrics for a function (rows are folded, so this sums their counts). */
export function metricCount(t: TestDaemon, functionId: string): number {
  const [row] = query<{ n: number | null }>(t, "SELECT SUM(execution_count) AS n FROM metrics WHERE function_id = ?", functionId);
  return row?.n ?? 0;
}

/**
 * Waits until the metrics of `functionId` reach `expected`, counting a final successful call
 * that the caller made last: the recorder writes everything it holds at once, so once that
 * call's sample is stored every earlier one is stored too, and the count is exact.
 */
export function metricsSettle(t: TestDaemon, functionId: string, expected: number): Promise<number> {
  return eventually(`${expected} stored metrics of ${functionId}`, () => {
    const count = metricCount(t, functionId);
    return count >= expected ? count : undefined;
  });
}

/** A key group with one key: the group's id and name, the key's id and its full value. */
export async function groupWithKey(t: TestDaemon, name: string) {
  const group = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name } });
  const key = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: group.id, name: `${name}-key` } });
  return { groupId: group.id, groupName: name, keyId: key.id, keyName: `${name}-key`, key: key.value };
}

export function updateSettings(t: TestDaemon, settings: Record<string, string>) {
  return t.socket.put("/api/settings", { body: { settings } });
}

/**
 * A flag a handler can wait on and a test can raise, so a test decides when the handler goes on
 * (e.g. only after the client saw the first chunk of a stream). The handler polls the file.
 */
export function signal(): { path: string; raise(): void; raised(): boolean } {
  const path = join(tempDir("crude-signal-"), "go");
  return { path, raise: () => writeFileSync(path, "go"), raised: () => existsSync(path) };
}

/** Handler source that waits until a signal file exists: `await waitFor(<path>)`. */
export const WAIT_FOR = `
import { existsSync } from "node:fs";
const waitFor = (path: string) =>
  new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (existsSync(path)) {
        clearInterval(timer);
        resolve();
      }
    }, 5);
  });
`;

/** `promise`, or a failure naming `what` once `ms` have passed: a bound on a wait that could otherwise hang. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** A TCP port that was free a moment ago (for single-port mode, where 0 cannot be used). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
