import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Db, openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { entryBytes, LogGate } from "../../daemon/logs/backlog.js";
import { directSink, type LogSink } from "../../daemon/logs/sink.js";
import { threadSink } from "../../daemon/logs/thread-sink.js";
import { type LogEntry, LogWriter, type LogWriterOptions } from "../../daemon/logs/writer.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { SettingsService } from "../../daemon/settings/service.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

interface SetupOptions extends LogWriterOptions {
  batchSize?: number;
  delayMs?: number;
  /** The writer's sink; the direct one on the test's connection by default. */
  sink?: (db: Db, path: string, serverLog: ServerLog) => LogSink;
}

async function setup(options: SetupOptions = {}) {
  const path = join(tempDir(), "crude.db");
  const db = openDatabase(path);
  deferCleanup(() => {
    db.close();
  });
  migrate(db, MIGRATIONS);
  const settings = await SettingsService.open(db);
  await settings.update({
    "log.batching.max-batch-size": String(options.batchSize ?? 50),
    "log.batching.max-delay-ms": String(options.delayMs ?? 50),
  });
  let serverLog = "";
  const out = new PassThrough();
  out.on("data", (chunk) => {
    serverLog += chunk;
  });
  const log = new ServerLog(out);
  let clock = 1_700_000_000_000;
  const scopes = new ScopeCleanup();
  const sink = (options.sink ?? directSink)(db, path, log);
  const writer = new LogWriter(sink, db, settings, log, scopes, { now: () => clock, ...options });
  deferCleanup(() => writer.close());
  // A second connection, as a reader of the file would be: nothing here goes through the writer.
  const reader = new Database(path, { readonly: true });
  deferCleanup(() => {
    reader.close();
  });
  const rows = () => reader.prepare("SELECT message, sequence, function_id, args, timestamp FROM logs ORDER BY id").all();
  return {
    db,
    path,
    log,
    settings,
    scopes,
    writer,
    reader,
    count: () => reader.prepare("SELECT COUNT(*) FROM logs").pluck().get() as number,
    rows,
    messages: () => rows().map((row) => (row as { message: string }).message),
    serverLog: () => serverLog,
    advanceClock: (ms: number) => {
      clock += ms;
    },
    /** A real write failure that can be lifted: a trigger aborting the insert of a marked row. */
    refusePoison: () =>
      db.exec("CREATE TRIGGER refuse BEFORE INSERT ON logs WHEN NEW.message = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END"),
    acceptPoison: () => db.exec("DROP TRIGGER refuse"),
  };
}

const entry = (message: string, functionId = "fn1"): LogEntry => ({
  requestId: "req-1",
  functionId,
  level: "log",
  message,
  timestamp: 1_700_000_000_000,
});
const entries = (n: number, functionId = "fn1") => Array.from({ length: n }, (_, i) => entry(`m${i}`, functionId));

/** The direct sink, holding each insert until the test lets it go: a write the test can catch under way. */
/** A writer whose sink holds every insert until the test releases it. */
async function setupHeld(batchSize: number) {
  let held!: ReturnType<typeof heldSink>;
  const t = await setup({
    batchSize,
    sink: (db) => {
      held = heldSink(db);
      return held.sink;
    },
  });
  return { t, held };
}

function heldSink(db: Db) {
  const direct = directSink(db);
  const held: (() => void)[] = [];
  const sink: LogSink = {
    insert: async (batch) => {
      await new Promise<void>((resolve) => held.push(resolve));
      return direct.insert(batch);
    },
    trim: direct.trim,
    close: direct.close,
  };
  const release = () => {
    for (const resolve of held.splice(0)) resolve();
  };
  return { sink, release, holding: () => held.length };
}

