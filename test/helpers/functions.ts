import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import type { TestDaemon } from "./daemon.js";

/** Writes a handler straight into the code directory, as an editor would; the engine watches it. */
export function writeHandler(t: TestDaemon, path: string, code: string): string {
  const file = join(t.dataDir, "code", path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, code);
  return file;
}

export interface FunctionRecordBody {
  function: { id: string; name: string; route: string; enabled: boolean };
  warnings?: string[];
}

/** Creates a function over the socket; `methods` defaults to GET. */
export function createFunction(
  t: TestDaemon,
  body: { name: string; handler: string; route: string; methods?: string[] } & Record<string, unknown>,
): Promise<FunctionRecordBody> {
  return t.socket.post<FunctionRecordBody>("/api/functions", { body: { methods: ["GET"], ...body } });
}

/** A handler file and its function in one step; returns the function's id. */
export async function deployHandler(
  t: TestDaemon,
  name: string,
  code: string,
  options: { route?: string; methods?: string[] } & Record<string, unknown> = {},
): Promise<string> {
  writeHandler(t, `tests/${name}.ts`, code);
  const { function: fn } = await createFunction(t, { name, handler: `tests/${name}.ts`, route: `/${name}`, ...options });
  return fn.id;
}

/** Polls until `probe` returns something other than undefined; every wait is bounded. */
export async function eventually<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface StoredLog {
  request_id: string;
  function_id: string;
  level: string;
  message: string;
  args: string | null;
}

/** The logs table as written so far, read through a second, read-only connection. */
export function storedLogs(t: TestDaemon, where = "1 = 1", ...params: unknown[]): StoredLog[] {
  const db = new Database(join(t.dataDir, "crude.db"), { readonly: true });
  try {
    return db.prepare(`SELECT * FROM logs WHERE ${where} ORDER BY timestamp, sequence`).all(...params) as StoredLog[];
  } finally {
    db.close();
  }
}
