import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeCursor } from "../../daemon/logs/cursor.js";
import { PACKAGE_ROOT } from "../../src/package.js";
import { adminSession } from "../helpers/chromium.js";
import { detachCleanups } from "../helpers/cleanup.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { createFunction } from "../helpers/functions.js";

/**
 * The function and logs pages on a daemon with 100 functions and 1 000 000 log rows: half of
 * them of one busy function, the rest spread over the 99 others. The pages must show the right
 * rows at any depth; how long each took is printed (measured, never asserted: machines differ).
 */
const FUNCTIONS = 100;
const ROWS = 1_000_000;
/** Rows stored per transaction, so the daemon's own writes are never held back for long. */
const CHUNK = 100_000;
/** One entry in this many is an error (all of the busy function's): a rare level, whose filter reads the function's whole index range. */
const ERROR_EVERY = 10_000;
const RUNS = 5;

let t: TestDaemon;
let stopDaemon: () => Promise<void>;
let cookie: string;
let ids: string[];

/** Every even row is the busy function's, the odd ones go round the others; a request is four rows, as a call writes them. */
const FILL_SQL = `
  WITH RECURSIVE n(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM n WHERE i < @to - 1)
  INSERT INTO logs (request_id, function_id, level, message, args, sequence, timestamp)
  SELECT printf('%08x-0000-4000-8000-%012x', i / 4, i / 4),
    (SELECT id FROM fns WHERE fns.n = CASE WHEN i % 2 = 0 THEN 0 ELSE 1 + (i / 2) % ${FUNCTIONS - 1} END),
    CASE WHEN i % ${ERROR_EVERY} = 2 THEN 'error' ELSE
      CASE i % 4 WHEN 0 THEN 'exec_start' WHEN 1 THEN 'log' WHEN 2 THEN 'warn' ELSE 'exec_end' END END,
    'line ' || i, CASE WHEN i % 4 = 1 THEN '["arg"]' END, i % 50, @start + i
  FROM n`;

/** Run by a child process: the daemon in this one keeps its event loop (its workers' watchdog and idle connections need it). */
const FILL_SCRIPT = `
  const [path, sql, ids, rows, chunk, start] = process.argv.slice(1);
  const db = new (require("better-sqlite3"))(path);
  db.pragma("busy_timeout = 10000");
  db.exec("CREATE TEMP TABLE fns (n INTEGER PRIMARY KEY, id TEXT NOT NULL)");
  db.prepare("INSERT INTO fns SELECT key, value FROM json_each(?)").run(ids);
  const insert = db.prepare(sql);
  for (let from = 0; from < Number(rows); from += Number(chunk))
    db.transaction(() => insert.run({ from, to: from + Number(chunk), start: Number(start) }))();
  db.close();`;

async function fill(dataDir: string): Promise<void> {
  const args = [join(dataDir, "crude.db"), FILL_SQL, JSON.stringify(ids), String(ROWS), String(CHUNK), String(Date.now() - ROWS - 60_000)];
  await promisify(execFile)(process.execPath, ["-e", FILL_SCRIPT, ...args], { cwd: PACKAGE_ROOT });
}

/** The busy function's entry `offset` rows deep in the reading order, as a page cursor. */
function cursorAt(dataDir: string, offset: number): string {
  const db = new Database(join(dataDir, "crude.db"), { readonly: true });
  try {
    const row = db
      .prepare(
        "SELECT id, sequence, timestamp FROM logs WHERE function_id = ? ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT 1 OFFSET ?",
      )
      .get(ids[0], offset) as { id: number; sequence: number; timestamp: number };
    return encodeCursor({ timestamp: row.timestamp, sequence: row.sequence, id: row.id });
  } finally {
    db.close();
  }
}

/**
 * Fetches a page RUNS times after a warm-up; answers its HTML, and the median and slowest of the
 * wall-clock time and of the CPU time this process spent (the daemon runs in it): the CPU time
 * is what the page costs, the wall time adds whatever else the machine is busy with.
 */
