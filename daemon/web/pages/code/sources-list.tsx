/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Source, SourceStatusBody } from "../../../../src/api-types.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { gitTarget } from "./source-settings.js";
import { SyncStatus } from "./sync-status.js";
import { NEW_SOURCE_URL, sourceUrl } from "./urls.js";

type Row = { source: Source; status: SourceStatusBody };

const COLUMNS: Column<Row>[] = [
  { label: "Name", cell: ({ source }) => <a href={sourceUrl(source.id)}>{source.name}</a> },
  { label: "Type", cell: ({ source }) => source.type },
  { label: "Enabled", cell: ({ source }) => (source.enabled ? "yes" : "no") },
  { label: "Sync", cell: (row) => <SyncStatus {...row} /> },
  {
    label: "Repository",
    cell: ({ source }) =>
      source.type === "git" ? (
        <>
          <span class="break-anywhere">{String(source.typeSettings.url ?? "")}</span> <small class="muted">({gitTarget(source)})</small>
        </>
      ) : (
        <span class="muted">—</span>
      ),
  },
];

/** GET /web/code: every code source with its type and where its syncing stands. */
export function sourcesListPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.get("/", async (c) => {
    const sources = await deps.sources.list();
    const rows = await Promise.all(sources.map(async (source) => ({ source, status: await deps.sources.status(source.id) })));
    return c.render(
      <>
        <p>
          Each source is a directory of handler files under the code directory; a function's handler path starts with its source's name, as
          in <code>my-source/hello.ts</code>.
        </p>
        <Table
          columns={COLUMNS}
          rows={rows}
          empty={<EmptyState message="No code sources yet" action={{ href: NEW_SOURCE_URL, label: "create one" }} />}
        />
      </>,
      {
        title: "Code",
        actions: (
          // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
          <a href={NEW_SOURCE_URL} role="button">
            New source
          </a>
        ),
        scripts: ["sync-status.js"],
      },
    );
  });
  return app;
}
