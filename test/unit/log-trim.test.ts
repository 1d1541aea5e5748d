import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { directSink, type LogSink } from "../../daemon/logs/sink.js";
import { threadSink } from "../../daemon/logs/thread-sink.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

interface Row {
  functionId: string;
  timestamp: number;
  sequence?: number;
  message?: string;
  /** Assigned by SQLite when absent. */
  id?: number;
}

function setup(makeSink: (db: Db, path: string) => LogSink) {
  const path = join(tempDir(), "crude.db");
  const db = openDatabase(path);
  deferCleanup(() => {
    db.close();
  });
  migrate(db, MIGRATIONS);
  const sink = makeSink(db, path);
  deferCleanup(() => sink.close());
  const insert = db.prepare(
    "INSERT INTO logs (id, request_id, function_id, level, message, sequence, timestamp) VALUES (@id, 'r', @functionId, 'log', @message, @sequence, @timestamp)",
  );
  return {
    db,
    sink,
    /** Rows written straight to the table, in this order (so ids ascend with it). */
    add: db.transaction((rows: Row[]) => {
      for (const row of rows) insert.run({ id: null, sequence: 0, message: "m", ...row });
    }),
    messages: (functionId: string) =>
      db.prepare("SELECT message FROM logs WHERE function_id = ? ORDER BY timestamp, sequence, id").pluck().all(functionId),
    countOf: (functionId: string) => db.prepare("SELECT COUNT(*) FROM logs WHERE function_id = ?").pluck().get(functionId),
  };
}

const many = (functionId: string, n: number, from = 0): Row[] =>
  Array.from({ length: n }, (_, i) => ({ functionId, timestamp: 1_000_000 + from + i, message: `${functionId}-${from + i}` }));

const sinks: [string, (db: Db, path: string) => LogSink][] = [
  ["the direct sink", (db) => directSink(db)],
  ["the log writer thread", (db, path) => threadSink(path, directSink(db), new ServerLog(new PassThrough()))],
];

describe.each(sinks)("log trimming on %s", (_name, makeSink) => {
  it("deletes every entry older than the cut-off, of functions and without one, and nothing newer", async () => {
    const t = setup(makeSink);
    t.add([...many("a", 1200), ...many("", 30), ...many("b", 10, 5000)]);
    const result = await t.sink.trim({ olderThan: 1_000_000 + 1100, maxPerFunction: 100_000 });
    expect(result).toEqual({ deletedByAge: 1100 + 30, trimmedByCount: 0 });
    expect(t.countOf("a")).toBe(100);
    expect(t.messages("a")[0]).toBe("a-1100");
    expect(t.countOf("b")).toBe(10);
  });

  it("keeps each function's newest max-per-function entries and never count-trims entries without a function", async () => {
    const t = setup(makeSink);
    t.add([...many("a", 1700), ...many("b", 100), ...many("c", 40), ...many("", 2000)]);
    const result = await t.sink.trim({ maxPerFunction: 100 });
    expect(result).toEqual({ deletedByAge: 0, trimmedByCount: 1600 });
    expect(t.messages("a")).toEqual(many("a", 100, 1600).map((row) => row.message));
    expect(t.countOf("b")).toBe(100);
    expect(t.countOf("c")).toBe(40);
    expect(t.countOf("")).toBe(2000);
  });

  it("orders by timestamp, then sequence, then id when deciding which entries are the newest", async () => {
    const t = setup(makeSink);
    const at = 2_000_000;
    t.add([
      { id: 10, functionId: "f", timestamp: at + 1, message: "newest" },
      { id: 11, functionId: "f", timestamp: at, sequence: 1, message: "same ms, later in its batch" },
      { id: 13, functionId: "f", timestamp: at, sequence: 0, message: "same ms and position, later batch" },
      { id: 12, functionId: "f", timestamp: at, sequence: 0, message: "same ms and position, earlier batch" },
      // Stored last, captured first: the timestamp decides before the id.
      { id: 14, functionId: "f", timestamp: at - 1, message: "older" },
    ]);

    await t.sink.trim({ maxPerFunction: 3 });
    expect(t.messages("f")).toEqual(["same ms and position, later batch", "same ms, later in its batch", "newest"]);
  });

  it("ends a run early when asked, with what it deleted so far", async () => {
    const t = setup(makeSink);
    t.add(many("a", 5000));
    const stop = new AbortController();
    const run = t.sink.trim({ olderThan: Number.MAX_SAFE_INTEGER, maxPerFunction: 100 }, stop.signal);
    stop.abort();
    const result = await run;
    expect(result.deletedByAge).toBeGreaterThan(0);
    expect(result.deletedByAge).toBeLessThan(5000);
    expect(result.trimmedByCount).toBe(0);
    expect(t.countOf("a")).toBe(5000 - result.deletedByAge);
  });
});

describe("log trimming on the log writer thread", () => {
  it("answers inserts that arrive during a run before the run ends", async () => {
    const t = setup(sinks[1][1]);
    t.add(many("a", 20_000));
    const order: string[] = [];
    const trimmed = t.sink.trim({ maxPerFunction: 100 }).then((result) => {
      order.push("trim");
      return result;
    });
    const inserted = t.sink
      .insert([{ requestId: "r", functionId: "b", level: "log", message: "during", timestamp: Date.now() }])
      .then(() => order.push("insert"));
    await Promise.all([trimmed, inserted]);
    expect(order).toEqual(["insert", "trim"]);
    expect(await trimmed).toEqual({ deletedByAge: 0, trimmedByCount: 19_900 });
    expect(t.countOf("b")).toBe(1);
  });
});
