import { combinePeriods, type PeriodTotals } from "../src/metrics-window.js";

/**
 * At most `width` columns, each the same number of adjacent periods so columns compare fairly;
 * grouped from the newest end, so only the oldest column may hold fewer.
 */
export function mergeBuckets(buckets: readonly PeriodTotals[], width: number): { columns: PeriodTotals[]; perColumn: number } {
  const perColumn = Math.max(1, Math.ceil(buckets.length / Math.max(1, width)));
  const columns: PeriodTotals[] = [];
  for (let end = buckets.length; end > 0; end -= perColumn)
    columns.unshift(combinePeriods(buckets.slice(Math.max(0, end - perColumn), end)));
  return { columns, perColumn };
}
