/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { FunctionDefinition, StoredLog } from "../../../../src/api-types.js";
import { invalid } from "../../../domain-error.js";
import { decodeCursor, encodeCursor, type LogCursor } from "../../../logs/cursor.js";
import { type LogFilter, parseLogFilter } from "../../../logs/filter.js";
import type { LogQuery } from "../../../logs/query.js";
import { parseLimit } from "../../../logs/routes.js";
import { LOG_LEVELS } from "../../../logs/writer.js";
import { CheckboxGroup, Select } from "../../components/form.js";
import { EmptyState } from "../../components/table.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { FormState } from "../../forms.js";
import { logArgs, logTime, shortRequestId } from "./log-format.js";
import { functionPath } from "./paths.js";

const PAGE_SIZES = [50, 100, 250, 500, 1000];
const DEFAULT_PAGE_SIZE = 100;

/** What a logs page shows: the filter, the page size and where the page starts. */
interface View {
  fn: FunctionDefinition;
  levels: string[];
  requestId?: string;
  limit: number;
}

const cursorOf = (entry: StoredLog) =>
  encodeCursor({ timestamp: Date.parse(entry.timestamp), sequence: entry.sequence, id: Number(entry.id) });

/** A link to the page of `view` with `extra` (a cursor); the defaults are left out. */
function pageHref(view: View, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (view.levels.length > 0) params.set("level", view.levels.join(","));
  if (view.requestId) params.set("requestId", view.requestId);
  if (view.limit !== DEFAULT_PAGE_SIZE) params.set("limit", String(view.limit));
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const query = params.toString();
  return `${functionPath("logs", view.fn.id)}${query ? `?${query}` : ""}`;
}

/** The stream of the page's filter, resuming after the newest entry stored when the page was read. */
function streamUrl(filter: LogFilter, afterId: number): string {
  const params = new URLSearchParams({ functionId: filter.functionId ?? "" });
  if (filter.levels) params.set("level", filter.levels.join(","));
  if (filter.requestPrefix) params.set("requestId", filter.requestPrefix);
  params.set("lastEventId", String(afterId));
  return `/api/logs/stream?${params}`;
}

/** `after` cursors come from this page's own links, which always carry the entry's id. */
function newerCursor(text: string): Required<LogCursor> {
  const cursor = decodeCursor(text);
  if (cursor.id === undefined) throw invalid("Invalid cursor format");
  return { timestamp: cursor.timestamp, sequence: cursor.sequence, id: cursor.id };
}

interface Page {
  rows: StoredLog[];
  hasNewer: boolean;
  hasOlder: boolean;
}

/**
 * The page older than the `olderThan` cursor (the API's `cursor`), or the one just newer than
 * `newerThan` (this page's `after`); the newest page when neither is given, or when fewer than
 * a page's entries are newer.
 */
function readPage(logs: LogQuery, filter: LogFilter, limit: number, olderThan?: string, newerThan?: string): Page {
  if (newerThan !== undefined) {
    // One more than a page tells whether there are newer ones still.
    const newer = logs.newer(filter, limit + 1, newerCursor(newerThan));
    if (newer.length > limit) return { rows: newer.slice(1), hasNewer: true, hasOlder: true };
  }
  const cursor = newerThan === undefined && olderThan !== undefined ? decodeCursor(olderThan) : undefined;
  const page = logs.page(filter, limit + 1, cursor);
  return { rows: page.slice(0, limit), hasNewer: cursor !== undefined, hasOlder: page.length > limit };
}

const LogRow = ({ entry, requestHref }: { entry: StoredLog; requestHref: string }) => (
  <tr class={`log-${entry.level}`} data-id={entry.id}>
    <td class="log-time">
      <time datetime={entry.timestamp}>{logTime(entry.timestamp)}</time>
    </td>
    <td>
      <span class="log-level">{entry.level}</span>
    </td>
    <td>
      <a href={`${requestHref}${encodeURIComponent(entry.requestId)}`} title={`Only request ${entry.requestId}`}>
        <code>{shortRequestId(entry.requestId)}</code>
      </a>
    </td>
    <td class="log-message">
      {entry.message}
      {entry.args !== undefined && (
        <>
          {" "}
          <span class="log-args">{logArgs(entry)}</span>
        </>
      )}
    </td>
  </tr>
);

