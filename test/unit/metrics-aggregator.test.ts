import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { FunctionsService } from "../../daemon/functions/service.js";
import { MetricsAggregator } from "../../daemon/metrics/aggregator.js";
import { MetricsOverview } from "../../daemon/metrics/overview.js";
import { MetricsQuery } from "../../daemon/metrics/query.js";
import { MetricsRecorder } from "../../daemon/metrics/recorder.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { SettingsService } from "../../daemon/settings/service.js";
import type { MetricsBody, MetricsResolution } from "../../src/api-types.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

// The recorder's own once-a-second flush stays out of the way: what it holds reaches the table
// only when the aggregation or the query flushes it, at the moments a test chooses.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** 2025-01-01T00:00:00Z */
const JAN1 = Date.UTC(2025, 0, 1);
const iso = (at: number) => new Date(at).toISOString();

interface Row {
  fn: string | null;
  avg: number;
  max: number;
  n: number;
  at: number;
}

async function setup() {
  const db = openDatabase(join(tempDir(), "crude.db"));
  deferCleanup(() => {
    db.close();
  });
  migrate(db, MIGRATIONS);
  let clock = JAN1;
  const now = () => clock;
  const settings = await SettingsService.open(db);
  const recorder = new MetricsRecorder(db, new ServerLog(new PassThrough()), { now });
  deferCleanup(() => recorder.close());
  const functions = new FunctionsService(db, new ScopeCleanup());
  const aggregator = new MetricsAggregator({ db, recorder, settings, now });
  const query = new MetricsQuery({ db, recorder, functions, settings, now });
  const overview = new MetricsOverview({ db, recorder, functions, settings, now });
  const rows = db.prepare<[number], Row>(
    `SELECT function_id AS fn, avg_time_us AS avg, max_time_us AS max, execution_count AS n, timestamp AS at
     FROM metrics WHERE type = ? ORDER BY timestamp, function_id IS NOT NULL, function_id`,
  );
  return {
    settings,
    functions,
    /** One execution of `functionId` that ended at `at` and took `us` microseconds. */
    sample(functionId: string, at: number, us: number, failed = false) {
      clock = at;
      recorder.record(functionId, us, failed);
    },
    run(at: number) {
      clock = at;
      return aggregator.run();
    },
    read(at: number, resolution: MetricsResolution, functionId?: string): Promise<MetricsBody> {
      clock = at;
      return query.read({ resolution, functionId });
    },
    /** The query parameters as they come from the URL. */
    query: (params: { resolution?: string; functionId?: string }) => query.read(params),
    overview(at: number) {
      clock = at;
      return overview.read();
    },
    rows: (type: 0 | 1 | 2 | 3) => rows.all(type),
    errors: (type: 0 | 1 | 2 | 3) =>
      db
        .prepare(
          "SELECT function_id AS fn, SUM(error_count) AS errors FROM metrics WHERE type = ? GROUP BY function_id ORDER BY function_id",
        )
        .all(type),
    all: () => db.prepare("SELECT * FROM metrics ORDER BY id").all(),
    watermarks: () =>
      Object.fromEntries(db.prepare("SELECT type, processed_until FROM metrics_watermarks").raw().all() as [number, number][]),
  };
}

/** `[period, executions, max]` per point of a view: what a roll-up must not change (averages may move by a rounding). */
const counts = (body: MetricsBody) => body.data.metrics.map((point) => [point.timestamp, point.executionCount, point.maxTimeMs]);

