import type { MetricsPoint, MetricsResolution } from "../../../../src/api-types.js";
import { fillWindow, type PeriodTotals } from "../../../../src/metrics-window.js";

/** One period of a chart: a UTC minute, hour or day, empty when nothing ran in it. */
export interface Period extends PeriodTotals {
  /** The x-axis label: `14:05` (minutes, hours) or `03-14` (days), UTC. */
  label: string;
}

const LABEL: Record<MetricsResolution, (iso: string) => string> = {
  minutes: (iso) => iso.slice(11, 16),
  hours: (iso) => iso.slice(11, 16),
  days: (iso) => iso.slice(5, 10),
};

/**
 * Every period of the window, `periods` of them ending with the one holding `now` (or the
 * newest point, should a period have begun while the daemon answered), labelled for a chart.
 */
export function fillPeriods(points: readonly MetricsPoint[], resolution: MetricsResolution, periods: number, now: number): Period[] {
  return fillWindow(points, resolution, periods, now).map((period) => ({
    ...period,
    label: LABEL[resolution](new Date(period.start).toISOString()),
  }));
}
