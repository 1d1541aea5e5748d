import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { MetricsRecorder } from "../../daemon/metrics/recorder.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
});
afterEach(() => {
  vi.useRealTimers();
});

const MINUTE = Date.UTC(2025, 0, 1, 12, 0);

function setup() {
  const db = openDatabase(join(tempDir(), "crude.db"));
  deferCleanup(() => {
    db.close();
  });
  migrate(db, MIGRATIONS);
  let clock = MINUTE;
  const recorder = new MetricsRecorder(db, new ServerLog(new PassThrough()), { now: () => clock });
  deferCleanup(() => recorder.close());
  return {
    recorder,
    setClock: (at: number) => {
      clock = at;
    },
    rows: () =>
      db
        .prepare(
          "SELECT function_id AS fn, type, avg_time_us AS avg, max_time_us AS max, execution_count AS n, timestamp FROM metrics ORDER BY function_id, timestamp",
        )
        .all(),
  };
}

describe("MetricsRecorder", () => {
  it("folds samples per function and minute into execution rows, written once a second", () => {
    const t = setup();
    t.setClock(MINUTE + 1_000);
    t.recorder.record("a", 100);
    t.recorder.record("b", 7.6);
    t.setClock(MINUTE + 1_500);
    t.recorder.record("a", 301);
    t.recorder.record("a", 200);
    expect(t.rows()).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(t.rows()).toEqual([
      { fn: "a", type: 0, avg: 200, max: 301, n: 3, timestamp: MINUTE + 1_500 },
      { fn: "b", type: 0, avg: 8, max: 8, n: 1, timestamp: MINUTE + 1_000 },
    ]);
    vi.advanceTimersByTime(1000);
    expect(t.rows()).toHaveLength(2);
  });

  it("never folds across a UTC minute boundary", () => {
    const t = setup();
    t.setClock(MINUTE + 59_999);
    t.recorder.record("a", 10);
    t.recorder.record("a", 20);
    t.setClock(MINUTE + 60_000);
    t.recorder.record("a", 40);
    vi.advanceTimersByTime(1000);
    expect(t.rows()).toEqual([
      { fn: "a", type: 0, avg: 15, max: 20, n: 2, timestamp: MINUTE + 59_999 },
      { fn: "a", type: 0, avg: 40, max: 40, n: 1, timestamp: MINUTE + 60_000 },
    ]);
  });

  it("writes what it holds on close and ignores samples afterwards", async () => {
    const t = setup();
    t.recorder.record("a", 5);
    await t.recorder.close();
    t.recorder.record("a", 6);
    vi.advanceTimersByTime(5000);
    await t.recorder.close();
    expect(t.rows()).toEqual([{ fn: "a", type: 0, avg: 5, max: 5, n: 1, timestamp: MINUTE }]);
  });
});