describe("metrics aggregation", () => {
  it("weights every row by the executions it stands for", async () => {
    const t = await setup();
    // Three samples folded into one raw row (n = 3, avg 200), a later row of one, another function.
    t.sample("a", JAN1 + 1 * SECOND, 100);
    t.sample("a", JAN1 + 2 * SECOND, 200);
    t.sample("a", JAN1 + 3 * SECOND, 300);
    await t.run(JAN1 + 30 * SECOND);
    t.sample("a", JAN1 + 40 * SECOND, 1000);
    t.sample("b", JAN1 + 50 * SECOND, 50);
    await t.run(JAN1 + 55 * SECOND);

    const result = await t.run(JAN1 + MINUTE);

    expect(result).toEqual({ minuteRows: 3, hourRows: 0, dayRows: 0, deleted: 3 });
    expect(t.rows(1)).toEqual([
      { fn: null, avg: 330, max: 1000, n: 5, at: JAN1 },
      { fn: "a", avg: 400, max: 1000, n: 4, at: JAN1 },
      { fn: "b", avg: 50, max: 50, n: 1, at: JAN1 },
    ]);
    expect(t.rows(0)).toEqual([]);
  });

  it("rounds weighted averages to whole microseconds", async () => {
    const t = await setup();
    // A run after each sample: one raw row per sample, so the roll-up does the rounding.
    for (const [at, us] of [
      [JAN1, 1],
      [JAN1 + SECOND, 2],
      [JAN1 + MINUTE, 1],
      [JAN1 + MINUTE + SECOND, 1],
      [JAN1 + MINUTE + 2 * SECOND, 2],
    ] as const) {
      t.sample("a", at, us);
      await t.run(at);
    }
    await t.run(JAN1 + 2 * MINUTE);
    // 1.5 rounds up, 1.33 down.
    expect(t.rows(1).map((row) => [row.fn, row.avg, row.at])).toEqual([
      [null, 2, JAN1],
      ["a", 2, JAN1],
      [null, 1, JAN1 + MINUTE],
      ["a", 1, JAN1 + MINUTE],
    ]);
  });

  it("splits periods exactly at UTC minute, hour and day boundaries", async () => {
    const t = await setup();
    const midnight = JAN1 + DAY;
    t.sample("a", midnight - 1, 10);
    t.sample("a", midnight, 20);

    await t.run(midnight + 30 * SECOND);

    const row = (at: number, us: number) => [
      { fn: null, avg: us, max: us, n: 1, at },
      { fn: "a", avg: us, max: us, n: 1, at },
    ];
    // Rolled up: the last minute, hour and day of January 1st; kept for the rolling views.
    expect(t.rows(1)).toEqual(row(midnight - MINUTE, 10));
    expect(t.rows(2)).toEqual(row(midnight - HOUR, 10));
    expect(t.rows(3)).toEqual(row(JAN1, 10));
    // The first millisecond of January 2nd is in the current minute: still raw.
    expect(t.rows(0)).toEqual([{ fn: "a", avg: 20, max: 20, n: 1, at: midnight }]);
    expect(t.watermarks()).toEqual({ 1: midnight, 2: midnight, 3: midnight });

    for (const [resolution, before] of [
      ["minutes", midnight - MINUTE],
      ["hours", midnight - HOUR],
      ["days", JAN1],
    ] as const) {
      const body = await t.read(midnight + 30 * SECOND, resolution);
      expect(body.data.metrics).toEqual([
        { timestamp: iso(before), avgTimeMs: 0.01, maxTimeMs: 0.01, executionCount: 1, errorCount: 0 },
        { timestamp: iso(midnight), avgTimeMs: 0.02, maxTimeMs: 0.02, executionCount: 1, errorCount: 0 },
      ]);
    }
  });

  it("writes no rows for periods without executions", async () => {
    const t = await setup();
    t.sample("a", JAN1 + 10 * HOUR, 5);
    t.sample("a", JAN1 + 10 * HOUR + 5 * MINUTE, 5);
    t.sample("a", JAN1 + 13 * HOUR, 5);

    const result = await t.run(JAN1 + 14 * HOUR + 30 * SECOND);

    expect(result).toMatchObject({ minuteRows: 6, hourRows: 4 });
    expect(t.rows(2).map((row) => [row.fn, row.at])).toEqual([
      [null, JAN1 + 10 * HOUR],
      ["a", JAN1 + 10 * HOUR],
      [null, JAN1 + 13 * HOUR],
      ["a", JAN1 + 13 * HOUR],
    ]);
    const body = await t.read(JAN1 + 14 * HOUR + 30 * SECOND, "hours");
    expect(body.data.metrics.map((point) => point.timestamp)).toEqual([iso(JAN1 + 10 * HOUR), iso(JAN1 + 13 * HOUR)]);
  });

  it("counts every function in global rows, deleted ones included", async () => {
    const t = await setup();
    const kept = await t.functions.create({ name: "kept", handler: "kept.ts", route: "/kept", methods: ["GET"] });
    const gone = await t.functions.create({ name: "gone", handler: "gone.ts", route: "/gone", methods: ["GET"] });
    t.sample(kept.id, JAN1 + SECOND, 100);
    t.sample(gone.id, JAN1 + 2 * SECOND, 300);
    t.sample(gone.id, JAN1 + MINUTE + SECOND, 500);
    await t.functions.delete(gone.id);

    await t.run(JAN1 + MINUTE + 30 * SECOND);

    expect(t.rows(1)).toEqual([
      { fn: null, avg: 200, max: 300, n: 2, at: JAN1 },
      ...[
        { fn: kept.id, avg: 100, max: 100, n: 1, at: JAN1 },
        { fn: gone.id, avg: 300, max: 300, n: 1, at: JAN1 },
      ].sort((x, y) => (x.fn < y.fn ? -1 : 1)),
    ]);
    const global = await t.read(JAN1 + MINUTE + 30 * SECOND, "minutes");
    expect(global.data.summary).toEqual({ totalExecutions: 3, avgExecutionTime: 0.3, maxExecutionTime: 0.5, periodCount: 2 });
    const own = await t.read(JAN1 + MINUTE + 30 * SECOND, "minutes", kept.id);
    expect(own.data.metrics).toEqual([{ timestamp: iso(JAN1), avgTimeMs: 0.1, maxTimeMs: 0.1, executionCount: 1, errorCount: 0 }]);
    await expect(t.read(JAN1 + MINUTE + 30 * SECOND, "minutes", gone.id)).rejects.toMatchObject({
      kind: "not-found",
      message: `Function with id ${gone.id} not found`,
    });
  });

  it("changes nothing when it runs again", async () => {
    const t = await setup();
    for (let i = 0; i < 100; i++) t.sample(i % 2 ? "a" : "b", JAN1 + i * 97 * SECOND, i * 10);
    await t.run(JAN1 + 3 * HOUR + 5 * SECOND);
    const rows = t.all();
    const marks = t.watermarks();

    expect(await t.run(JAN1 + 3 * HOUR + 5 * SECOND)).toEqual({ minuteRows: 0, hourRows: 0, dayRows: 0, deleted: 0 });
    expect(await t.run(JAN1 + 3 * HOUR + 59 * SECOND)).toEqual({ minuteRows: 0, hourRows: 0, dayRows: 0, deleted: 0 });
    expect(t.all()).toEqual(rows);
    expect(t.watermarks()).toEqual(marks);
  });

  it("catches up exactly after downtime", async () => {
    const t = await setup();
    // Two functions busy from 10:30 to 10:35:59; the daemon runs the job at 10:32:30, then is
    // down until 12:10. Every sample recorded before it stopped is in the table (close flushes).
    const samples: [string, number, number][] = [];
    for (let at = JAN1 + 10 * HOUR + 30 * MINUTE; at < JAN1 + 10 * HOUR + 36 * MINUTE; at += 7 * SECOND) {
      samples.push(["a", at, (at / SECOND) % 1000], ["b", at + 3 * SECOND, (at / SECOND) % 333]);
    }
    const lastRun = JAN1 + 10 * HOUR + 32 * MINUTE + 30 * SECOND;
    for (const [fn, at, us] of samples.filter(([, at]) => at < lastRun)) t.sample(fn, at, us);
    await t.run(lastRun);
    for (const [fn, at, us] of samples.filter(([, at]) => at >= lastRun)) t.sample(fn, at, us);

    await t.run(JAN1 + 12 * HOUR + 10 * MINUTE);

    const expected = (fn: string | null) => {
      const mine = samples.filter(([name]) => fn === null || name === fn).map(([, , us]) => us);
      const sum = mine.reduce((total, us) => total + us, 0);
      return { fn, n: mine.length, max: Math.max(...mine), exactAvg: sum / mine.length };
    };
    const hours = t.rows(2);
    expect(hours.map(({ fn, n, max, at }) => ({ fn, n, max, at }))).toEqual(
      [expected(null), expected("a"), expected("b")].map(({ fn, n, max }) => ({ fn, n, max, at: JAN1 + 10 * HOUR })),
    );
    for (const [index, fn] of [null, "a", "b"].entries()) {
      // Minute averages are rounded to whole microseconds before they are weighted again.
      expect(Math.abs((hours[index] as Row).avg - expected(fn).exactAvg)).toBeLessThanOrEqual(1);
    }
    // Raw rows are consumed, and 10:30-10:35 is older than both the hour watermark and the last 60 minutes.
    expect(t.rows(0)).toEqual([]);
    expect(t.rows(1)).toEqual([]);
    expect(t.watermarks()).toEqual({ 1: JAN1 + 12 * HOUR + 10 * MINUTE, 2: JAN1 + 12 * HOUR, 3: JAN1 });
    const body = await t.read(JAN1 + 12 * HOUR + 10 * MINUTE, "hours");
    expect(body.data.summary.totalExecutions).toBe(samples.length);
  });

  it("keeps the minute rows of the last 60 minutes after their hour is rolled up", async () => {
    const t = await setup();
    for (let minute = 30; minute < 36; minute++) t.sample("a", JAN1 + 10 * HOUR + minute * MINUTE, minute);

    await t.run(JAN1 + 11 * HOUR + 20 * MINUTE);

    expect(t.rows(2).map((row) => row.n)).toEqual([6, 6]);
    expect(t.rows(1)).toHaveLength(12);
    const minutes = await t.read(JAN1 + 11 * HOUR + 20 * MINUTE, "minutes");
    expect(minutes.data.metrics.map((point) => point.executionCount)).toEqual([1, 1, 1, 1, 1, 1]);
    const hours = await t.read(JAN1 + 11 * HOUR + 20 * MINUTE, "hours");
    expect(hours.data.metrics).toEqual([
      { timestamp: iso(JAN1 + 10 * HOUR), avgTimeMs: 0.033, maxTimeMs: 0.035, executionCount: 6, errorCount: 0 },
    ]);

    // 10:35 leaves the minutes view at 11:35; its row goes with the first run after that.
    await t.run(JAN1 + 11 * HOUR + 34 * MINUTE);
    expect(t.rows(1)).toHaveLength(2);
    await t.run(JAN1 + 11 * HOUR + 35 * MINUTE);
    expect(t.rows(1)).toEqual([]);
    expect(t.rows(2)).toHaveLength(2);
  });

  it("deletes rows older than metrics.retention-days, read at every run", async () => {
    const t = await setup();
    t.sample("a", JAN1 + 10 * HOUR, 7);
    await t.run(JAN1 + DAY + 10 * MINUTE);
    expect(t.rows(3)).toHaveLength(2);
    t.sample("a", JAN1 + 2 * DAY + 12 * HOUR, 9);
    const later = JAN1 + 2 * DAY + 12 * HOUR + 30 * MINUTE;

    // The days view shows N days ending today: January 1st is the first of 3, not of 2.
    await t.settings.update({ "metrics.retention-days": "3" });
    expect((await t.read(later, "days")).data.metrics.map((point) => point.timestamp)).toEqual([iso(JAN1), iso(JAN1 + 2 * DAY)]);
    await t.settings.update({ "metrics.retention-days": "2" });
    expect((await t.read(later, "days")).data.metrics.map((point) => point.timestamp)).toEqual([iso(JAN1 + 2 * DAY)]);

    const result = await t.run(later);

    expect(result.deleted).toBeGreaterThanOrEqual(2);
    expect(t.rows(3)).toEqual([]);
    expect((await t.read(later, "days")).data.summary.totalExecutions).toBe(1);
  });
});