describe("LogWriter", () => {
  // Timers are faked so "not yet" and "now" are exact; microtasks stay real, as the size trigger uses one.
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "clearImmediate"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("writes a full batch on the next microtask, in one go, numbered by position", async () => {
    const t = await setup({ batchSize: 3 });
    t.writer.append(entry("a"));
    t.writer.append(entry("b"));
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    t.writer.appendMany([entry("c"), entry("d")]);
    expect(t.count()).toBe(0);
    await t.writer.flushed();
    expect(t.rows()).toEqual(
      ["a", "b", "c", "d"].map((message, sequence) => ({
        message,
        sequence,
        function_id: "fn1",
        args: null,
        timestamp: 1_700_000_000_000,
      })),
    );
  });

  it("writes a partial batch max-delay-ms after the first entry, numbering each batch from 0", async () => {
    const t = await setup({ delayMs: 100 });
    t.writer.append({ ...entry("first"), args: '["x",1]' });
    vi.advanceTimersByTime(60);
    t.writer.append(entry("second"));
    vi.advanceTimersByTime(39);
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    vi.advanceTimersByTime(1);
    await t.writer.flushed();
    expect(t.count()).toBe(2);
    t.writer.append(entry("third"));
    vi.advanceTimersByTime(100);
    await t.writer.flushed();
    expect(t.rows()).toEqual([
      expect.objectContaining({ message: "first", sequence: 0, args: '["x",1]' }),
      expect.objectContaining({ message: "second", sequence: 1 }),
      expect.objectContaining({ message: "third", sequence: 0 }),
    ]);
  });

  it("picks up changed batching settings after a flush at least 5 s after the last read", async () => {
    const t = await setup({ batchSize: 50, delayMs: 50 });
    await t.settings.update({ "log.batching.max-batch-size": "2" });
    t.writer.appendMany(entries(2));
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.count()).toBe(2);

    t.advanceClock(5000);
    t.writer.appendMany(entries(2));
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.count()).toBe(4);
    t.writer.appendMany(entries(2));
    await t.writer.flushed();
    expect(t.count()).toBe(6);
  });

  it("writes everything on close and ignores appends afterwards", async () => {
    const t = await setup();
    t.writer.appendMany(entries(2500));
    t.writer.append(entry("last"));
    await t.writer.close();
    expect(t.count()).toBe(2501);
    t.writer.append(entry("late"));
    t.writer.appendMany(entries(100));
    await t.writer.flushed();
    await vi.advanceTimersByTimeAsync(1000);
    expect(t.count()).toBe(2501);
    // The backlog went out in slices, each numbered from 0.
    expect(t.db.prepare("SELECT COUNT(*) FROM logs WHERE sequence = 0").pluck().get()).toBe(6);
  });

  it("writes a backlog in slices with pending timers and I/O between them", async () => {
    const t = await setup();
    t.writer.appendMany(entries(1200));
    await t.writer.flushed();
    expect(t.count()).toBe(500);
    vi.advanceTimersToNextTimer();
    await t.writer.flushed();
    expect(t.count()).toBe(1000);
    vi.advanceTimersToNextTimer();
    await t.writer.flushed();
    expect(t.count()).toBe(1200);
  });

  it("starts no second write while one is under way, and writes what came meanwhile after it", async () => {
    const { t, held } = await setupHeld(2);
    t.writer.appendMany(entries(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(held.holding()).toBe(1);
    t.writer.appendMany(entries(4));
    await vi.advanceTimersByTimeAsync(100);
    expect(held.holding()).toBe(1);
    held.release();
    await t.writer.flushed();
    expect(t.count()).toBe(2);
    // The four that waited go together, on the next turn.
    await vi.advanceTimersToNextTimerAsync();
    expect(held.holding()).toBe(1);
    held.release();
    await t.writer.flushed();
    expect(t.rows().map((row) => (row as { sequence: number }).sequence)).toEqual([0, 1, 0, 1, 2, 3]);
  });

  it("drops only past dropAbove, what nobody held back, and reports the count at most once a second", async () => {
    const t = await setup({ bounds: { dropAbove: { entries: 1500, bytes: 1 << 30 } } });
    t.writer.appendMany(entries(1400));
    t.writer.appendMany(entries(300));
    for (let i = 0; i < 50; i++) t.writer.append(entry("over"));
    await vi.runAllTimersAsync();
    expect(t.count()).toBe(1500);
    const warnings = t.serverLog().match(/warn .*/g) ?? [];
    expect(warnings).toEqual([
      expect.stringMatching(/dropped 250 execution log entries: .*at most 1500 entries or 1024.0 MiB wait in memory/),
    ]);

    // Room again once written; a later burst is counted afresh.
    t.advanceClock(1000);
    t.writer.appendMany(entries(1600));
    await vi.runAllTimersAsync();
    expect(t.count()).toBe(3000);
    expect(t.serverLog()).toMatch(/dropped 100 execution log entries/);
  });

  it("counts the bytes it holds too, not only the entries", async () => {
    const big = (message: string) => ({ ...entry(message), message: message.padEnd(10_000, ".") });
    const t = await setup({ bounds: { dropAbove: { entries: 1000, bytes: 3 * entryBytes(big("x")) } } });
    t.writer.appendMany(["a", "b", "c", "d"].map(big));
    await t.writer.close();
    expect(t.messages().map((message) => message[0])).toEqual(["a", "b", "c"]);
    expect(t.serverLog()).toMatch(/dropped 1 execution log entries/);
  });

  it("accounts what it holds in the shared backlog until it is written", async () => {
    const t = await setup({ batchSize: 10 });
    t.writer.appendMany(entries(4));
    expect(t.writer.backlog.held).toEqual({ entries: 4, bytes: 4 * entryBytes(entry("m0")) });
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.writer.backlog.held).toEqual({ entries: 0, bytes: 0 });
  });

  it("lets a failing batch go from the backlog once it is dropped, and a deleted function's entries at once", async () => {
    const t = await setup({ batchSize: 2 });
    t.refusePoison();
    t.writer.appendMany([entry("lost"), entry("poison")]);
    await t.writer.flushed();
    t.writer.append(entry("gone", "deleted"));
    expect(t.writer.backlog.held.entries).toBe(3);
    t.db.transaction(() => t.scopes.deleted("function", "deleted"))();
    expect(t.writer.backlog.held.entries).toBe(2);
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.writer.backlog.held).toEqual({ entries: 0, bytes: 0 });
  });

  it("holds back handler workers above holdAbove, until it has written the backlog down to half", async () => {
    const t = await setup({ batchSize: 500, bounds: { holdAbove: { entries: 4, bytes: 1 << 20 } } });
    // A worker's side of the same shared memory.
    const gate = new LogGate(t.writer.backlog.shared);
    const batch = entries(3);
    const bytes = batch.reduce((sum, e) => sum + entryBytes(e), 0);
    gate.sent(3, bytes);
    expect(gate.crowded()).toBe(false);
    gate.sent(3, bytes);
    // Six on their way: past the mark before the writer has seen any of them.
    expect(gate.crowded()).toBe(true);
    t.writer.appendSent(batch, bytes);
    t.writer.appendSent(batch, bytes);
    expect(t.writer.backlog.held.entries).toBe(6);
    expect(gate.crowded()).toBe(true);
    // A handler past its deadline is not held back at all.
    gate.holdBack(Date.now() - 1, () => {});
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(gate.crowded()).toBe(false);
    await t.writer.close();
    expect(t.count()).toBe(6);
    expect(t.serverLog()).toMatch(/info .*held back for \d+ ms \(1 time\(s\)\); at most 6 entries .* \(handlers wait above 4 entries/);
  });

  it("hands each stored batch with its row ids to onStored, and a listener's failure to the server log only", async () => {
    const stored: [string[], number[]][] = [];
    let fail = false;
    const t = await setup({
      batchSize: 2,
      onStored: (batch, ids) => {
        if (fail) throw new Error("listener broke");
        stored.push([batch.map((e) => e.message), [...ids]]);
      },
    });
    t.writer.appendMany(entries(2));
    await t.writer.flushed();
    fail = true;
    t.writer.appendMany([entry("x"), entry("y")]);
    await t.writer.flushed();
    const ids = t.reader.prepare("SELECT id FROM logs ORDER BY id").pluck().all();
    expect(stored).toEqual([[["m0", "m1"], ids.slice(0, 2)]]);
    expect(t.messages()).toEqual(["m0", "m1", "x", "y"]);
    expect(t.serverLog()).toMatch(/error .*a listener of stored execution log entries failed: Error: listener broke/);
  });

  it("retries a failed batch once after the delay, before newer entries", async () => {
    const t = await setup({ batchSize: 2 });
    t.refusePoison();
    t.writer.appendMany([entry("ok"), entry("poison")]);
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    t.writer.appendMany([entry("newer"), entry("newest")]);
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    t.acceptPoison();
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.messages()).toEqual(["ok", "poison"]);
    await vi.runAllTimersAsync();
    expect(t.messages()).toEqual(["ok", "poison", "newer", "newest"]);
    expect(t.serverLog()).not.toMatch(/warn/);
  });

  it("drops a batch that fails twice with a warning and goes on with the next", async () => {
    const t = await setup({ batchSize: 2 });
    t.refusePoison();
    t.writer.appendMany([entry("lost"), entry("poison")]);
    await t.writer.flushed();
    t.writer.appendMany([entry("kept"), entry("kept too")]);
    vi.advanceTimersByTime(50);
    await t.writer.flushed();
    expect(t.serverLog()).toMatch(/warn .*dropped 2 execution log entries, their write failed twice: refused/);
    await vi.runAllTimersAsync();
    expect(t.messages()).toEqual(["kept", "kept too"]);
  });

  it("gives a failing batch its retry on close, then drops it", async () => {
    const t = await setup({ batchSize: 2 });
    t.refusePoison();
    t.writer.appendMany([entry("lost"), entry("poison")]);
    await t.writer.flushed();
    t.writer.append(entry("kept"));
    await t.writer.close();
    expect(t.messages()).toEqual(["kept"]);
    expect(t.serverLog()).toMatch(/dropped 2 execution log entries, their write failed twice/);
  });

  it("deletes a function's entries, stored and buffered, in the deleting transaction", async () => {
    const t = await setup({ batchSize: 4 });
    t.writer.appendMany([...entries(2, "gone"), ...entries(2, "stays")]);
    await t.writer.flushed();
    t.writer.appendMany([entry("buffered", "gone"), entry("buffered", "stays"), entry("global", "")]);

    // A deletion that rolls back keeps the stored entries.
    expect(() =>
      t.db.transaction(() => {
        t.scopes.deleted("function", "gone");
        throw new Error("abort");
      })(),
    ).toThrow("abort");
    expect(t.count()).toBe(4);

    t.db.transaction(() => t.scopes.deleted("function", "gone"))();
    t.scopes.deleted("group", "stays");
    await t.writer.close();
    expect(t.db.prepare("SELECT function_id, COUNT(*) AS n FROM logs GROUP BY function_id ORDER BY function_id").all()).toEqual([
      { function_id: "", n: 1 },
      { function_id: "stays", n: 3 },
    ]);
  });

  it("deletes a function's entries that were being written when it went, once they are stored", async () => {
    const { t, held } = await setupHeld(4);
    t.writer.appendMany([...entries(2, "gone"), ...entries(2, "stays")]);
    await vi.advanceTimersByTimeAsync(0);
    t.db.transaction(() => t.scopes.deleted("function", "gone"))();
    held.release();
    await t.writer.flushed();
    expect(t.db.prepare("SELECT DISTINCT function_id FROM logs").pluck().all()).toEqual(["stays"]);
  });

  it("leaves a deleted function's entries out of the retry of a batch that was being written", async () => {
    const { t, held } = await setupHeld(2);
    t.refusePoison();
    t.writer.appendMany([entry("m", "gone"), entry("poison", "stays")]);
    await vi.advanceTimersByTimeAsync(0);
    t.db.transaction(() => t.scopes.deleted("function", "gone"))();
    held.release();
    await t.writer.flushed();
    t.acceptPoison();
    vi.advanceTimersByTime(50);
    await vi.advanceTimersByTimeAsync(0);
    held.release();
    await t.writer.flushed();
    expect(t.db.prepare("SELECT function_id, message FROM logs").all()).toEqual([{ function_id: "stays", message: "poison" }]);
  });
});

