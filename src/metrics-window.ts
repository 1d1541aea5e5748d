import type { MetricsResolution } from "./api-types.js";

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
