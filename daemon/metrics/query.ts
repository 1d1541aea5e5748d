import type { Statement } from "better-sqlite3";
import type { MetricsBody, MetricsPoint, MetricsResolution, MetricsSummary } from "../../src/api-types.js";
import type { Db } from "../db/database.js";
import { invalid } from "../domain-error.js";
import { existingFunctionId } from "../functions/id-param.js";
import type { FunctionsService } from "../functions/service.js";
import type { SettingsService } from "../settings/service.js";
import { LEVEL_RESOLUTION, LEVELS, type Level, periodMs, RAW, windowStart } from "./periods.js";
import type { MetricsRecorder } from "./recorder.js";
import { periodOf, WEIGHTED_AVG_US } from "./sql.js";
import { WatermarkStore } from "./watermarks.js";

/** The level whose rows hold each resolution's periods. */
const RESOLUTIONS = Object.fromEntries(LEVELS.map((level) => [LEVEL_RESOLUTION[level], level])) as Record<MetricsResolution, Level>;

export interface MetricsQueryDeps {
  db: Db;
  recorder: Pick<MetricsRecorder, "flush">;
  functions: FunctionsService;
  settings: Pick<SettingsService, "getInteger">;
  now?: () => number;
}

type Scope = "global" | "function";
type Bounds = Record<`from${number}`, number> & { functionId?: string };
interface PeriodRow {
  period: number;
  avgUs: number;
  maxUs: number;
  count: number;
}

/**
 * `GET /api/metrics`: the rolling window of a resolution (DESIGN §8), its current, incomplete
 * periods included. Those are summed live from the rows not rolled up into the resolution yet.
 */
export class MetricsQuery {
  private readonly db: Db;
  private readonly recorder: Pick<MetricsRecorder, "flush">;
  private readonly functions: FunctionsService;
  private readonly settings: Pick<SettingsService, "getInteger">;
  private readonly now: () => number;
  private readonly watermarks: WatermarkStore;
  private readonly series: Record<Scope, Record<Level, Statement<Bounds, PeriodRow>>>;

  constructor(deps: MetricsQueryDeps) {
    this.db = deps.db;
    this.recorder = deps.recorder;
    this.functions = deps.functions;
    this.settings = deps.settings;
    this.now = deps.now ?? Date.now;
    this.watermarks = new WatermarkStore(deps.db);
    const prepare = (scope: Scope) => ({
      1: this.db.prepare<Bounds, PeriodRow>(seriesSql(1, scope)),
      2: this.db.prepare<Bounds, PeriodRow>(seriesSql(2, scope)),
      3: this.db.prepare<Bounds, PeriodRow>(seriesSql(3, scope)),
    });
    this.series = { global: prepare("global"), function: prepare("function") };
  }

  /** Takes the query parameters as sent; an empty one counts as absent (`functionId=` means global). */
  async read(params: { resolution?: string; functionId?: string }): Promise<MetricsBody> {
    const resolution = parseResolution(params.resolution);
    const functionId = params.functionId ? await existingFunctionId(this.functions, params.functionId) : null;
    const level = RESOLUTIONS[resolution];
    const now = this.now();
    // The last second's samples are still in memory.
    this.recorder.flush();
    const start = windowStart(level, now, this.settings.getInteger("metrics.retention-days"));
    const marks = this.watermarks.read();
    const bounds: Bounds = {};
    // Rows of the resolution's own type are rolled-up windows; each finer type adds the windows
    // not rolled up into the next coarser one yet (a missing watermark: none were).
    for (let type: number = level; type >= RAW; type--)
      bounds[`from${type}`] = type === level ? start : Math.max(start, marks[(type + 1) as Level] ?? 0);
    if (functionId !== null) bounds.functionId = functionId;
    const rows = this.series[functionId === null ? "global" : "function"][level].all(bounds);
    const metrics = rows.map(
      (row): MetricsPoint => ({
        timestamp: new Date(row.period).toISOString(),
        avgTimeMs: row.avgUs / 1000,
        maxTimeMs: row.maxUs / 1000,
        executionCount: row.count,
      }),
    );
    return { data: { metrics, functionId, resolution, summary: summarize(metrics) } };
  }
}

/**
 * One UNION ALL part per type, each an index range. The global series reads global rows for
 * the aggregated types (one row per period instead of one per function) and raw rows, which
 * are never global, of every function.
 */
function seriesSql(level: Level, scope: Scope): string {
  const parts: string[] = [];
  for (let type: number = level; type >= RAW; type--) {
    const whose = scope === "function" ? "function_id = @functionId" : type === RAW ? "function_id IS NOT NULL" : "function_id IS NULL";
    parts.push(
      `SELECT avg_time_us, max_time_us, execution_count, timestamp FROM metrics WHERE type = ${type} AND ${whose} AND timestamp >= @from${type}`,
    );
  }
  return `SELECT ${periodOf(periodMs(level))} AS period, ${WEIGHTED_AVG_US} AS avgUs, MAX(max_time_us) AS maxUs, SUM(execution_count) AS count
    FROM (${parts.join(" UNION ALL ")}) GROUP BY period ORDER BY period`;
}

function parseResolution(value: string | undefined): MetricsResolution {
  if (!value) throw invalid("Missing required parameter: resolution");
  if (!Object.hasOwn(RESOLUTIONS, value))
    throw invalid(`Invalid resolution parameter. Must be one of: ${Object.keys(RESOLUTIONS).join(", ")}`);
  return value as MetricsResolution;
}

function summarize(points: readonly MetricsPoint[]): MetricsSummary {
  let totalExecutions = 0;
  let weightedMs = 0;
  let maxExecutionTime = 0;
  for (const point of points) {
    totalExecutions += point.executionCount;
    weightedMs += point.avgTimeMs * point.executionCount;
    maxExecutionTime = Math.max(maxExecutionTime, point.maxTimeMs);
  }
  return {
    totalExecutions,
    avgExecutionTime: totalExecutions === 0 ? 0 : weightedMs / totalExecutions,
    maxExecutionTime,
    periodCount: points.length,
  };
}
