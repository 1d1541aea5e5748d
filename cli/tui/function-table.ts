import type { FunctionActivity, FunctionDefinition } from "../../src/api-types.js";
import { formatDecimal, formatDuration } from "../../src/format.js";
import { sparkline } from "../../src/sparkline.js";
import { mergeBuckets } from "../metrics-series.js";
import type { Style } from "../style.js";

export type SortKey = "name" | "requests" | "latency" | "errors";
/** The order `s` cycles through. */
export const SORT_KEYS: readonly SortKey[] = ["name", "requests", "latency", "errors"];

export interface FunctionRow {
  fn: FunctionDefinition;
  /** Missing until the overview has been read (or when the daemon has none for it yet). */
  activity: FunctionActivity | undefined;
}

/** Functions whose name contains `filter` (any case), sorted by `sort`: busiest, slowest, most failing first; ties by name. */
export function functionRows(
  functions: readonly FunctionDefinition[],
  activity: readonly FunctionActivity[],
  filter: string,
  sort: SortKey,
): FunctionRow[] {
  const byId = new Map(activity.map((a) => [a.functionId, a]));
  const needle = filter.toLowerCase();
  const rows = functions.filter((fn) => fn.name.toLowerCase().includes(needle)).map((fn) => ({ fn, activity: byId.get(fn.id) }));
  const measure: Record<SortKey, (row: FunctionRow) => number> = {
    name: () => 0,
    requests: (row) => row.activity?.lastHour.count ?? -1,
    latency: (row) => row.activity?.lastHour.avgTimeMs ?? -1,
    errors: (row) => row.activity?.lastHour.errors ?? -1,
  };
  return rows.sort((a, b) => measure[sort](b) - measure[sort](a) || a.fn.name.localeCompare(b.fn.name));
}

/** Column widths for a screen `width` wide: numbers fixed, the rest shared by name, route, methods and the sparkline. */
export interface Columns {
  name: number;
  route: number;
  methods: number;
  spark: number;
}

const MARKER = 2;
const FIXED = { state: 3, minute: 5, hour: 5, avg: 6, max: 6, errors: 4 };
/** The marker, the fixed columns and one space before each of the ten columns but the first. */
const FIXED_WIDTH = MARKER + Object.values(FIXED).reduce((sum, width) => sum + width, 0) + 9;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

/** The sparkline's minutes: the overview's last hour. */
const MINUTES = 60;

export function functionColumns(width: number): Columns {
  const flexible = Math.max(0, width - FIXED_WIDTH);
  const name = clamp(Math.floor(flexible / 5), 10, 24);
  const methods = clamp(Math.floor(flexible / 8), 7, 16);
  // The sparkline takes what is left, as wide as whole groups of minutes fill (60 minutes in
  // 40 columns would draw only 30); what it cannot use goes to the name and the route.
  const spark = Math.ceil(MINUTES / Math.ceil(MINUTES / clamp(flexible - 2 * name - methods, 6, MINUTES)));
  const rest = Math.max(0, flexible - 2 * name - methods - spark);
  return { name: name + Math.ceil(rest / 2), route: name + Math.floor(rest / 2), methods, spark };
}

/** Pads to `width`, or cuts with an ellipsis. */
function cell(text: string, width: number): string {
  if (width <= 0) return "";
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

const right = (text: string, width: number) => (text.length <= width ? text.padStart(width) : `${text.slice(0, width - 1)}…`);

/** "GET,POST" when it fits, else as many as fit and how many more: "GET+2". */
export function methodsText(methods: readonly string[], width: number): string {
  const all = methods.join(",");
  if (all.length <= width) return all;
  for (let shown = methods.length - 1; shown > 0; shown--) {
    const text = `${methods.slice(0, shown).join(",")}+${methods.length - shown}`;
    if (text.length <= width) return text;
  }
  return cell(all, width);
}

/** A count in five columns: 1234, 12.3k, 1.2M. */
export function countText(count: number): string {
  if (count < 10_000) return String(count);
  if (count < 1_000_000) return `${formatDecimal(count / 1000)}k`;
  return `${formatDecimal(count / 1_000_000)}M`;
}

/** A latency in six columns: 0.42ms, 850ms, 12.5s. */
export function latencyText(ms: number): string {
  return ms < 10 ? `${formatDecimal(ms)}ms` : formatDuration(ms);
}

/** The last hour as one sparkline `width` wide, each character the same number of minutes. */
export function activitySparkline(perMinute: readonly number[], width: number): string {
  const buckets = perMinute.map((count, start) => ({ start, count, errors: 0, avgMs: 0, maxMs: 0 }));
  return sparkline(mergeBuckets(buckets, width).columns.map((bucket) => bucket.count));
}

export function headerLine(columns: Columns, style: Style): string {
  const cells = [
    cell("name", columns.name),
    cell("route", columns.route),
    cell("methods", columns.methods),
    cell("on", FIXED.state),
    right("1m", FIXED.minute),
    right("1h", FIXED.hour),
    right("avg", FIXED.avg),
    right("max", FIXED.max),
    right("err", FIXED.errors),
    cell("last hour", columns.spark),
  ];
  return style.dim(" ".repeat(MARKER) + cells.join(" "));
}

/** One function as a table row; figures are of the last hour, `1m` of the last minute. */
export function rowLine({ fn, activity }: FunctionRow, columns: Columns, selected: boolean, style: Style): string {
  const hour = activity?.lastHour;
  const none = "-";
  const errors = hour?.errors ?? 0;
  const cells = [
    cell(fn.name, columns.name),
    cell(fn.route, columns.route),
    cell(methodsText(fn.methods, columns.methods), columns.methods),
    fn.enabled ? style.green(cell("on", FIXED.state)) : style.yellow(cell("off", FIXED.state)),
    right(activity ? countText(activity.lastMinute.count) : none, FIXED.minute),
    right(hour ? countText(hour.count) : none, FIXED.hour),
    right(hour && hour.count > 0 ? latencyText(hour.avgTimeMs) : none, FIXED.avg),
    right(hour && hour.count > 0 ? latencyText(hour.maxTimeMs) : none, FIXED.max),
    errors > 0 ? style.red(right(countText(errors), FIXED.errors)) : right(hour ? "0" : none, FIXED.errors),
    style.cyan(activity ? activitySparkline(activity.perMinute, columns.spark) : ""),
  ];
  const line = (selected ? "› " : "  ") + cells.join(" ");
  return selected ? style.inverse(line) : line;
}
