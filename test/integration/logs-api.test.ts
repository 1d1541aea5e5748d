import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LogsBody, LogsDeletedBody, StoredLog } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { refusal } from "../helpers/refusal.js";
import { call, daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();
let t: TestDaemon;
let alpha: string;
let beta: string;
let db: Database.Database;

/** Rows written from outside, as the log writer would: controlled timestamps and ties. */
function insert(
  functionId: string,
  rows: { level?: string; message: string; timestamp: number; sequence?: number; requestId?: string }[],
): void {
  const statement = db.prepare("INSERT INTO logs (request_id, function_id, level, message, sequence, timestamp) VALUES (?, ?, ?, ?, ?, ?)");
  for (const row of rows)
    statement.run(
      row.requestId ?? "00000000-0000-4000-8000-000000000000",
      functionId,
      row.level ?? "log",
      row.message,
      row.sequence ?? 0,
      row.timestamp,
    );
}

const logs = (query: Record<string, string | number>) => t.socket.get<LogsBody>("/api/logs", { query });
const messages = (body: LogsBody) => body.data.logs.map((entry) => entry.message);

/** Every page of a query, following `next` links. */
async function allPages(query: Record<string, string | number>): Promise<StoredLog[]> {
  const seen: StoredLog[] = [];
  let body = await logs(query);
  for (let pages = 0; pages < 1000; pages++) {
    seen.push(...body.data.logs);
    if (!body.data.pagination.next) return seen;
    body = await t.socket.get<LogsBody>(body.data.pagination.next);
  }
  throw new Error("more than 1000 pages");
}

beforeAll(async () => {
  t = daemon();
  alpha = (
    await t.socket.post<{ function: { id: string } }>("/api/functions", {
      body: { name: "alpha", handler: "x/a.ts", route: "/alpha", methods: ["GET"] },
    })
  ).function.id;
  beta = (
    await t.socket.post<{ function: { id: string } }>("/api/functions", {
      body: { name: "beta", handler: "x/b.ts", route: "/beta", methods: ["GET"] },
    })
  ).function.id;
  db = new Database(dataFiles(t.dataDir).database);
});
afterAll(() => db.close());

describe("GET /api/logs", () => {
  it("returns a handler's entries newest first in the spec's shape", async () => {
    const id = await deployHandler(
      t,
      "talker",
      `export default (c) => { console.log("one", {a: 1}); console.warn("two"); return c.text("ok"); }`,
    );
    expect((await call(t, "GET", "/run/talker")).status).toBe(200);
    const body = await eventually("the request's four entries", async () => {
      const page = await logs({ functionId: id });
      return page.data.logs.length === 4 ? page : undefined;
    });
    expect(body.data.logs.map((entry) => entry.level)).toEqual(["exec_end", "warn", "log", "exec_start"]);
    const [, warn, log] = body.data.logs as [StoredLog, StoredLog, StoredLog];
    expect(warn).toEqual({
      id: expect.stringMatching(/^\d+$/),
      requestId: log.requestId,
      functionId: id,
      level: "warn",
      message: "two",
      sequence: expect.any(Number),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(log.message).toBe("one");
    expect(JSON.parse(log.args ?? "")).toEqual([{ a: 1 }]);
    expect(body.data.pagination).toEqual({ limit: 50, hasMore: false });
  });

  it("pages with an opaque cursor: no entry repeated or skipped, even between entries sharing timestamp and sequence", async () => {
    // Two batches stored at the same millisecond: pairs of entries with equal timestamp and sequence.
    const rows = [];
    for (let i = 0; i < 30; i++) rows.push({ message: `tie-${i}`, timestamp: 1_000_000 + Math.floor(i / 6), sequence: i % 3 });
    insert(beta, rows);
    const pages = await allPages({ functionId: beta, limit: 4 });
    expect(pages).toHaveLength(30);
    expect(new Set(pages.map((entry) => entry.id)).size).toBe(30);
    const keys = pages.map((entry) => ({ at: Date.parse(entry.timestamp), sequence: entry.sequence, id: Number(entry.id) }));
    const sorted = [...keys].sort((a, b) => b.at - a.at || b.sequence - a.sequence || b.id - a.id);
    expect(keys).toEqual(sorted);
  });

  it("links pages in the spec's form and gives prev only to requests that carried a cursor", async () => {
    const first = await logs({ functionId: beta, level: "log, warn", limit: 2 });
    const next = first.data.pagination.next ?? "";
    expect(next).toMatch(new RegExp(`^/api/logs\\?functionId=${beta}&level=log%2Cwarn&limit=2&cursor=[A-Za-z0-9%]+$`));
    expect(first.data.pagination.prev).toBeUndefined();
    const cursor = decodeURIComponent(new URL(next, "http://x").searchParams.get("cursor") ?? "");
    expect(JSON.parse(Buffer.from(cursor, "base64").toString())).toEqual({
      timestamp: first.data.logs[1]?.timestamp,
      sequence: first.data.logs[1]?.sequence,
      id: first.data.logs[1]?.id,
    });
    const second = await t.socket.get<LogsBody>(next);
    expect(second.data.pagination.prev).toContain("cursor=");
    expect(messages(second)).not.toContain(first.data.logs[0]?.message);
  });

  it("accepts the reference's cursor without an id", async () => {
    insert(alpha, [
      { message: "old", timestamp: 5000 },
      { message: "older", timestamp: 4000 },
      { message: "newer", timestamp: 6000 },
    ]);
    const cursor = Buffer.from(JSON.stringify({ timestamp: new Date(5000).toISOString(), sequence: 0 })).toString("base64");
    const page = await logs({ functionId: alpha, cursor });
    expect(messages(page)).toEqual(["older"]);
  });

  it("keeps pages stable while entries arrive", async () => {
    insert(
      alpha,
      Array.from({ length: 200 }, (_, i) => ({ message: `steady-${i}`, timestamp: 10_000 + i })),
    );
    const before = new Set(db.prepare("SELECT id FROM logs WHERE function_id = ?").pluck().all(alpha).map(String));
    const seen: string[] = [];
    let body = await logs({ functionId: alpha, limit: 7 });
    let written = 0;
    while (true) {
      seen.push(...body.data.logs.map((entry) => entry.id));
      // Newer entries arrive between every two pages, some at timestamps inside the range already read.
      insert(alpha, [
        { message: `late-${written}`, timestamp: Date.now() },
        { message: `mid-${written}`, timestamp: 10_100 },
      ]);
      written++;
      if (!body.data.pagination.next) break;
      body = await t.socket.get<LogsBody>(body.data.pagination.next);
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const id of before) expect(seen).toContain(id);
  });

  it("filters by level, request id prefix and time", async () => {
    insert(beta, [
      { message: "e1", level: "error", timestamp: 2_000_000, requestId: "abcdef12-0000-4000-8000-000000000001" },
      { message: "e2", level: "exec_reject", timestamp: 2_000_001, requestId: "abcdef99-0000-4000-8000-000000000002" },
      { message: "e3", level: "stdout", timestamp: 2_000_002, requestId: "abcdef12-0000-4000-8000-000000000001" },
    ]);
    expect(messages(await logs({ functionId: beta, level: "error,exec_reject" }))).toEqual(["e2", "e1"]);
    expect(messages(await logs({ requestId: "ABCDEF12" }))).toEqual(["e3", "e1"]);
    expect(messages(await logs({ functionId: beta, since: new Date(2_000_001).toISOString() }))).toEqual(["e3", "e2"]);
    expect(messages(await logs({ functionId: beta, since: "2000002" }))).toEqual(["e3"]);
  });

  it("refuses bad parameters with the spec's messages and a 4xx", async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ functionId: "no spaces" }, 400, "Invalid functionId parameter"],
      [{ functionId: "nosuchfunction" }, 404, "Function with id nosuchfunction not found"],
      [
        { level: "info,loud, quiet" },
        400,
        "Invalid level values: loud, quiet. Valid levels: log, debug, info, warn, error, trace, stdout, stderr, exec_start, exec_end, exec_reject",
      ],
      [{ limit: "0" }, 400, "Invalid limit parameter. Must be between 1 and 1000"],
      [{ limit: "1001" }, 400, "Invalid limit parameter. Must be between 1 and 1000"],
      [{ limit: "many" }, 400, "Invalid limit parameter. Must be between 1 and 1000"],
      [{ cursor: "not base64!" }, 400, "Invalid cursor format"],
      [{ cursor: Buffer.from("not json").toString("base64") }, 400, "Invalid cursor format"],
      [{ cursor: Buffer.from('{"timestamp":"never","sequence":1}').toString("base64") }, 400, "Invalid cursor format"],
      [{ requestId: "zzz" }, 400, "Invalid requestId parameter: give a request id or its first characters"],
      [
        { since: "last tuesday" },
        400,
        "Invalid since parameter: give an ISO time, milliseconds since the epoch, or an age such as 10m, 2h, 7d",
      ],
    ];
    for (const [query, status, error] of cases)
      expect(await refusal(logs(query)), JSON.stringify(query)).toEqual({ status, body: { error } });
  });
});

