import { type Level, periodMs, RAW } from "./periods.js";
import { periodOf, WEIGHTED_AVG_US } from "./sql.js";
import type { Watermarks } from "./watermarks.js";

/** One function's rows, the global rows, or every function's rows side by side. */
export type SeriesScope = "function" | "global" | "each";

export type SeriesBounds = Record<`from${number}`, number> & { functionId?: string };

export interface PeriodRow {
  /** Set for the "each" scope only. */
  functionId?: string;
  period: number;
  avgUs: number;
  maxUs: number;
  count: number;
  errors: number;
}

/**
 * Where each type's rows start in a window that begins at `start`: rows of the level's own type
 * are rolled-up periods; each finer type adds the periods not rolled up into the next coarser
 * one yet (a missing watermark: none were). So the current, incomplete period is summed live.
 */
export function seriesBounds(level: Level, start: number, marks: Watermarks): SeriesBounds {
  const bounds: SeriesBounds = {};
  for (let type: number = level; type >= RAW; type--)
    bounds[`from${type}`] = type === level ? start : Math.max(start, marks[(type + 1) as Level] ?? 0);
  return bounds;
}

/**
 * The periods of `level` from the bounds on, oldest first: one UNION ALL part per type, each an
 * index range. The global series reads global rows for the aggregated types (one row per period
 * instead of one per function) and raw rows, which are never global, of every function.
 */
export function seriesSql(level: Level, scope: SeriesScope): string {
  const parts: string[] = [];
  for (let type: number = level; type >= RAW; type--) {
    const whose =
      scope === "function"
        ? "function_id = @functionId"
        : scope === "global" && type !== RAW
          ? "function_id IS NULL"
          : "function_id IS NOT NULL";
    parts.push(
      `SELECT function_id, avg_time_us, max_time_us, execution_count, error_count, timestamp FROM metrics WHERE type = ${type} AND ${whose} AND timestamp >= @from${type}`,
    );
  }
  const columns = `${periodOf(periodMs(level))} AS period, ${WEIGHTED_AVG_US} AS avgUs, MAX(max_time_us) AS maxUs, SUM(execution_count) AS count, SUM(error_count) AS errors`;
  const rows = `FROM (${parts.join(" UNION ALL ")})`;
  return scope === "each"
    ? `SELECT function_id AS functionId, ${columns} ${rows} GROUP BY function_id, period ORDER BY function_id, period`
    : `SELECT ${columns} ${rows} GROUP BY period ORDER BY period`;
}
