import { EventEmitter } from "node:events";
import { stripVTControlCharacters } from "node:util";
import { render } from "ink-testing-library";
import { beforeAll, describe, expect, it } from "vitest";
import { App } from "../../cli/tui/app.js";
import type { ApiClient } from "../../src/api-client.js";
import type { FunctionBody, MetricsOverviewBody } from "../../src/api-types.js";
import { deferCleanup } from "../helpers/cleanup.js";
import { isolatedEnv, runCliInProcess } from "../helpers/cli.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";
import { call, daemonPerFile } from "../helpers/run.js";

const KEY = {
  down: "\u001b[B",
  up: "\u001b[A",
  pageUp: "\u001b[5~",
  pageDown: "\u001b[6~",
  escape: "\u001b",
  enter: "\r",
  backspace: "\u007f",
};

const TICK = `export default (c) => {
  console.log("tick " + (c.req.query("n") ?? ""));
  return c.text("ok");
};`;
const FLAKY = `export default (c) => {
  if (c.req.query("fail")) throw new Error("flaky broke on purpose");
  return c.text("ok");
};`;
const SLOW = `export default async (c) => {
  await new Promise((resolve) => setTimeout(resolve, 80));
  return c.text("ok");
};`;

/** A terminal of any size that can be resized, standing in for process.stdout. */
class TestScreen extends EventEmitter {
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit("resize");
  }
}

/**
 * The dashboard drawn into memory at a given size, polling fast, with helpers to type keys and
 * wait for what it shows; resolves once it shows the functions (keys typed before it listens are lost).
 */
