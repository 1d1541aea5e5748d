/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { FunctionActivity, FunctionDefinition } from "../../../../src/api-types.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import { ToggleForm } from "../../components/toggle.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { readForm } from "../../forms.js";
import { functionPath } from "./paths.js";

type Row = FunctionDefinition & { activity: FunctionActivity | undefined };

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

const COLUMNS: Column<Row>[] = [
  {
    label: "Name",
    cell: (fn) => (
      <>
        <a href={functionPath("edit", fn.id)}>{fn.name}</a>
        {fn.description && <small class="cell-note">{fn.description}</small>}
      </>
    ),
  },
  { label: "Route", cell: (fn) => <code>{fn.route}</code> },
  { label: "Methods", cell: (fn) => fn.methods.join(", ") },
  {
    label: "Enabled",
    cell: (fn) => <ToggleForm action={functionPath("toggle", fn.id)} name="enabled" checked={fn.enabled} label={`Enable ${fn.name}`} />,
  },
  {
    label: "Last hour",
    cell: ({ activity }) => {
      const hour = activity?.lastHour ?? { count: 0, errors: 0 };
      return (
        <>
          <span class="nowrap">{plural(hour.count, "request")}</span>
          {hour.errors > 0 && <small class="cell-note text-error">{plural(hour.errors, "error")}</small>}
        </>
      );
    },
  },
  {
    label: "Actions",
    cell: (fn) => (
      <span class="row-actions">
        <a href={functionPath("logs", fn.id)}>Logs</a>
        <a href={functionPath("metrics", fn.id)}>Metrics</a>
        <a href={functionPath("secrets", fn.id)}>Secrets</a>
        <a href={functionPath("edit", fn.id)}>Edit</a>
        <a href={functionPath("delete", fn.id)}>Delete</a>
      </span>
    ),
  },
];

/** /web/functions: every function with its traffic of the last hour (one grouped metrics read), and its enabled switch. */
export function functionListPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", async (c) => {
    const [functions, overview] = await Promise.all([deps.functions.list(), deps.overview.read()]);
    const activity = new Map(overview.data.functions.map((entry) => [entry.functionId, entry]));
    const rows = functions.map((fn) => ({ ...fn, activity: activity.get(fn.id) }));
    return c.render(
      <Table
        columns={COLUMNS}
        rows={rows}
        empty={<EmptyState message="No functions yet" action={{ href: "/web/functions/create", label: "create one for a handler file" }} />}
      />,
      {
        title: "Functions",
        actions: (
          <>
            <a href="/web/functions/metrics/global">Metrics of all functions</a>
            {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
            <a href="/web/functions/create" role="button">
              New function
            </a>
          </>
        ),
      },
    );
  });

  // The switch of a row: `enabled` is "on" when switched on, absent when off.
  app.post("/toggle/:id", async (c) => {
    const values = await readForm(c);
    const fn = await deps.functions.setEnabled(c.req.param("id"), values.enabled === "on");
    return redirectWithFlash(c, "/web/functions", `Function "${fn.name}" ${fn.enabled ? "enabled" : "disabled"}.`);
  });

  return app;
}
