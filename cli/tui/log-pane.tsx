import { useInput } from "ink";
import { memo, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../../src/api-client.js";
import { LogLines } from "../log-lines.js";
import type { Style } from "../style.js";
import { actionOf } from "./keymap.js";
import { Lines } from "./lines.js";
import { linesBefore } from "./log-ring.js";
import { terminalSafe } from "./terminal-text.js";
import { useLogStream } from "./use-log-stream.js";

interface LogPaneProps {
  client: ApiClient;
  style: Style;
  color: boolean;
  /** One function's logs, or undefined for all. */
  functionId: string | undefined;
  scopeLabel: string;
  names: ReadonlyMap<string, string>;
  width: number;
  /** Lines available for log entries. */
  height: number;
  /** Whether keys are the pane's (pause, scroll), not a prompt's or an overlay's. */
  idle: () => boolean;
}

/**
 * Live log lines, newest at the bottom. Pausing (or scrolling back) pins the view to an entry
 * while new ones keep arriving into the bounded buffer; resuming jumps to the newest.
 */
export const LogPane = memo(function LogPane({ client, style, color, functionId, scopeLabel, names, width, height, idle }: LogPaneProps) {
  const { ring, lost, error } = useLogStream(client, functionId);
  /** The position the view ends at while paused; undefined while following the newest. */
  const [anchor, setAnchor] = useState<number>();
  const shownItems = useRef(1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another scope's stream starts over, following.
  useEffect(() => setAnchor(undefined), [functionId]);

  const lines = useMemo(
    () => new LogLines(style, (id) => names.get(id) ?? id.slice(0, 8), [...names.values()], { clock: true }),
    [style, names],
  );

  useInput((input, key) => {
    if (!idle()) return;
    const page = Math.max(1, shownItems.current);
    switch (actionOf(input, key)) {
      case "pause":
        setAnchor((current) => (current === undefined ? ring.end : undefined));
        break;
      case "pageUp":
        setAnchor((current) => Math.max(ring.first + 1, (current ?? ring.end) - page));
        break;
      case "pageDown":
        setAnchor((current) => (current === undefined ? undefined : Math.min(ring.end, current + page)));
        break;
      case "follow":
        setAnchor(undefined);
        break;
    }
  });

  const end = anchor ?? ring.end;
  const view = linesBefore(ring, end, height, (entry) =>
    lines
      .render(entry)
      .split("\n")
      .map((line) => terminalSafe(line, color)),
  );
  shownItems.current = view.items;
  let state = style.green("following");
  if (anchor !== undefined) state = style.yellow(`paused, ${ring.end - Math.min(anchor, ring.end)} newer (p resumes)`);
  if (lost) state = style.red("daemon lost, reconnecting…");
  if (error !== undefined) state = style.red(`stopped: ${error}`);
  const body =
    view.lines.length === 0 ? [style.dim("  no log entries yet; they appear when functions run (i invokes the selected one)")] : view.lines;
  return <Lines lines={[`${style.bold(`Logs · ${scopeLabel}`)} · ${state}`, ...body]} width={width} height={height + 1} />;
});