describe("DELETE /api/logs/:functionId", () => {
  it("deletes one function's entries, reports the count and leaves the others", async () => {
    const gamma = (
      await t.socket.post<{ function: { id: string } }>("/api/functions", {
        body: { name: "gamma", handler: "x/g.ts", route: "/gamma", methods: ["GET"] },
      })
    ).function.id;
    insert(
      gamma,
      [1, 2, 3].map((i) => ({ message: `g${i}`, timestamp: i })),
    );
    const others = db.prepare("SELECT COUNT(*) FROM logs WHERE function_id != ?").pluck().get(gamma);
    expect(await t.socket.delete<LogsDeletedBody>(`/api/logs/${gamma}`)).toEqual({ data: { deleted: 3, functionId: gamma } });
    expect((await logs({ functionId: gamma })).data.logs).toEqual([]);
    expect(db.prepare("SELECT COUNT(*) FROM logs WHERE function_id != ?").pluck().get(gamma)).toBe(others);
    expect(await t.socket.delete<LogsDeletedBody>(`/api/logs/${gamma}`)).toEqual({ data: { deleted: 0, functionId: gamma } });
  });

  it("refuses a malformed or unknown function id", async () => {
    const count = db.prepare("SELECT COUNT(*) FROM logs").pluck().get();
    expect(await refusal(t.socket.delete("/api/logs/bad%20id"))).toEqual({ status: 400, body: { error: "Invalid functionId parameter" } });
    expect(await refusal(t.socket.delete("/api/logs/ghost"))).toEqual({ status: 404, body: { error: "Function with id ghost not found" } });
    expect(db.prepare("SELECT COUNT(*) FROM logs").pluck().get()).toBe(count);
  });
});