const FilterForm = ({ view }: { view: View }) => {
  const form = new FormState({ level: view.levels, limit: String(view.limit) });
  const sizes = PAGE_SIZES.includes(view.limit) ? PAGE_SIZES : [...PAGE_SIZES, view.limit].sort((a, b) => a - b);
  return (
    <form method="get" action={functionPath("logs", view.fn.id)} class="log-filter">
      {view.requestId && <input type="hidden" name="requestId" value={view.requestId} />}
      <div class="choices-inline">
        <CheckboxGroup form={form} name="level" label="Levels" options={LOG_LEVELS} hint="None ticked: every level." />
      </div>
      <div class="form-actions">
        <Select form={form} name="limit" label="Entries a page" options={sizes.map(String)} />
        <button type="submit">Show</button>
      </div>
    </form>
  );
};

/** /web/functions/logs/:id: a function's execution logs, newest first, a page at a time; the first page stays live. */
export function functionLogsPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/:id", async (c) => {
    const fn = await deps.functions.get(c.req.param("id"));
    // Checkboxes send `level` once per level; links send one comma-separated list.
    const levels = (c.req.queries("level") ?? []).flatMap((text) => text.split(",")).filter((level) => level.trim() !== "");
    const requestId = c.req.query("requestId") || undefined;
    const given: Record<string, string | undefined> = {
      functionId: fn.id,
      level: levels.length > 0 ? levels.join(",") : undefined,
      requestId,
    };
    // The API's rules and messages for the same parameters.
    const filter = await parseLogFilter(deps.functions, (name) => given[name]);
    const limitText = c.req.query("limit");
    const view: View = {
      fn,
      levels: filter.levels ? [...filter.levels] : [],
      requestId,
      limit: limitText ? parseLimit(limitText) : DEFAULT_PAGE_SIZE,
    };
    // Read before the page: an entry stored in between is then sent by the stream too, and the page script drops the twin.
    const lastId = deps.logs.lastId();
    const { rows, hasNewer, hasOlder } = readPage(deps.logs, filter, view.limit, c.req.query("cursor"), c.req.query("after"));
    const live = !hasNewer;
    const filtered = view.levels.length > 0 || view.requestId !== undefined;
    const requestHref = `${functionPath("logs", fn.id)}?requestId=`;
    const first = rows[0];
    const last = rows.at(-1);

    return c.render(
      <>
        <FilterForm view={view} />
        {view.requestId && (
          <p>
            Only request <code>{view.requestId}</code>. <a href={pageHref({ ...view, requestId: undefined })}>Show every request</a>
          </p>
        )}
        {live && (
          <p class="live-status" data-live-status hidden>
            Live
          </p>
        )}
        {rows.length === 0 && (
          <div data-log-empty>
            {hasNewer ? (
              <EmptyState message="No older entries" action={{ href: pageHref(view), label: "back to the newest" }} />
            ) : filtered ? (
              <EmptyState
                message="No entries match this filter"
                action={{ href: functionPath("logs", fn.id), label: "show every entry" }}
              />
            ) : (
              <EmptyState message={`No log entries yet: call /run${fn.route} on the function port and they appear here`} />
            )}
          </div>
        )}
        <div class="overflow-auto" data-log-table hidden={rows.length === 0}>
          <table class="striped log-table">
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">Level</th>
                <th scope="col">Request</th>
                <th scope="col">Message</th>
              </tr>
            </thead>
            <tbody data-log-stream={live ? streamUrl(filter, lastId) : undefined} data-request-href={requestHref}>
              {rows.map((entry) => (
                <LogRow key={entry.id} entry={entry} requestHref={requestHref} />
              ))}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {hasNewer && <a href={pageHref(view)}>Newest</a>}
          {hasNewer && first && (
            <a href={pageHref(view, { after: cursorOf(first) })} rel="prev">
              ← Newer
            </a>
          )}
          {hasOlder && last && (
            <a href={pageHref(view, { cursor: cursorOf(last) })} rel="next">
              Older →
            </a>
          )}
        </nav>
      </>,
      {
        title: `Logs of "${fn.name}"`,
        scripts: live ? ["functions.js"] : [],
        actions: (
          <>
            <a href={functionPath("metrics", fn.id)}>Metrics</a>
            <a href={functionPath("edit", fn.id)}>Edit</a>
            <a href="/web/functions">All functions</a>
          </>
        ),
      },
    );
  });

  return app;
}
