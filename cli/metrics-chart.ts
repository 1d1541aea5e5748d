import type { MetricsBody, MetricsResolution } from "../src/api-types.js";
import { formatDecimal, plural } from "../src/format.js";
import { fillWindow, type PeriodTotals } from "../src/metrics-window.js";
import { sparkline } from "../src/sparkline.js";
import { mergeBuckets } from "./metrics-series.js";
import type { Style } from "./style.js";

const PERIOD_NOUN: Record<MetricsResolution, string> = { minutes: "minute", hours: "hour", days: "day" };
/** "executions" and a space before each chart row. */
const LABEL_WIDTH = 11;
/** A space and the scale after each chart row: up to 7 digits, e.g. 9999999 executions. */
const SCALE_WIDTH = 8;
/** Columns of a chart row that hold no data: the label before the sparkline and the scale after it. */
export const CHART_MARGIN = LABEL_WIDTH + SCALE_WIDTH;

export interface ChartOptions {
  /** The function's name, or undefined for all functions. */
  name: string | undefined;
  /** How many periods the API's window spans. */
  periods: number;
  now: number;
  /** Terminal width in characters. */
  columns: number;
  style: Style;
}

const ms = (value: number) => `${formatDecimal(value)} ms`;

/** Minutes and hours read best in local time; a day is a UTC day, so its UTC date names it. */
export function timeLabel(start: number, resolution: MetricsResolution): string {
  if (resolution === "days") return new Date(start).toISOString().slice(0, 10);
  const date = new Date(start);
  return `${String(date.getHours()).padStart(2, "0")}:${String(date.getMinutes()).padStart(2, "0")}`;
}

/** Three sparkline rows with their scales, and a time axis from `first` to `last` under them. */
export function chart(columns: readonly PeriodTotals[], [first, last]: [string, string], style: Style): string[] {
  // A latency is measured only where something ran: an idle column is blank there, not zero.
  const row = (label: string, pick: (b: PeriodTotals) => number, measured: (b: PeriodTotals) => boolean) => {
    const line = sparkline(columns.map((b) => (measured(b) ? pick(b) : undefined)));
    return `${label.padEnd(LABEL_WIDTH)}${style.cyan(line)} ${style.dim(formatDecimal(Math.max(...columns.map(pick))))}`;
  };
  const always = () => true;
  const ran = (b: PeriodTotals) => b.count > 0;
  return [
    row("executions", (b) => b.count, always),
    row("avg ms", (b) => b.avgMs, ran),
    row("max ms", (b) => b.maxMs, ran),
    // The last label ends under the newest column; a chart too narrow for both keeps one space between them.
    " ".repeat(LABEL_WIDTH) + style.dim(first + last.padStart(Math.max(columns.length - first.length, last.length + 1))),
  ];
}

/** `crude metrics` for people: what and when, the summary, then a sparkline chart of the window. */
export function renderMetrics({ data }: MetricsBody, options: ChartOptions): string[] {
  const { resolution, summary } = data;
  const noun = PERIOD_NOUN[resolution];
  const window = `the last ${plural(options.periods, noun)}`;
  const subject = options.name === undefined ? "all functions" : `function '${options.name}'`;
  if (summary.totalExecutions === 0) {
    return options.name === undefined
      ? [`No function ran in ${window}.`, "Call one with: crude functions invoke NAME"]
      : [`Function '${options.name}' did not run in ${window}.`, `Call it with: crude functions invoke ${options.name}`];
  }
  const buckets = fillWindow(data.metrics, resolution, options.periods, options.now);
  const { columns, perColumn } = mergeBuckets(buckets, options.columns - CHART_MARGIN);
  const peak = Math.max(...data.metrics.map((point) => point.executionCount));
  return [
    options.style.bold(`Executions of ${subject}, ${window}${perColumn > 1 ? ` (a column is ${plural(perColumn, noun)})` : ""}`),
    "",
    `${"total".padEnd(LABEL_WIDTH)}${plural(summary.totalExecutions, "execution")}`,
    `${`per ${noun}`.padEnd(LABEL_WIDTH)}${formatDecimal(summary.totalExecutions / options.periods)} on average, peak ${peak}`,
    `${"latency".padEnd(LABEL_WIDTH)}${ms(summary.avgExecutionTime)} on average, max ${ms(summary.maxExecutionTime)}`,
    "",
    // The axis names the window's first period and the current one, even when a column holds several.
    ...chart(columns, [timeLabel(buckets[0].start, resolution), timeLabel(buckets[buckets.length - 1].start, resolution)], options.style),
  ];
}
