import type { MetricsResolution } from "../../src/api-types.js";
import { PERIOD_MS, windowPeriods } from "../../src/metrics-window.js";

/** `type` of raw rows in the metrics table: one per executions folded by the recorder. */
export const RAW = 0;

/** `type` of aggregated rows: 1 minute, 2 hour, 3 day. Each level is rolled up from the one below it. */
export type Level = 1 | 2 | 3;
export const LEVELS: readonly Level[] = [1, 2, 3];

/** The resolution of the API whose periods a level's rows hold. */
export const LEVEL_RESOLUTION: Record<Level, MetricsResolution> = { 1: "minutes", 2: "hours", 3: "days" };

export function periodMs(level: Level): number {
  return PERIOD_MS[LEVEL_RESOLUTION[level]];
}

/** Start of the UTC minute, hour or day holding `at`: epoch milliseconds have no leap seconds, so UTC periods are plain multiples. */
export function periodStart(level: Level, at: number): number {
  return at - (at % periodMs(level));
}

/** Start of a view's rolling window: `windowPeriods` periods, the last of them the current, incomplete one. */
export function windowStart(level: Level, now: number, retentionDays: number): number {
  return periodStart(level, now) - (windowPeriods(LEVEL_RESOLUTION[level], retentionDays) - 1) * periodMs(level);
}