describe("metrics query", () => {
  it("shows the current minute live, before any run", async () => {
    const t = await setup();
    t.sample("a", JAN1 + 5 * SECOND, 100);
    t.sample("b", JAN1 + 10 * SECOND, 300);

    const body = await t.read(JAN1 + 20 * SECOND, "minutes");

    expect(body).toEqual({
      data: {
        metrics: [{ timestamp: iso(JAN1), avgTimeMs: 0.2, maxTimeMs: 0.3, executionCount: 2, errorCount: 0 }],
        functionId: null,
        resolution: "minutes",
        summary: { totalExecutions: 2, avgExecutionTime: 0.2, maxExecutionTime: 0.3, periodCount: 1 },
      },
    });
  });

  it("answers an empty window with an all-zero summary", async () => {
    const t = await setup();
    t.sample("a", JAN1, 100);
    await t.run(JAN1 + 2 * HOUR);
    const body = await t.read(JAN1 + 2 * DAY, "hours");
    expect(body.data).toEqual({
      metrics: [],
      functionId: null,
      resolution: "hours",
      summary: { totalExecutions: 0, avgExecutionTime: 0, maxExecutionTime: 0, periodCount: 0 },
    });
  });

  it("counts every execution once, whether rolled up or not: the views are the same before and after each run", async () => {
    const t = await setup();
    const fn = await t.functions.create({ name: "f", handler: "f.ts", route: "/f", methods: ["GET"] });
    const start = JAN1 + 22 * HOUR + 58 * MINUTE;
    let total = 0;
    const views = async (at: number) => {
      const out = [];
      for (const resolution of ["minutes", "hours", "days"] as const) {
        out.push(counts(await t.read(at, resolution)), counts(await t.read(at, resolution, fn.id)));
      }
      return out;
    };
    const check = async (at: number) => {
      const before = await views(at);
      await t.run(at);
      expect(await views(at)).toEqual(before);
      // The days view covers all of it: nothing here is older than a day.
      expect((await t.read(at, "days")).data.summary.totalExecutions).toBe(total);
    };
    // Samples around the 23:00 hour and the midnight day boundary, with a run between most of them.
    for (let at = start; at < start + 70 * MINUTE; at += 83 * SECOND) {
      t.sample(fn.id, at, at % 5000);
      t.sample("other", at + 11 * SECOND, 250);
      total += 2;
      if ((at / SECOND) % 3 !== 0) await check(at + 20 * SECOND);
    }
    await check(start + 2 * HOUR);
    await check(start + DAY);
  });

  it("refuses bad parameters with the spec's messages, resolution first", async () => {
    const t = await setup();
    const cases: [Record<string, string>, string, string | undefined][] = [
      [{}, "invalid", "Missing required parameter: resolution"],
      [{ resolution: "", functionId: "bad id" }, "invalid", "Missing required parameter: resolution"],
      [{ resolution: "weeks", functionId: "bad id" }, "invalid", "Invalid resolution parameter. Must be one of: minutes, hours, days"],
      [{ resolution: "toString" }, "invalid", undefined],
      [{ resolution: "days", functionId: "bad id" }, "invalid", "Invalid functionId parameter"],
      [{ resolution: "days", functionId: "nope" }, "not-found", "Function with id nope not found"],
    ];
    for (const [params, kind, message] of cases) {
      await expect(t.query(params), JSON.stringify(params)).rejects.toMatchObject(message === undefined ? { kind } : { kind, message });
    }
  });

  it("counts failed executions through every roll-up, and in the views", async () => {
    const t = await setup();
    t.sample("a", JAN1 + SECOND, 100, true);
    t.sample("a", JAN1 + 2 * SECOND, 100);
    t.sample("a", JAN1 + MINUTE + SECOND, 100, true);
    t.sample("b", JAN1 + MINUTE + 2 * SECOND, 100, true);
    const live = await t.read(JAN1 + MINUTE + 3 * SECOND, "minutes", undefined);
    expect(live.data.metrics.map((point) => [point.executionCount, point.errorCount])).toEqual([
      [2, 1],
      [2, 2],
    ]);

    await t.run(JAN1 + HOUR);
    const perFunction = [
      { fn: null, errors: 3 },
      { fn: "a", errors: 2 },
      { fn: "b", errors: 1 },
    ];
    expect(t.errors(2)).toEqual(perFunction);
    await t.run(JAN1 + DAY + HOUR);
    expect(t.errors(3)).toEqual(perFunction);
    expect((await t.read(JAN1 + DAY + HOUR, "days", undefined)).data.metrics.map((point) => point.errorCount)).toEqual([3]);
  });
});