async function dashboard(client: ApiClient, options: { columns?: number; rows?: number; color?: boolean } = {}) {
  const screen = new TestScreen(options.columns ?? 80, options.rows ?? 24);
  const ui = render(<App client={client} screen={screen} color={options.color ?? false} intervalMs={300} />);
  deferCleanup(() => ui.unmount());
  const frame = () => stripVTControlCharacters(ui.lastFrame() ?? "");
  const shows = (what: string | RegExp, timeoutMs = 15_000) =>
    eventually(
      `the dashboard to show ${what}; it shows:\n${frame()}`,
      () => {
        const text = frame();
        return (typeof what === "string" ? text.includes(what) : what.test(text)) ? text : undefined;
      },
      timeoutMs,
    );
  await shows(/Functions \(\d+/);
  return {
    ui,
    screen,
    frame,
    shows,
    /** Types keys, as a terminal sends them. */
    press: (...keys: string[]) => {
      for (const key of keys) ui.stdin.write(key);
    },
  };
}

/** The names of the function rows on screen, top to bottom. */
function rowNames(frame: string): string[] {
  return frame
    .split("\n")
    .map((line) => /^[› ] (\S+)\s+\/\S*\s/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined && name !== "name");
}

/** Types `/text` and Enter, waiting for the prompt in between. */
async function filterBy(d: Awaited<ReturnType<typeof dashboard>>, text: string): Promise<void> {
  d.press("/");
  await d.shows("Filter by name:");
  for (const char of text) d.press(char);
  await d.shows(`Filter by name: ${text}`);
  d.press(KEY.enter);
  await d.shows(`filter: ${text}`);
  await eventually("the prompt to close", () => (d.frame().includes("Filter by name:") ? undefined : true));
}

const daemon = daemonPerFile();
let t: TestDaemon;

beforeAll(async () => {
  t = daemon();
  await deployHandler(t, "a-tick", TICK);
  await deployHandler(t, "b-other", TICK);
  await deployHandler(t, "flaky", FLAKY);
});

describe("crude tui's dashboard against a real daemon", () => {
  it("fits 80×24: header with version, ports and workers, the functions table, metrics, logs and the key bindings", async () => {
    const d = await dashboard(t.socket);
    await d.shows(/› a-tick/);
    const text = await d.shows("● connected");
    const lines = text.split("\n");
    expect(lines.length).toBeLessThanOrEqual(23);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(text).toMatch(
      new RegExp(
        `^● connected crude ${t.status.version} · up [0-9hms ]+ · ports ${t.status.functionPort} /run, ${t.status.managementPort} /api$`,
        "m",
      ),
    );
    expect(text).toMatch(/workers 2 \(\d busy, \d idle\) · in flight \d+ · restarts 0/);
    expect(text).toMatch(/name\s+route\s+methods\s+on\s+1m\s+1h\s+avg\s+max\s+err\s+last hour/);
    expect(text).toMatch(/a-tick\s+\/a-tick\s+GET\s+on/);
    expect(text).toContain("Requests, last hour");
    expect(text).toContain("Logs · all functions · following");
    // The footer is the bottom: the key bindings in two lines.
    expect(lines.at(-2)).toMatch(/^q quit\s+↑↓\/jk select\s+s sort\s+\/ filter\s+l logs all\/one\s+p pause/);
    expect(lines.at(-1)).toMatch(/t on\/off\s+i invoke\s+e errors/);
  });

  it("shows log lines of real /run calls, for all functions or the selected one, and pauses and scrolls them", async () => {
    const d = await dashboard(t.socket);
    await d.shows("Logs · all functions");
    expect((await call(t, "GET", "/run/b-other?n=from-other")).status).toBe(200);
    expect((await call(t, "GET", "/run/a-tick?n=first")).status).toBe(200);
    await d.shows(/log\s+a-tick\s+[0-9a-f]{8} tick first/);
    await d.shows(/log\s+b-other\s+[0-9a-f]{8} tick from-other/);

    await filterBy(d, "a-tick");
    d.press("l");
    await d.shows("Logs · a-tick · following");
    // A fresh stream of one function: its history, without the other's lines.
    await d.shows("tick first");
    expect(d.frame()).not.toContain("tick from-other");
    expect((await call(t, "GET", "/run/b-other?n=other-again")).status).toBe(200);
    expect((await call(t, "GET", "/run/a-tick?n=second")).status).toBe(200);
    await d.shows("tick second");
    expect(d.frame()).not.toContain("other-again");

    d.press("p");
    await d.shows("paused, 0 newer (p resumes)");
    expect((await call(t, "GET", "/run/a-tick?n=while-paused")).status).toBe(200);
    // start, log and end of that request arrive while the view stays put.
    await d.shows("paused, 3 newer (p resumes)");
    expect(d.frame()).not.toContain("while-paused");
    d.press("p");
    await d.shows("tick while-paused");
    await d.shows("Logs · a-tick · following");

    // PgUp pins the view further back; PgDn and G (follow) come back.
    for (let i = 0; i < 4; i++) expect((await call(t, "GET", `/run/a-tick?n=more-${i}`)).status).toBe(200);
    await d.shows("tick more-3");
    d.press(KEY.pageUp);
    await d.shows(/paused, \d+ newer/);
    expect(d.frame()).not.toContain("tick more-3");
    d.press(KEY.pageDown, KEY.pageDown, KEY.pageDown, KEY.pageDown);
    await d.shows("tick more-3");
    d.press("G");
    await d.shows("Logs · a-tick · following");

    d.press("l");
    await d.shows("Logs · all functions · following");
    d.press(KEY.escape);
    await eventually("the filter to clear", () => (d.frame().includes("filter:") ? undefined : true));
    await d.shows("› a-tick");
    await d.shows(/ b-other /);
  });

  it("filters by name with /, clears with Esc, and cycles the sort through requests, latency and errors", async () => {
    const ids: Record<string, string> = {
      "sort-a": await deployHandler(t, "sort-a", FLAKY),
      "sort-b": await deployHandler(t, "sort-b", TICK),
      "sort-c": await deployHandler(t, "sort-c", SLOW),
    };
    // requests: b 3, c 2, a 1; latency: c is slowest; errors: only a failed.
    expect((await call(t, "GET", "/run/sort-a?fail=1")).status).toBe(500);
    for (let i = 0; i < 3; i++) expect((await call(t, "GET", "/run/sort-b")).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await call(t, "GET", "/run/sort-c")).status).toBe(200);
    await eventually("the overview to count every call", async () => {
      const { data } = await t.socket.get<MetricsOverviewBody>("/api/metrics/overview");
      const hour = (name: string) => data.functions.find((f) => f.functionId === ids[name])?.lastHour;
      return hour("sort-a")?.errors === 1 && hour("sort-b")?.count === 3 && hour("sort-c")?.count === 2 ? true : undefined;
    });

    const d = await dashboard(t.socket);
    await d.shows("sort-c");
    const total = /Functions \((\d+)\)/.exec(await d.shows(/Functions \(\d+\)/))?.[1];
    d.press("/");
    await d.shows("Filter by name:");
    for (const char of "sort-x") d.press(char);
    await d.shows("No function name contains 'sort-x'. Esc clears the filter.");
    d.press(KEY.backspace);
    await d.shows("Filter by name: sort-▏");
    d.press(KEY.enter);
    await eventually("the prompt to close", () => (d.frame().includes("Filter by name:") ? undefined : true));
    await d.shows(`Functions (3 of ${total}) · sort: name · filter: sort-`);
    expect(rowNames(d.frame())).toEqual(["sort-a", "sort-b", "sort-c"]);

    d.press("s");
    await d.shows("sort: requests");
    await eventually("rows by requests", () => (rowNames(d.frame()).join() === "sort-b,sort-c,sort-a" ? true : undefined));
    d.press("s");
    await d.shows("sort: latency");
    await eventually("rows by latency", () => (rowNames(d.frame())[0] === "sort-c" ? true : undefined));
    d.press("s");
    await d.shows("sort: errors");
    await eventually("rows by errors", () => (rowNames(d.frame()).join() === "sort-a,sort-b,sort-c" ? true : undefined));
    expect(d.frame()).toMatch(/sort-a\s.*\s1 [▁-█]+$/m);
    d.press("s");
    await d.shows("sort: name");

    // Selection moves with the arrows and j/k, within the filtered rows.
    d.press(KEY.down);
    await d.shows("› sort-b");
    d.press("j", "j");
    await d.shows("› sort-c");
    d.press("k");
    await d.shows("› sort-b");
    d.press(KEY.up);
    await d.shows("› sort-a");

    d.press(KEY.escape);
    await d.shows(`Functions (${total}) · sort: name`);
  });

  it("disables and enables the selected function after a y/n confirmation, as the API then shows", async () => {
    const id = await deployHandler(t, "toggle-me", TICK);
    const enabled = async () => (await t.socket.get<FunctionBody>(`/api/functions/${id}`)).function.enabled;
    const d = await dashboard(t.socket);
    await filterBy(d, "toggle-me");
    await d.shows(/› toggle-me\s+\/toggle-me\s+GET\s+on /);

    d.press("t");
    await d.shows("Disable function 'toggle-me'? /run will answer 404 for it. y/n");
    d.press("n");
    await d.shows("Nothing changed.");
    expect(await enabled()).toBe(true);

    d.press("t");
    await d.shows("Disable function 'toggle-me'?");
    d.press("y");
    await d.shows("Disabled function 'toggle-me'.");
    expect(await enabled()).toBe(false);
    await d.shows(/› toggle-me\s+\/toggle-me\s+GET\s+off /);
    expect((await call(t, "GET", "/run/toggle-me")).status).toBe(404);

    d.press("t");
    await d.shows("Enable function 'toggle-me'? y/n");
    d.press("y");
    await d.shows("Enabled function 'toggle-me'.");
    expect(await enabled()).toBe(true);
    await d.shows(/› toggle-me\s+\/toggle-me\s+GET\s+on /);
    expect((await call(t, "GET", "/run/toggle-me")).status).toBe(200);
  });

  it("opens the selected function's recent errors in an overlay, closes it with Esc, and invokes it once", async () => {
    await deployHandler(t, "needs-id", TICK, { route: "/needs-id/:id" });
    expect((await call(t, "GET", "/run/flaky?fail=1")).status).toBe(500);
    await eventually("the error entry", async () => {
      const { data } = await t.socket.get<{ data: { logs: unknown[] } }>("/api/logs", { query: { level: "error", limit: 5 } });
      return data.logs.length > 0 ? true : undefined;
    });
    const d = await dashboard(t.socket);
    await filterBy(d, "flaky");
    d.press("e");
    await d.shows(/Recent errors of 'flaky' \(\d+\) · Esc closes/);
    await d.shows(/error\s+flaky\s+[0-9a-f]{8} .*flaky broke on purpose/);
    expect(d.frame()).not.toContain("Logs ·");
    for (const line of d.frame().split("\n")) expect(line.length).toBeLessThanOrEqual(80);
    d.press(KEY.escape);
    await d.shows("Logs · all functions");
    expect(d.frame()).not.toContain("Recent errors");

    d.press("i");
    await d.shows(/GET \/run\/flaky: 200 OK in \d+ ms/);

    // A route with a parameter cannot be called without one: a clear message, nothing sent.
    d.press(KEY.escape);
    await eventually("the filter to clear", () => (d.frame().includes("filter:") ? undefined : true));
    await filterBy(d, "needs-id");
    d.press("i");
    await d.shows("'needs-id' needs route parameters; try crude functions invoke needs-id --param");
  });

  it("draws colours only when they are on: no escape codes at all with NO_COLOR / --no-color", async () => {
    expect((await call(t, "GET", "/run/a-tick?n=colour")).status).toBe(200);
    const coloured = await dashboard(t.socket, { color: true });
    await coloured.shows("tick colour");
    await coloured.shows("● connected");
    expect(coloured.ui.lastFrame()).toContain("\u001b[");

    const plain = await dashboard(t.socket, { color: false });
    await plain.shows("tick colour");
    await plain.shows("● connected");
    await plain.shows("Requests, last hour ·");
    for (const frame of plain.ui.frames) expect(frame).not.toContain("\u001b");
  });

  it("redraws for the new size when the terminal is resized", async () => {
    const d = await dashboard(t.socket);
    await d.shows("› a-tick");
    const sparkWidth = (frame: string) => /› a-tick.* ([▁-█]+)$/m.exec(frame)?.[1].length ?? 0;
    await eventually("a sparkline", () => (sparkWidth(d.frame()) > 0 ? true : undefined));
    const narrow = sparkWidth(d.frame());

    d.screen.resize(140, 40);
    await eventually("a wider sparkline", () => (sparkWidth(d.frame()) > narrow ? true : undefined));
    const wide = d.frame().split("\n");
    expect(wide.length).toBeLessThanOrEqual(39);
    expect(Math.max(...wide.map((line) => line.length))).toBeGreaterThan(80);
    for (const line of wide) expect(line.length).toBeLessThanOrEqual(140);

    d.screen.resize(60, 18);
    await eventually("the narrow frame", () =>
      d
        .frame()
        .split("\n")
        .every((line) => line.length <= 60)
        ? true
        : undefined,
    );
    expect(d.frame().split("\n").length).toBeLessThanOrEqual(17);
    // Too short for the chart: functions and logs keep their room.
    expect(d.frame()).not.toContain("Requests, last hour");
    expect(d.frame()).toContain("Logs ·");
  });
});

