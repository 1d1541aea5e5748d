import { Box, useApp, useInput } from "ink";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { ApiClient } from "../../src/api-client.js";
import type { FunctionActivity, FunctionDefinition, FunctionsListBody, MetricsOverviewBody } from "../../src/api-types.js";
import { UsageError } from "../../src/errors.js";
import { styleFor } from "../style.js";
import { ErrorsView } from "./errors-view.js";
import { Footer } from "./footer.js";
import { FrameClock, FrameClockContext } from "./frame-clock.js";
import { functionRows, SORT_KEYS, type SortKey } from "./function-table.js";
import { FunctionsPane } from "./functions-pane.js";
import { Header } from "./header.js";
import { invokeOnce } from "./invoke.js";
import { actionOf } from "./keymap.js";
import { layout } from "./layout.js";
import { LogPane } from "./log-pane.js";
import { MetricsPane } from "./metrics-pane.js";
import { usePoll } from "./use-poll.js";
import { type Screen, useScreenSize } from "./use-screen-size.js";
import { useSyncedState } from "./use-synced-state.js";

export interface AppProps {
  client: ApiClient;
  /** Where the size comes from: process.stdout, or a stand-in of any size in tests. */
  screen: Screen;
  color: boolean;
  /** How often status, functions and their activity are read. */
  intervalMs: number;
  /** Selected at the start, with its logs shown. */
  initialFunctionId?: string;
  /** The beat of background updates; given by whoever learns how long frames take to draw. */
  clock?: FrameClock;
}

type Prompt = { kind: "filter" } | { kind: "confirm"; fn: FunctionDefinition; enable: boolean };

/** The chart moves by the minute: reading it as often as the status would only cost the daemon. */
const METRICS_MIN_INTERVAL_MS = 5000;

/**
 * The functions and their recent activity, read together so they are drawn once. Without the
 * activity (a daemon too old for the overview, or one failed read) the table still lists them.
 */