describe("metrics overview", () => {
  it("gives every existing function its last minute, hour and day, idle ones as zeros", async () => {
    const t = await setup();
    const busy = await t.functions.create({ name: "busy", handler: "busy.ts", route: "/busy", methods: ["GET"] });
    const idle = await t.functions.create({ name: "idle", handler: "idle.ts", route: "/idle", methods: ["GET"] });
    const now = JAN1 + 2 * HOUR + 30 * MINUTE + 10 * SECOND;
    // Three hours ago (outside the hour, inside the day), 10 minutes ago, and this minute.
    t.sample(busy.id, now - 3 * HOUR, 9000);
    t.sample(busy.id, now - 10 * MINUTE, 1000, true);
    t.sample(busy.id, now - 10 * MINUTE, 3000);
    await t.run(now - 5 * MINUTE);
    t.sample(busy.id, now - SECOND, 2000, true);
    t.sample("deleted-function", now - SECOND, 5);

    const body = await t.overview(now);

    expect(body.data.generatedAt).toBe(iso(now));
    const [first, second] = body.data.functions;
    expect(body.data.functions).toHaveLength(2);
    expect(first?.functionId).toBe(busy.id);
    expect(first?.lastMinute).toEqual({ count: 1, errors: 1 });
    expect(first?.lastHour).toEqual({ count: 3, errors: 2, avgTimeMs: 2, maxTimeMs: 3 });
    expect(first?.lastDay).toEqual({ count: 4, errors: 2 });
    expect(first?.perMinute).toHaveLength(60);
    expect(first?.perMinute[49]).toBe(2);
    expect(first?.perMinute[59]).toBe(1);
    expect(first?.perMinute.reduce((sum, n) => sum + n, 0)).toBe(3);
    expect(second).toEqual({
      functionId: idle.id,
      lastMinute: { count: 0, errors: 0 },
      lastHour: { count: 0, errors: 0, avgTimeMs: 0, maxTimeMs: 0 },
      lastDay: { count: 0, errors: 0 },
      perMinute: new Array(60).fill(0),
    });
  });
});