describe("crude tui when the daemon goes away", () => {
  it("shows disconnected while the daemon is down and recovers by itself when it is back", async () => {
    const own = await startTestDaemon();
    await deployHandler(own, "ping", TICK);
    const d = await dashboard(own.socket);
    await d.shows("● connected");
    await d.shows("› ping");

    await own.daemon.stop();
    await d.shows("✖ disconnected, retrying");
    await d.shows("daemon lost, reconnecting…");
    // What was last seen stays up meanwhile.
    expect(d.frame()).toContain("› ping");

    const again = await startTestDaemon({ dataDir: own.dataDir });
    await d.shows("● connected", 30_000);
    await d.shows("Logs · all functions · following", 30_000);
    expect((await call(again, "GET", "/run/ping?n=after-restart")).status).toBe(200);
    await d.shows("tick after-restart", 30_000);
  });
});

describe("crude tui on the command line", () => {
  it("refuses to start without a terminal, with a hint for pipes", async () => {
    const result = await runCliInProcess(["tui"], { env: isolatedEnv({ CRUDE_HOME: t.dataDir }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("crude: the dashboard needs a terminal; for pipes and scripts use crude logs --follow and crude metrics\n");
    expect(result.stdout).toBe("");
  });

  it.each(["0s", "100ms", "2m", "fast", "2"])("refuses --interval %s", async (interval) => {
    const result = await runCliInProcess(["tui", "--interval", interval], { env: isolatedEnv({ CRUDE_HOME: t.dataDir }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--interval takes a duration from 500ms to 60s, such as 2s or 750ms, not '${interval}'`);
  });
});
