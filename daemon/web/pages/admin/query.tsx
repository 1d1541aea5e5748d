/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { formatDuration } from "../../../../src/format.js";
import { type Cell, QueryError, type QueryLimits, type QueryResult } from "../../../db/read-only-query.js";
import { Form, TextArea } from "../../components/form.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { FormState, readForm } from "../../forms.js";
import { administratorsOnly } from "./administrators.js";

const TITLE = "SQL console";
const EXAMPLE = "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name";

const STATUS: Record<QueryError["reason"], ContentfulStatusCode> = { invalid: 400, busy: 429, timeout: 504, failed: 500 };

const count = (value: number) => value.toLocaleString("en");
const rows = (value: number) => `${count(value)} ${value === 1 ? "row" : "rows"}`;

const QueryForm = ({ form, limits }: { form: FormState; limits: QueryLimits }) => (
  <Form action="/web/query" form={form} submitLabel="Run">
    <TextArea
      form={form}
      name="sql"
      label="Query"
      rows={6}
      required
      hint={
        <>
          One SELECT, WITH … SELECT or EXPLAIN statement, e.g. <code>{EXAMPLE}</code>. It runs on a read-only connection: nothing here can
          change the database. At most {rows(limits.rowLimit)} are shown; a query stops after {formatDuration(limits.timeLimitMs)}.
        </>
      }
    />
  </Form>
);

const cellValue = (value: Cell) => (value === null ? <span class="muted">NULL</span> : String(value));

/** "3 rows in 12ms.", or also how many rows were cut off, and by which limit. */
function summary(result: QueryResult, limits: QueryLimits): string {
  const shown = `${rows(result.rows.length)} in ${formatDuration(result.elapsedMs)}`;
  const cut = result.totalRows - result.rows.length;
  if (cut === 0) return `${shown}.`;
  const more = `${result.totalIsExact ? "" : "at least "}${count(cut)} more ${cut === 1 ? "row was" : "rows were"} cut off`;
  const limit = result.rows.length === limits.rowLimit ? `the limit of ${rows(limits.rowLimit)}` : "the size limit of a result";
  return `${shown}; ${more} by ${limit}.`;
}

/** The rows as JSON objects, one per row, keyed by column name. */
const asJson = (result: QueryResult) =>
  JSON.stringify(
    result.rows.map((row) => Object.fromEntries(result.columns.map((column, index) => [column, row[index] ?? null]))),
    null,
    2,
  );

const Result = ({ result, limits }: { result: QueryResult; limits: QueryLimits }) => {
  const columns: Column<Cell[]>[] = result.columns.map((name, index) => ({
    label: name,
    cell: (row) => cellValue(row[index] ?? null),
  }));
  return (
    <section class="query-result" aria-label="Result">
      <h2>Result</h2>
      <p class="query-summary" role="status">
        {summary(result, limits)}
      </p>
      <Table columns={columns} rows={result.rows} empty={<EmptyState message="The query returned no rows." />} />
      <details class="query-json">
        <summary>JSON</summary>
        <pre>
          <code>{asJson(result)}</code>
        </pre>
      </details>
    </section>
  );
};

const Notes = () => (
  <p class="muted">
    For administrators: this shows the database as stored, so secret values, API key values and git tokens appear encrypted, and passwords
    only as hashes. Handy tables: functions, logs, metrics, settings; <code>PRAGMA</code> reads work as table functions, e.g.{" "}
    <code>SELECT * FROM pragma_table_info('functions')</code>.
  </p>
);

/** /web/query: a read-only SQL console for administrators, on the query module's own read-only connection. */
export function queryPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.use(administratorsOnly(deps, "use the SQL console"));
  const limits = deps.query.limits;

  const page = (form: FormState, result?: QueryResult) => (
    <>
      <QueryForm form={form} limits={limits} />
      {result && <Result result={result} limits={limits} />}
      <Notes />
    </>
  );

  app.get("/", (c) => {
    // The query typed next then need not wait for a process to start.
    deps.query.warmUp();
    return c.render(page(new FormState()), { title: TITLE });
  });

  app.post("/", async (c) => {
    const values = await readForm(c);
    const form = new FormState(values);
    try {
      const result = await deps.query.run(form.value("sql"));
      return c.render(page(form, result), { title: TITLE });
    } catch (error) {
      if (!(error instanceof QueryError)) throw error;
      c.status(STATUS[error.reason]);
      return c.render(page(new FormState(values, { fields: { sql: error.message } })), { title: TITLE });
    } finally {
      // Whoever ran one query is likely to run another.
      deps.query.warmUp();
    }
  });

  return app;
}