async function measure(path: string): Promise<{ html: string; median: number; max: number; cpu: number }> {
  const get = async () => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    const response = await fetch(`${t.managementUrl}${path}`, { headers: { cookie } });
    const html = await response.text();
    const ms = performance.now() - started;
    const used = process.cpuUsage(cpu);
    expect([path, response.status]).toEqual([path, 200]);
    return { html, ms, cpuMs: (used.user + used.system) / 1000 };
  };
  const { html } = await get();
  const runs: { ms: number; cpuMs: number }[] = [];
  for (let run = 0; run < RUNS; run++) runs.push(await get());
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(RUNS / 2)] as number;
  return {
    html,
    median: median(runs.map((run) => run.ms)),
    max: Math.max(...runs.map((run) => run.ms)),
    cpu: median(runs.map((run) => run.cpuMs)),
  };
}

const logRows = (html: string) => html.match(/<tr class="log-/g)?.length ?? 0;
const rowIds = (html: string) => [...html.matchAll(/<tr class="log-[a-z_]+" data-id="(\d+)"/g)].map((match) => Number(match[1]));
const timings: string[] = [];
const report = (name: string, result: { median: number; max: number; cpu: number }) =>
  timings.push(
    `${name.padEnd(48)} wall median ${result.median.toFixed(1).padStart(7)} ms, max ${result.max.toFixed(1).padStart(7)} ms; CPU median ${result.cpu.toFixed(1).padStart(6)} ms`,
  );

beforeAll(async () => {
  ({ value: t, cleanup: stopDaemon } = await detachCleanups(() => startTestDaemon()));
  const session = await adminSession(t.managementUrl);
  cookie = session.map(({ name, value }) => `${name}=${value}`).join("; ");
  ids = [];
  for (let n = 0; n < FUNCTIONS; n++) {
    const { function: fn } = await createFunction(t, {
      name: `fn-${String(n).padStart(3, "0")}`,
      handler: `demo/f${n}.ts`,
      route: `/f${n}`,
    });
    ids.push(fn.id);
  }
  const started = performance.now();
  await fill(t.dataDir);
  timings.push(`(${ROWS} log rows stored in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}, 180_000);
afterAll(async () => {
  console.log(`web pages with ${FUNCTIONS} functions and ${ROWS} log rows:\n${timings.join("\n")}`);
  await stopDaemon?.();
});

describe(`${FUNCTIONS} functions and ${ROWS} log rows`, () => {
  it("the function list shows every function with its switch", async () => {
    const list = await measure("/web/functions");
    report("/web/functions", list);
    expect(list.html.match(/data-auto-submit/g)?.length).toBe(FUNCTIONS);
  });

  it("a logs page shows the right rows, first, deep and newer, at every page size and filter", async () => {
    const busy = `/web/functions/logs/${ids[0]}`;
    const first = await measure(busy);
    report("logs, busy function (500 000 rows), first page", first);
    expect(logRows(first.html)).toBe(100);
    const largest = await measure(`${busy}?limit=1000`);
    report("logs, busy function, 1000 a page", largest);
    expect(logRows(largest.html)).toBe(1000);
    expect(rowIds(largest.html).slice(0, 100)).toEqual(rowIds(first.html));

    const deepCursor = cursorAt(t.dataDir, 400_000);
    const deep = await measure(`${busy}?cursor=${encodeURIComponent(deepCursor)}`);
    report("logs, busy function, 400 000 rows deep", deep);
    expect(logRows(deep.html)).toBe(100);
    const newer = await measure(`${busy}?after=${encodeURIComponent(cursorAt(t.dataDir, 400_101))}`);
    report("logs, busy function, newer page 400 000 deep", newer);
    // The page newer than the entry right after the deep page is the deep page again.
    expect(rowIds(newer.html)).toEqual(rowIds(deep.html));

    const warn = await measure(`${busy}?level=warn`);
    report("logs, busy function, level=warn", warn);
    expect(new Set(warn.html.match(/<tr class="log-[a-z_]+/g))).toEqual(new Set(['<tr class="log-warn']));
    const rare = await measure(`${busy}?level=error`);
    report("logs, busy function, level=error (rare)", rare);
    expect(logRows(rare.html)).toBe(ROWS / ERROR_EVERY);

    const small = await measure(`/web/functions/logs/${ids[1]}`);
    report("logs, one of the 99 others (~5 000 rows)", small);
    expect(logRows(small.html)).toBe(100);
  });
});
