/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { FunctionDefinition, MetricsResolution } from "../../../../src/api-types.js";
import { windowPeriods } from "../../../../src/metrics-window.js";
import { Chart, type ChartPoint } from "../../components/chart.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { fillPeriods, type Period } from "./metric-periods.js";
import { functionPath } from "./paths.js";

const RESOLUTIONS: readonly { resolution: MetricsResolution; label: string; unit: string }[] = [
  { resolution: "minutes", label: "Minutes", unit: "minute" },
  { resolution: "hours", label: "Hours", unit: "hour" },
  { resolution: "days", label: "Days", unit: "day" },
];

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
const milliseconds = (value: number) => `${compact.format(value)} ms`;
const duration = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

const Stat = ({ label, value, tone }: { label: string; value: string | number; tone?: "error" }) => (
  <div class="stat">
    <span class={tone === "error" ? "stat-value text-error" : "stat-value"}>{value}</span>
    <span class="stat-label">{label}</span>
  </div>
);

const ResolutionTabs = ({ base, current }: { base: string; current: MetricsResolution }) => (
  <nav class="tabs" aria-label="Resolution">
    <ul>
      {RESOLUTIONS.map(({ resolution, label }) => (
        <li key={resolution}>
          <a href={`${base}?resolution=${resolution}`} aria-current={resolution === current ? "page" : undefined}>
            {label}
          </a>
        </li>
      ))}
    </ul>
  </nav>
);

/** /web/functions/metrics/global and /web/functions/metrics/:id: execution counts and times by minute, hour or day. */
export function functionMetricsPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  const render = async (c: Context<WebEnv>, fn?: FunctionDefinition) => {
    // Read before asking: a period that begins while the daemon answers then extends the window instead of dropping its oldest row.
    const now = Date.now();
    // The API's parameter and messages: an unknown resolution is refused as it would be there.
    const body = await deps.metrics.read({ resolution: c.req.query("resolution") ?? "minutes", functionId: fn?.id });
    const { resolution, summary } = body.data;
    const span = windowPeriods(resolution, deps.settings.getInteger("metrics.retention-days"));
    const periods = fillPeriods(body.data.metrics, resolution, span, now);
    const errors = periods.reduce((sum, period) => sum + period.errors, 0);
    const unit = RESOLUTIONS.find((entry) => entry.resolution === resolution)?.unit ?? resolution;
    const series = (pick: (period: Period) => number): ChartPoint[] =>
      periods.map((period) => ({ label: period.label, value: pick(period) }));
    const base = fn ? functionPath("metrics", fn.id) : "/web/functions/metrics/global";
    return c.render(
      <>
        <ResolutionTabs base={base} current={resolution} />
        <p>
          The last {span} {unit}s, the current one included (UTC).
        </p>
        <section class="stats" aria-label="Summary">
          <Stat label="Executions" value={summary.totalExecutions} />
          <Stat label="Errors" value={errors} tone={errors > 0 ? "error" : undefined} />
          <Stat label="Average time" value={summary.totalExecutions > 0 ? duration(summary.avgExecutionTime) : "—"} />
          <Stat label="Max time" value={summary.totalExecutions > 0 ? duration(summary.maxExecutionTime) : "—"} />
        </section>
        <div class="charts">
          <Chart kind="bar" title={`Executions per ${unit}`} points={series((period) => period.count)} />
          <Chart kind="bar" title={`Errors per ${unit}`} points={series((period) => period.errors)} tone="error" />
          <Chart kind="line" title={`Average time per ${unit}`} points={series((period) => period.avgMs)} format={milliseconds} />
          <Chart kind="line" title={`Max time per ${unit}`} points={series((period) => period.maxMs)} format={milliseconds} />
        </div>
      </>,
      {
        title: fn ? `Metrics of "${fn.name}"` : "Metrics of all functions",
        actions: fn ? (
          <>
            <a href={functionPath("logs", fn.id)}>Logs</a>
            <a href={functionPath("edit", fn.id)}>Edit</a>
            <a href="/web/functions/metrics/global">All functions</a>
          </>
        ) : (
          <a href="/web/functions">Functions</a>
        ),
      },
    );
  };

  // Before /:id: "global" is a well-formed function ID too.
  app.get("/global", (c) => render(c));
  app.get("/:id", async (c) => render(c, await deps.functions.get(c.req.param("id"))));

  return app;
}
