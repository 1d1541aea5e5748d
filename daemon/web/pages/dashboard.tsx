/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { FunctionActivity, StatusBody } from "../../../src/api-types.js";
import { windowPeriods } from "../../../src/metrics-window.js";
import { Chart, type ChartPoint } from "../components/chart.js";
import { type Column, EmptyState, Table } from "../components/table.js";
import type { WebDeps, WebEnv } from "../env.js";
import { fillPeriods } from "./functions/metric-periods.js";

const HOURS = windowPeriods("hours", 0);
const MOST_ACTIVE = 5;

const formatUptime = (seconds: number) => {
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  return days > 0 ? `${days} d ${hours} h` : hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
};

const Count = ({ href, label, value, detail }: { href: string; label: string; value: number; detail?: string }) => (
  <a href={href} class="stat">
    <span class="stat-value">{value}</span>
    <span class="stat-label">{label}</span>
    {detail && <small>{detail}</small>}
  </a>
);

const Counts = ({ counts }: { counts: StatusBody["counts"] }) => (
  <section class="stats" aria-label="Counts">
    <Count href="/web/functions" label="Functions" value={counts.functions} />
    <Count href="/web/code" label="Code sources" value={counts.sources} />
    <Count
      href="/web/keys"
      label="API keys"
      value={counts.apiKeys}
      detail={`in ${counts.keyGroups} group${counts.keyGroups === 1 ? "" : "s"}`}
    />
    <Count href="/web/secrets" label="Secrets" value={counts.secrets} />
    <Count href="/web/users" label="Users" value={counts.users} />
  </section>
);

type ActiveFunction = FunctionActivity & { name: string };

const ACTIVE_COLUMNS: Column<ActiveFunction>[] = [
  { label: "Function", cell: (fn) => <a href={`/web/functions/metrics/${encodeURIComponent(fn.functionId)}`}>{fn.name}</a> },
  { label: "Requests (24 h)", cell: (fn) => fn.lastDay.count },
  { label: "Errors (24 h)", cell: (fn) => fn.lastDay.errors },
  { label: "Avg time (1 h)", cell: (fn) => (fn.lastHour.count > 0 ? `${fn.lastHour.avgTimeMs.toFixed(1)} ms` : "—") },
];

const WorkerPool = ({ status }: { status: StatusBody }) => (
  <section>
    <h2>Daemon</h2>
    <dl class="facts">
      <dt>Workers</dt>
      <dd>
        {status.executor.workers} ({status.executor.busy} busy, {status.executor.inFlight} request
        {status.executor.inFlight === 1 ? "" : "s"} in flight)
      </dd>
      <dt>Worker restarts</dt>
      <dd>{status.executor.restarts}</dd>
      <dt>Version</dt>
      <dd>
        crude {status.version} on Node.js {status.nodeVersion}
      </dd>
      <dt>Up for</dt>
      <dd>{formatUptime(status.uptimeSeconds)}</dd>
      <dt>Ports</dt>
      <dd>
        functions {status.functionPort}, management {status.managementPort}
      </dd>
    </dl>
  </section>
);

/** /web: what the daemon holds, its traffic over the last 24 hours and its worker pool. Reads counts and metrics rows, never the logs. */
export function dashboardPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", async (c) => {
    const [status, metrics, overview, functions] = await Promise.all([
      deps.status(),
      deps.metrics.read({ resolution: "hours" }),
      deps.overview.read(),
      deps.functions.list(),
    ]);
    // Every hour of the last 24, the current one last, idle ones too (the API leaves them out).
    const hours = fillPeriods(metrics.data.metrics, "hours", HOURS, Date.now());
    const requests = hours.reduce((sum, hour) => sum + hour.count, 0);
    const errors = hours.reduce((sum, hour) => sum + hour.errors, 0);
    const names = new Map(functions.map((fn) => [fn.id, fn.name]));
    const active = overview.data.functions
      .filter((fn) => fn.lastDay.count > 0)
      .sort((a, b) => b.lastDay.count - a.lastDay.count)
      .slice(0, MOST_ACTIVE)
      .map((fn) => ({ ...fn, name: names.get(fn.functionId) ?? fn.functionId }));
    const series = (pick: "count" | "errors"): ChartPoint[] => hours.map((hour) => ({ label: hour.label, value: hour[pick] }));
    return c.render(
      <>
        <Counts counts={status.counts} />
        <section>
          <h2>Last 24 hours</h2>
          <p class="totals">
            <strong>{requests}</strong> request{requests === 1 ? "" : "s"},{" "}
            <strong class={errors > 0 ? "text-error" : undefined}>{errors}</strong> error
            {errors === 1 ? "" : "s"}
          </p>
          <div class="grid">
            <Chart kind="bar" title="Requests per hour (UTC)" points={series("count")} />
            <Chart kind="bar" title="Errors per hour (UTC)" points={series("errors")} tone="error" />
          </div>
          <Table
            caption="Most active functions"
            columns={ACTIVE_COLUMNS}
            rows={active}
            empty={
              status.counts.functions === 0 ? (
                <EmptyState message="No functions yet" action={{ href: "/web/functions/create", label: "create one" }} />
              ) : (
                <EmptyState message="No requests in the last 24 hours" />
              )
            }
          />
        </section>
        <WorkerPool status={status} />
      </>,
      { title: "Dashboard" },
    );
  });

  return app;
}
