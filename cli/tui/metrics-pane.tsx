import { memo } from "react";
import type { ApiClient } from "../../src/api-client.js";
import type { MetricsBody } from "../../src/api-types.js";
import { formatDecimal, plural } from "../../src/format.js";
import { fillWindow, windowPeriods } from "../../src/metrics-window.js";
import { CHART_MARGIN, chart, timeLabel } from "../metrics-chart.js";
import { mergeBuckets } from "../metrics-series.js";
import type { Style } from "../style.js";
import { METRICS_ROWS } from "./layout.js";
import { Lines } from "./lines.js";
import { usePoll } from "./use-poll.js";

interface MetricsPaneProps {
  client: ApiClient;
  style: Style;
  width: number;
  intervalMs: number;
}

/** Executions of all functions over the last hour, a column per minute when the screen is wide enough. */
export const MetricsPane = memo(function MetricsPane({ client, style, width, intervalMs }: MetricsPaneProps) {
  // The minute is part of the read: a new minute moves the chart's window even when nothing ran.
  const { data: read } = usePoll(
    async () => ({
      body: await client.get<MetricsBody>("/api/metrics", { query: { resolution: "minutes" } }),
      minute: Math.floor(Date.now() / 60_000),
    }),
    intervalMs,
  );
  const title = style.bold("Requests, last hour");
  if (read === undefined) return <Lines lines={[title, style.dim("loading…")]} width={width} height={METRICS_ROWS} />;
  const { metrics, summary } = read.body.data;
  const buckets = fillWindow(metrics, "minutes", windowPeriods("minutes", 0), Date.now());
  const { columns } = mergeBuckets(buckets, width - CHART_MARGIN);
  const axis: [string, string] = [timeLabel(buckets[0].start, "minutes"), timeLabel(buckets[buckets.length - 1].start, "minutes")];
  const latency =
    summary.totalExecutions > 0
      ? ` · avg ${formatDecimal(summary.avgExecutionTime)} ms · max ${formatDecimal(summary.maxExecutionTime)} ms`
      : "";
  const lines = [`${title} · ${plural(summary.totalExecutions, "execution")}${latency}`, ...chart(columns, axis, style)];
  return <Lines lines={lines} width={width} height={METRICS_ROWS} />;
});
