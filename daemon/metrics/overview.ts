import type { Statement } from "better-sqlite3";
import type { FunctionActivity, MetricsOverviewBody } from "../../src/api-types.js";
import { windowPeriods } from "../../src/metrics-window.js";
import { periodMs, periodStart, windowStart } from "./periods.js";
import type { MetricsQueryDeps } from "./query.js";
import { type PeriodRow, type SeriesBounds, seriesBounds, seriesSql } from "./series.js";
import { WatermarkStore } from "./watermarks.js";

const MINUTES = windowPeriods("minutes", 0);

/**
 * `GET /api/metrics/overview` (crude extra): every function's activity over the last minute,
 * hour and day in one answer, for dashboards that show all functions at once (the TUI, the web
 * UI) — two grouped reads instead of one metrics request per function.
 */
export class MetricsOverview {
  private readonly deps: MetricsQueryDeps;
  private readonly now: () => number;
  private readonly watermarks: WatermarkStore;
  private readonly minutes: Statement<SeriesBounds, Required<PeriodRow>>;
  private readonly hours: Statement<SeriesBounds, Required<PeriodRow>>;

  constructor(deps: MetricsQueryDeps) {
    this.deps = deps;
    this.now = deps.now ?? Date.now;
    this.watermarks = new WatermarkStore(deps.db);
    this.minutes = deps.db.prepare(seriesSql(1, "each"));
    this.hours = deps.db.prepare(seriesSql(2, "each"));
  }

  async read(): Promise<MetricsOverviewBody> {
    const now = this.now();
    this.deps.recorder.flush();
    const marks = this.watermarks.read();
    // The minute and hour windows do not depend on the retention setting.
    const firstMinute = windowStart(1, now, 0);
    const activity = new Map<string, FunctionActivity>();
    for (const fn of await this.deps.functions.list()) activity.set(fn.id, idle(fn.id));
    // Metrics of deleted functions stay in the table; only functions that exist are shown.
    for (const row of this.minutes.all(seriesBounds(1, firstMinute, marks))) {
      const entry = activity.get(row.functionId);
      if (!entry) continue;
      entry.perMinute[(row.period - firstMinute) / periodMs(1)] = row.count;
      const hour = entry.lastHour;
      hour.avgTimeMs = (hour.avgTimeMs * hour.count + (row.avgUs / 1000) * row.count) / (hour.count + row.count);
      hour.maxTimeMs = Math.max(hour.maxTimeMs, row.maxUs / 1000);
      hour.count += row.count;
      hour.errors += row.errors;
      if (row.period === periodStart(1, now)) entry.lastMinute = { count: row.count, errors: row.errors };
    }
    for (const row of this.hours.all(seriesBounds(2, windowStart(2, now, 0), marks))) {
      const entry = activity.get(row.functionId);
      if (!entry) continue;
      entry.lastDay.count += row.count;
      entry.lastDay.errors += row.errors;
    }
    return { data: { generatedAt: new Date(now).toISOString(), functions: [...activity.values()] } };
  }
}

function idle(functionId: string): FunctionActivity {
  return {
    functionId,
    lastMinute: { count: 0, errors: 0 },
    lastHour: { count: 0, errors: 0, avgTimeMs: 0, maxTimeMs: 0 },
    lastDay: { count: 0, errors: 0 },
    perMinute: new Array<number>(MINUTES).fill(0),
  };
}
