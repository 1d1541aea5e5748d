import type { MetricsPoint, MetricsResolution } from "../src/api-types.js";
import { PERIOD_MS } from "../src/metrics-window.js";

/** Executions in one stretch of time from `start`; `avgMs` means nothing when `count` is 0. */
export interface Bucket {
  start: number;
  count: number;
  avgMs: number;
  maxMs: number;
}

/** Several buckets as one: counts add, the average is weighted by count, the max is the largest. */
function combine(buckets: readonly Bucket[]): Bucket {
  const count = buckets.reduce((sum, b) => sum + b.count, 0);
  const weighted = buckets.reduce((sum, b) => sum + b.avgMs * b.count, 0);
  return {
    start: buckets[0].start,
    count,
    avgMs: count === 0 ? 0 : weighted / count,
    maxMs: Math.max(0, ...buckets.map((b) => b.maxMs)),
  };
}

/**
 * Every period of the window, `periods` of them ending with the one that holds `now`: the API
 * sends rows only for periods that had executions, a chart needs the empty ones too.
 */
export function fillWindow(points: readonly MetricsPoint[], resolution: MetricsResolution, periods: number, now: number): Bucket[] {
  const size = PERIOD_MS[resolution];
  const times = points.map((point) => Date.parse(point.timestamp));
  // The daemon's now may be later than ours (a remote clock ahead, a period begun while it answered):
  // its newest row still ends the window.
  const newest = Math.max(now, ...times);
  // Periods are UTC minutes, hours and days; each divides a day, so flooring epoch time finds them.
  const first = newest - (newest % size) - (periods - 1) * size;
  const buckets: Bucket[] = Array.from({ length: periods }, (_, i) => ({ start: first + i * size, count: 0, avgMs: 0, maxMs: 0 }));
  points.forEach((point, i) => {
    const index = Math.floor((times[i] - first) / size);
    if (index < 0) return;
    const row = { start: buckets[index].start, count: point.executionCount, avgMs: point.avgTimeMs, maxMs: point.maxTimeMs };
    buckets[index] = combine([buckets[index], row]);
  });
  return buckets;
}

/**
 * At most `width` columns, each the same number of adjacent buckets so columns compare fairly;
 * grouped from the newest end, so only the oldest column may hold fewer.
 */
export function mergeBuckets(buckets: readonly Bucket[], width: number): { columns: Bucket[]; perColumn: number } {
  const perColumn = Math.max(1, Math.ceil(buckets.length / Math.max(1, width)));
  const columns: Bucket[] = [];
  for (let end = buckets.length; end > 0; end -= perColumn) columns.unshift(combine(buckets.slice(Math.max(0, end - perColumn), end)));
  return { columns, perColumn };
}
