import { type LogRowEntry, logArgs, logTime, shortRequestId } from "../pages/functions/log-format.js";

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  node.append(...children);
  return node;
}

/** The row the server renders for an entry (pages/functions/logs.tsx LogRow), built with text nodes only. */
function logRow(entry: LogRowEntry, requestHref: string): HTMLTableRowElement {
  const time = element("time", "", logTime(entry.timestamp));
  time.dateTime = entry.timestamp;
  const request = element("a", "", element("code", "", shortRequestId(entry.requestId)));
  request.href = `${requestHref}${encodeURIComponent(entry.requestId)}`;
  request.title = `Only request ${entry.requestId}`;
  const message = element("td", "log-message", entry.message);
  if (entry.args !== undefined) message.append(" ", element("span", "log-args", logArgs(entry)));
  const row = element(
    "tr",
    `log-${entry.level} log-new`,
    element("td", "log-time", time),
    element("td", "", element("span", "log-level", entry.level)),
    element("td", "", request),
    message,
  );
  row.dataset.id = entry.id;
  return row;
}

/**
 * The first page of a function's logs follows GET /api/logs/stream (the session cookie signs
 * the request in): entries appear at the top as they are written. The stream resumes after the
 * newest entry stored when the page was read; an entry on the page already is not added twice.
 */
export function enableLiveLogs(): void {
  const body = document.querySelector<HTMLTableSectionElement>("tbody[data-log-stream]");
  const url = body?.dataset.logStream;
  if (!body || !url) return;
  const status = document.querySelector<HTMLElement>("[data-live-status]");
  const say = (text: string) => {
    if (!status) return;
    status.textContent = text;
    status.hidden = false;
  };
  const seen = new Set([...body.rows].map((row) => row.dataset.id));
  const source = new EventSource(url);
  source.addEventListener("open", () => say("Live: new entries appear at the top as they are written."));
  source.addEventListener("error", () =>
    say(source.readyState === EventSource.CLOSED ? "Live updates stopped: reload the page." : "Reconnecting…"),
  );
  source.addEventListener("message", (event) => {
    const entry = JSON.parse(event.data) as LogRowEntry;
    if (seen.has(entry.id)) return;
    seen.add(entry.id);
    body.prepend(logRow(entry, body.dataset.requestHref ?? ""));
    document.querySelector("[data-log-empty]")?.remove();
    const table = document.querySelector<HTMLElement>("[data-log-table]");
    if (table) table.hidden = false;
  });
}
