import { useEffect, useState } from "react";
import type { ApiClient } from "../../src/api-client.js";
import type { FunctionDefinition, LogsBody, StoredLog } from "../../src/api-types.js";
import { LogLines } from "../log-lines.js";
import type { Style } from "../style.js";
import { Lines } from "./lines.js";
import { terminalSafe } from "./terminal-text.js";

interface ErrorsViewProps {
  client: ApiClient;
  fn: FunctionDefinition;
  style: Style;
  color: boolean;
  width: number;
  /** Rows of the overlay, its title included. */
  height: number;
}

const LIMIT = 50;

/** An overlay with the function's newest error-level log entries (GET /api/logs?level=error), newest at the bottom. */
export function ErrorsView({ client, fn, style, color, width, height }: ErrorsViewProps) {
  const [entries, setEntries] = useState<StoredLog[]>();
  const [failure, setFailure] = useState<string>();
  useEffect(() => {
    let current = true;
    client
      .get<LogsBody>("/api/logs", { query: { functionId: fn.id, level: "error", limit: LIMIT } })
      .then((body) => current && setEntries(body.data.logs.reverse()))
      .catch((error: unknown) => current && setFailure(error instanceof Error ? error.message : String(error)));
    return () => {
      current = false;
    };
  }, [client, fn.id]);

  let body: string[];
  if (failure !== undefined) body = [style.red(`cannot read the errors: ${failure}`)];
  else if (entries === undefined) body = [style.dim("loading…")];
  else if (entries.length === 0) body = [`No error-level entries are stored for '${fn.name}'.`];
  else {
    const lines = new LogLines(style, () => fn.name, [fn.name], { clock: true });
    const all = entries.flatMap((entry) => lines.render(entry).split("\n"));
    body = all.slice(Math.max(0, all.length - (height - 1))).map((line) => terminalSafe(line, color));
  }
  const count = entries === undefined ? "" : ` (${entries.length}${entries.length === LIMIT ? ", the newest" : ""})`;
  const title = style.inverse(style.bold(` Recent errors of '${fn.name}'${count} · Esc closes `));
  return <Lines lines={[title, ...body]} width={width} height={height} />;
}
