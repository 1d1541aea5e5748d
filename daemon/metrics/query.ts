import type { Statement } from "better-sqlite3";
import type { MetricsBody, MetricsPoint, MetricsResolution, MetricsSummary } from "../../src/api-types.js";
import type { Db } from "../db/database.js";
import { invalid } from "../domain-error.js";
import { existingFunctionId } from "../functions/id-param.js";
import type { FunctionsService } from "../functions/service.js";
import type { SettingsService } from "../settings/service.js";
import { LEVEL_RESOLUTION, LEVELS, type Level, windowStart } from "./periods.js";
import type { MetricsRecorder } from "./recorder.js";
import { type PeriodRow, type SeriesBounds, seriesBounds, seriesSql } from "./series.js";
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
  private readonly series: Record<"global" | "function", Record<Level, Statement<SeriesBounds, PeriodRow>>>;

  constructor(deps: MetricsQueryDeps) {
    this.db = deps.db;
    this.recorder = deps.recorder;
    this.functions = deps.functions;
    this.settings = deps.settings;
    this.now = deps.now ?? Date.now;
    this.watermarks = new WatermarkStore(deps.db);
    const prepare = (scope: "global" | "function") => ({
      1: this.db.prepare<SeriesBounds, PeriodRow>(seriesSql(1, scope)),
      2: this.db.prepare<SeriesBounds, PeriodRow>(seriesSql(2, scope)),
      3: this.db.prepare<SeriesBounds, PeriodRow>(seriesSql(3, scope)),
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
    const bounds = seriesBounds(level, start, this.watermarks.read());
    if (functionId !== null) bounds.functionId = functionId;
    const rows = this.series[functionId === null ? "global" : "function"][level].all(bounds);
    const metrics = rows.map(
      (row): MetricsPoint => ({
        timestamp: new Date(row.period).toISOString(),
        avgTimeMs: row.avgUs / 1000,
        maxTimeMs: row.maxUs / 1000,
        executionCount: row.count,
        errorCount: row.errors,
      }),
    );
    return { data: { metrics, functionId, resolution, summary: summarize(metrics) } };
  }
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
