import { type Db, writeTransaction } from "../db/database.js";
import type { SettingsService } from "../settings/service.js";
import { LEVELS, type Level, periodMs, periodStart, RAW, windowStart } from "./periods.js";
import type { MetricsRecorder } from "./recorder.js";
import { periodOf, WEIGHTED_AVG_US } from "./sql.js";
import { WatermarkStore } from "./watermarks.js";

/** What one run changed, for the daemon's debug log. */
export interface AggregationResult {
  /** Rows written per level: one per function and window, plus one global row per window. */
  minuteRows: number;
  hourRows: number;
  dayRows: number;
  /** Rows removed, by retention and as consumed by a roll-up. */
  deleted: number;
}

export interface AggregatorDeps {
  db: Db;
  recorder: Pick<MetricsRecorder, "flush">;
  settings: Pick<SettingsService, "getInteger">;
  now?: () => number;
}

/**
 * One run of the `metrics-aggregation` job (spec: logs-and-metrics "Aggregation job"): retention,
 * then raw → minute → hour → day roll-ups, then removal of consumed rows, in one transaction.
 *
 * Unlike the reference, a pass has no cap on windows per run, and a level is rolled up only as far
 * as the level below it is complete: after downtime, the first run turns every missed minute into
 * minute rows before any hour that holds them is summed, so catch-up is exact.
 */
export class MetricsAggregator {
  private readonly db: Db;
  private readonly recorder: Pick<MetricsRecorder, "flush">;
  private readonly settings: Pick<SettingsService, "getInteger">;
  private readonly now: () => number;
  private readonly watermarks: WatermarkStore;
  private readonly rollUp: Record<Level, (from: number, to: number) => number>;
  private readonly oldestSource;
  private readonly deleteOlder;
  private readonly deleteConsumed;

  constructor(deps: AggregatorDeps) {
    this.db = deps.db;
    this.recorder = deps.recorder;
    this.settings = deps.settings;
    this.now = deps.now ?? Date.now;
    this.watermarks = new WatermarkStore(deps.db);
    this.rollUp = { 1: this.rollUpInto(1), 2: this.rollUpInto(2), 3: this.rollUpInto(3) };
    // Global rows are never a source: they would count every execution twice.
    this.oldestSource = this.db
      .prepare<[number], number | null>("SELECT MIN(timestamp) FROM metrics WHERE type = ? AND function_id IS NOT NULL")
      .pluck();
    this.deleteOlder = this.db.prepare<[number]>("DELETE FROM metrics WHERE timestamp < ?");
    this.deleteConsumed = this.db.prepare<[number, number]>("DELETE FROM metrics WHERE type = ? AND timestamp < ?");
  }

  async run(): Promise<AggregationResult> {
    const now = this.now();
    // Samples still in memory go to the table first, so none can turn up later in a window rolled up now.
    this.recorder.flush();
    // Read at every run, so a new value applies without a restart.
    const retentionDays = this.settings.getInteger("metrics.retention-days");
    return writeTransaction(this.db, () => {
      let deleted = this.deleteOlder.run(now - retentionDays * periodMs(3)).changes;
      const marks = this.watermarks.read();
      const written: Record<Level, number> = { 1: 0, 2: 0, 3: 0 };
      for (const level of LEVELS) {
        const below = level === 1 ? now : (marks[(level - 1) as Level] as number);
        // Never past the current period, nor into a period whose finer windows are not all rolled up yet.
        const end = Math.min(periodStart(level, now), periodStart(level, below));
        const oldest = this.oldestSource.get(level - 1);
        const from = marks[level] ?? (typeof oldest === "number" ? periodStart(level, oldest) : end);
        if (from < end) written[level] = this.rollUp[level](from, end);
        const until = Math.max(from, end);
        if (until !== marks[level]) this.watermarks.write(level, until);
        marks[level] = until;
      }
      // Finer rows go once rolled up, except those a rolling view still shows (DESIGN §8).
      deleted += this.deleteConsumed.run(RAW, marks[1] as number).changes;
      deleted += this.deleteConsumed.run(1, Math.min(marks[2] as number, windowStart(1, now, retentionDays))).changes;
      deleted += this.deleteConsumed.run(2, Math.min(marks[3] as number, windowStart(2, now, retentionDays))).changes;
      return { minuteRows: written[1], hourRows: written[2], dayRows: written[3], deleted };
    });
  }

  /** The roll-up of the level below into `level` rows over [from, to): per function and global, empty periods skipped. */
  private rollUpInto(level: Level): (from: number, to: number) => number {
    const insert = this.db.prepare<{ from: number; to: number }>(`
      INSERT INTO metrics (function_id, type, avg_time_us, max_time_us, execution_count, error_count, timestamp)
      WITH source AS (
        SELECT function_id, avg_time_us, max_time_us, execution_count, error_count, ${periodOf(periodMs(level))} AS period
        FROM metrics
        WHERE type = ${level - 1} AND function_id IS NOT NULL AND timestamp >= @from AND timestamp < @to
      )
      SELECT function_id, ${level}, ${WEIGHTED_AVG_US}, MAX(max_time_us), SUM(execution_count), SUM(error_count), period
      FROM source GROUP BY function_id, period
      UNION ALL
      SELECT NULL, ${level}, ${WEIGHTED_AVG_US}, MAX(max_time_us), SUM(execution_count), SUM(error_count), period
      FROM source GROUP BY period`);
    return (from, to) => insert.run({ from, to }).changes;
  }
}
