import type { MetricsPoint, MetricsResolution } from "./api-types.js";

/** One period of each resolution: a UTC minute, hour or day. */
export const PERIOD_MS: Record<MetricsResolution, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };

/**
 * How many periods a metrics view spans (DESIGN §8), the last of them the current one: 60
 * minutes, 24 hours, or as many days as `metrics.retention-days` keeps. The daemon cuts its
 * answer to this window and the CLI draws it.
 */
export function windowPeriods(resolution: MetricsResolution, retentionDays: number): number {
  return resolution === "minutes" ? 60 : resolution === "hours" ? 24 : retentionDays;
}

/** Executions in one period from `start`, or in several adjacent ones; `avgMs` means nothing when `count` is 0. */
export interface PeriodTotals {
  start: number;
  count: number;
  errors: number;
  avgMs: number;
  maxMs: number;
}

/** Several periods as one: counts add, the average is weighted by count, the max is the largest. */
export function combinePeriods(periods: readonly PeriodTotals[]): PeriodTotals {
  const count = periods.reduce((sum, p) => sum + p.count, 0);
  const weighted = periods.reduce((sum, p) => sum + p.avgMs * p.count, 0);
  return {
    start: periods[0].start,
    count,
    errors: periods.reduce((sum, p) => sum + p.errors, 0),
    avgMs: count === 0 ? 0 : weighted / count,
    maxMs: Math.max(0, ...periods.map((p) => p.maxMs)),
  };
}

/**
 * Every period of the window, `periods` of them ending with the one that holds `now`: the API
 * sends rows only for periods that had executions, a chart needs the empty ones too.
 */
export function fillWindow(points: readonly MetricsPoint[], resolution: MetricsResolution, periods: number, now: number): PeriodTotals[] {
  const size = PERIOD_MS[resolution];
  const times = points.map((point) => Date.parse(point.timestamp));
  // The daemon's now may be later than the reader's (a remote clock ahead, a period begun while it
  // answered): its newest row still ends the window.
  const newest = Math.max(now, ...times);
  // Periods are UTC minutes, hours and days; each divides a day, so flooring epoch time finds them.
  const first = newest - (newest % size) - (periods - 1) * size;
  const window: PeriodTotals[] = Array.from({ length: periods }, (_, i) => ({
    start: first + i * size,
    count: 0,
    errors: 0,
    avgMs: 0,
    maxMs: 0,
  }));
  points.forEach((point, i) => {
    const index = Math.floor((times[i] - first) / size);
    if (index < 0) return;
    const row = {
      start: window[index].start,
      count: point.executionCount,
      errors: point.errorCount,
      avgMs: point.avgTimeMs,
      maxMs: point.maxTimeMs,
    };
    // A period's one row is taken as sent (combining would round its average); only a second one is merged in.
    window[index] = window[index].count === 0 ? row : combinePeriods([window[index], row]);
  });
  return window;
}
