/** `type` of raw rows in the metrics table: one per executions folded by the recorder. */
export const RAW = 0;

/** `type` of aggregated rows: 1 minute, 2 hour, 3 day. Each level is rolled up from the one below it. */
export type Level = 1 | 2 | 3;
export const LEVELS: readonly Level[] = [1, 2, 3];

const PERIOD_MS: Record<Level, number> = { 1: 60_000, 2: 3_600_000, 3: 86_400_000 };

export function periodMs(level: Level): number {
  return PERIOD_MS[level];
}

/** Start of the UTC minute, hour or day holding `at`: epoch milliseconds have no leap seconds, so UTC periods are plain multiples. */
export function periodStart(level: Level, at: number): number {
  return at - (at % PERIOD_MS[level]);
}

/** How many periods a view shows (DESIGN §8): the last 60 minutes, the last 24 hours, the last `metrics.retention-days` days. */
export function windowPeriods(level: Level, retentionDays: number): number {
  return level === 1 ? 60 : level === 2 ? 24 : retentionDays;
}

/** Start of a view's rolling window: `windowPeriods` periods, the last of them the current, incomplete one. */
export function windowStart(level: Level, now: number, retentionDays: number): number {
  return periodStart(level, now) - (windowPeriods(level, retentionDays) - 1) * PERIOD_MS[level];
}