async function readFunctions(client: ApiClient): Promise<{ functions: FunctionDefinition[]; activity: FunctionActivity[] | undefined }> {
  const [list, overview] = await Promise.all([
    client.get<FunctionsListBody>("/api/functions"),
    client.get<MetricsOverviewBody>("/api/metrics/overview").catch(() => undefined),
  ]);
  return { functions: list.functions, activity: overview?.data.functions };
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `crude tui`: header, functions, metrics, logs and footer over the management API; keys act on the selected function. */
export function App(props: AppProps) {
  const clock = useMemo(() => props.clock ?? new FrameClock(), [props.clock]);
  useEffect(() => () => clock.stop(), [clock]);
  return (
    <FrameClockContext.Provider value={clock}>
      <Dashboard {...props} />
    </FrameClockContext.Provider>
  );
}

function Dashboard({ client, screen, color, intervalMs, initialFunctionId }: AppProps) {
  const { exit } = useApp();
  const style = useMemo(() => styleFor(color), [color]);
  const { columns, rows } = useScreenSize(screen);
  const functions = usePoll(() => readFunctions(client), intervalMs);
  const [sort, setSort] = useState<SortKey>("name");
  const [filter, setFilter] = useState("");
  const [prompt, setPrompt, livePrompt] = useSyncedState<Prompt | undefined>(undefined);
  const [overlay, setOverlay, liveOverlay] = useSyncedState<FunctionDefinition | undefined>(undefined);
  const [status, setStatus] = useState<string>();
  const [selectedId, setSelectedId, liveSelectedId] = useSyncedState(initialFunctionId);
  const [logsOfSelected, setLogsOfSelected] = useState(initialFunctionId !== undefined);

  const all = functions.data?.functions;
  const activity = functions.data?.activity;
  const tableRows = useMemo(() => functionRows(all ?? [], activity ?? [], filter, sort), [all, activity, filter, sort]);
  const selected = tableRows.find((row) => row.fn.id === selectedId)?.fn ?? tableRows[0]?.fn;
  // Stable while the names stay the same, so the log pane is not redrawn by every poll.
  const namesKey = (all ?? []).map((fn) => `${fn.id}:${fn.name}`).join("\n");
  // biome-ignore lint/correctness/useExhaustiveDependencies: namesKey stands for `all`'s names.
  const names = useMemo(() => new Map((all ?? []).map((fn) => [fn.id, fn.name])), [namesKey]);
  const logFunctionId = logsOfSelected ? (selected?.id ?? initialFunctionId) : undefined;

  const setEnabled = useCallback(
    async (fn: FunctionDefinition, enable: boolean) => {
      try {
        await client.put(`/api/functions/${encodeURIComponent(fn.id)}/${enable ? "enable" : "disable"}`);
        setStatus(`${enable ? "Enabled" : "Disabled"} function '${fn.name}'.`);
      } catch (error) {
        setStatus(style.red(`Could not ${enable ? "enable" : "disable"} '${fn.name}': ${messageOf(error)}`));
      }
      functions.refresh();
    },
    [client, style, functions.refresh],
  );

  const invoke = useCallback(
    async (fn: FunctionDefinition) => {
      setStatus(`Invoking '${fn.name}'…`);
      try {
        const done = await invokeOnce(client, fn);
        const outcome = `${done.status} ${done.statusText}`.trim();
        const text = `${done.method} ${done.path}: ${outcome} in ${Math.round(done.durationMs)} ms`;
        setStatus(done.status >= 200 && done.status < 300 ? style.green(text) : style.yellow(text));
      } catch (error) {
        setStatus(style.red(error instanceof UsageError ? error.message : `Could not invoke '${fn.name}': ${messageOf(error)}`));
      }
      functions.refresh();
    },
    [client, style, functions.refresh],
  );

  const idle = useCallback(() => livePrompt.current === undefined && liveOverlay.current === undefined, [livePrompt, liveOverlay]);

  // Ink may hand over a key before the previous one's update is drawn: the handler reads the
  // newest prompt, overlay and selection, and the rows last drawn.
  const drawnRows = useRef(tableRows);
  drawnRows.current = tableRows;

  useInput((input, key) => {
    const prompt = livePrompt.current;
    const overlay = liveOverlay.current;
    const tableRows = drawnRows.current;
    const selected = tableRows.find((row) => row.fn.id === liveSelectedId.current)?.fn ?? tableRows[0]?.fn;
    const move = (by: number) => {
      if (tableRows.length === 0) return;
      const index = Math.max(
        0,
        tableRows.findIndex((row) => row.fn.id === selected?.id),
      );
      setSelectedId(tableRows[Math.min(tableRows.length - 1, Math.max(0, index + by))].fn.id);
    };
    if (prompt?.kind === "filter") {
      if (key.return) setPrompt(undefined);
      else if (key.escape) {
        setFilter("");
        setPrompt(undefined);
      } else if (key.backspace || key.delete) setFilter((text) => text.slice(0, -1));
      else if (!key.ctrl && !key.meta && input && !/\p{Cc}/u.test(input)) setFilter((text) => text + input);
      return;
    }
    if (prompt?.kind === "confirm") {
      setPrompt(undefined);
      if (input === "y" || input === "Y") void setEnabled(prompt.fn, prompt.enable);
      else setStatus("Nothing changed.");
      return;
    }
    const action = actionOf(input, key);
    if (action === "quit") return exit();
    if (overlay !== undefined) {
      if (key.escape) setOverlay(undefined);
      return;
    }
    switch (action) {
      case "up":
        return move(-1);
      case "down":
        return move(1);
      case "sort":
        return setSort((current) => SORT_KEYS[(SORT_KEYS.indexOf(current) + 1) % SORT_KEYS.length]);
      case "filter":
        setFilter("");
        return setPrompt({ kind: "filter" });
      case "clearFilter":
        setFilter("");
        return setStatus(undefined);
      case "logScope":
        return setLogsOfSelected((one) => !one);
    }
    if (selected === undefined) return;
    if (action === "toggleEnabled") setPrompt({ kind: "confirm", fn: selected, enable: !selected.enabled });
    else if (action === "invoke") void invoke(selected);
    else if (action === "errors") setOverlay(selected);
  });

  const panes = layout(rows, all?.length ?? 0);
  let message = status;
  if (prompt?.kind === "filter") message = `${style.bold("Filter by name:")} ${filter}▏ ${style.dim("Enter keeps it, Esc clears it")}`;
  if (prompt?.kind === "confirm") {
    const what = prompt.enable
      ? `Enable function '${prompt.fn.name}'?`
      : `Disable function '${prompt.fn.name}'? /run will answer 404 for it.`;
    message = `${style.yellow(what)} ${style.bold("y/n")}`;
  }
  const lowerRows = panes.metricsRows + panes.logRows + 1;
  return (
    <Box flexDirection="column" width={columns} height={rows - 1}>
      <Header client={client} style={style} width={columns} intervalMs={intervalMs} />
      <FunctionsPane
        rows={tableRows}
        total={all?.length}
        selectedId={selected?.id}
        sort={sort}
        filter={filter}
        width={columns}
        height={panes.functionRows}
        style={style}
      />
      {overlay !== undefined && <ErrorsView client={client} fn={overlay} style={style} color={color} width={columns} height={lowerRows} />}
      {/* Hidden, not unmounted, under the overlay: the log stream and its pause survive it. */}
      <Box flexDirection="column" display={overlay === undefined ? "flex" : "none"}>
        {panes.metricsRows > 0 && (
          <MetricsPane client={client} style={style} width={columns} intervalMs={Math.max(intervalMs, METRICS_MIN_INTERVAL_MS)} />
        )}
        <LogPane
          client={client}
          style={style}
          color={color}
          functionId={logFunctionId}
          scopeLabel={logFunctionId === undefined ? "all functions" : (names.get(logFunctionId) ?? logFunctionId)}
          names={names}
          width={columns}
          height={panes.logRows}
          idle={idle}
        />
      </Box>
      <Footer width={columns} style={style} message={message} />
    </Box>
  );
}