describe("LogWriter with the thread sink", () => {
  /** The thread sink over the test's file, the direct sink on its connection as the fallback. */
  const thread = (db: Db, path: string, log: ServerLog) => threadSink(path, directSink(db), log);

  it("writes each batch in one transaction on the thread's own connection and answers with the rows' ids", async () => {
    const t = await setup();
    const sink = threadSink(t.path, directSink(t.db), t.log);
    deferCleanup(() => sink.close());
    const first = await sink.insert([entry("a"), { ...entry("b", ""), args: "[1]" }]);
    const second = await sink.insert([entry("c")]);
    expect([...first, ...second]).toEqual(t.reader.prepare("SELECT id FROM logs ORDER BY id").pluck().all());
    expect(t.rows()).toEqual([
      { message: "a", sequence: 0, function_id: "fn1", args: null, timestamp: 1_700_000_000_000 },
      { message: "b", sequence: 1, function_id: "", args: "[1]", timestamp: 1_700_000_000_000 },
      { message: "c", sequence: 0, function_id: "fn1", args: null, timestamp: 1_700_000_000_000 },
    ]);
  });

  it("rejects a batch that failed with the thread's error, and writes none of it", async () => {
    const t = await setup();
    const sink = threadSink(t.path, directSink(t.db), t.log);
    deferCleanup(() => sink.close());
    t.refusePoison();
    await expect(sink.insert([entry("ok"), entry("poison")])).rejects.toThrow("refused");
    await sink.insert([entry("after")]);
    expect(t.messages()).toEqual(["after"]);
  });

  it("lands batches appended to the writer", async () => {
    const t = await setup({ batchSize: 2, sink: thread });
    t.writer.appendMany(entries(3));
    await t.writer.flushed();
    expect(t.count()).toBe(3);
    t.writer.append(entry("after the delay"));
    await vi.waitFor(() => expect(t.count()).toBe(4), { timeout: 5000 });
  });

  it("gets a failed batch retried once by the writer", async () => {
    const t = await setup({ batchSize: 2, delayMs: 10, sink: thread });
    t.refusePoison();
    t.writer.appendMany([entry("ok"), entry("poison")]);
    await t.writer.flushed();
    expect(t.count()).toBe(0);
    t.acceptPoison();
    await vi.waitFor(() => expect(t.messages()).toEqual(["ok", "poison"]), { timeout: 5000 });

    t.refusePoison();
    t.writer.appendMany([entry("lost"), entry("poison")]);
    await vi.waitFor(() => expect(t.serverLog()).toMatch(/dropped 2 execution log entries, their write failed twice: refused/), {
      timeout: 5000,
    });
    t.writer.appendMany([entry("next"), entry("after")]);
    await vi.waitFor(() => expect(t.messages()).toEqual(["ok", "poison", "next", "after"]), { timeout: 5000 });
  });

  it("drains on close, the failing batch's retry included, and ends the thread", async () => {
    const threads = () => (process.report.getReport() as { workers: unknown[] }).workers.length;
    const before = threads();
    const t = await setup({ sink: thread });
    await vi.waitFor(() => expect(threads()).toBe(before + 1), { timeout: 5000 });
    t.refusePoison();
    // Two slices of 500, the second failing, then one more entry.
    t.writer.appendMany([...entries(999), entry("poison")]);
    t.writer.append(entry("last"));
    await t.writer.close();
    expect(threads()).toBe(before);
    expect(t.count()).toBe(501);
    expect(t.messages().at(-1)).toBe("last");
    expect(t.serverLog()).toMatch(/dropped 500 execution log entries, their write failed twice: refused/);
  });

  it("goes on through the fallback when the thread dies", async () => {
    // A directory where the database should be: the thread cannot open it and ends.
    const t = await setup({
      batchSize: 2,
      delayMs: 10,
      sink: (db, path, log) => {
        const unusable = `${path}.dir`;
        mkdirSync(unusable);
        return threadSink(unusable, directSink(db), log);
      },
    });
    t.writer.appendMany(entries(2));
    await vi.waitFor(() => expect(t.count()).toBe(2), { timeout: 5000 });
    expect(t.serverLog()).toMatch(/warn .*written on the main thread from now on, the log writer thread stopped: .*EISDIR/);
    t.writer.appendMany(entries(2));
    await t.writer.flushed();
    expect(t.count()).toBe(4);
  });
});
