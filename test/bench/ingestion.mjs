// Log ingestion under load: GET /run/chatty, a handler writing ten console lines per request,
// against GET /run/quiet, the same handler without them (the bare baseline), driven by
// autocannon for BENCH_DURATION seconds each, interleaved over rounds with the order rotating.
// Reports the lines stored per second, the lines lost (every request the daemon completed has
// an exec_end row and must have its ten lines: 0 lost), and the request throughput ratio.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import Database from "better-sqlite3";
import { startDaemon, stopAll } from "./functions.mjs";
import { api, call } from "./http.mjs";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const LINES = 10;
/** Stored rows unchanged for this long: the daemon has written everything of a run. */
const SETTLED_MS = 500;
const SETTLE_LIMIT_MS = 60_000;

const CHATTY = `export default (c) => {
  for (let i = 0; i < ${LINES}; i++) console.log("line", i, c.req.path);
  return c.json({ message: "hello" });
};\n`;
const QUIET = 'export default (c) => c.json({ message: "hello" });\n';
/** The contenders and the console lines each writes per request. */
const LINES_PER_REQUEST = { chatty: LINES, quiet: 0 };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value, digits = 2) => value.toFixed(digits);

async function setUp(daemon) {
  const { socket } = daemon;
  const source = await api(socket, "POST", "/api/sources", { name: "ingest", type: "manual" });
  await api(socket, "PUT", `/api/sources/${source.id}/files/chatty.ts`, { content: CHATTY });
  await api(socket, "PUT", `/api/sources/${source.id}/files/quiet.ts`, { content: QUIET });
  // Trimming would delete what a run is counted by.
  await api(socket, "PUT", "/api/settings", { settings: { "log.trimming.interval-seconds": "86400" } });
  const ids = {};
  for (const name of Object.keys(LINES_PER_REQUEST)) {
    const { function: fn } = await api(socket, "POST", "/api/functions", {
      name,
      handler: `ingest/${name}.ts`,
      route: `/${name}`,
      methods: ["GET"],
    });
    ids[name] = fn.id;
    const deadline = Date.now() + 10_000;
    while ((await call(daemon.functions, "GET", `/run/${name}`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`/run/${name} does not answer 200`);
      await sleep(50);
    }
  }
  return ids;
}

/** Lines and completed requests of `functionId` stored after row `afterId` (a range of the primary key). */
function counter(db) {
  const statement = db.prepare(
    "SELECT level, COUNT(*) AS n FROM logs WHERE id > ? AND function_id = ? AND level IN ('log', 'exec_end') GROUP BY level",
  );
  return (afterId, functionId) => {
    const counts = { log: 0, exec_end: 0 };
    for (const { level, n } of statement.all(afterId, functionId)) counts[level] = n;
    return counts;
  };
}

/** Polls until the counts have not changed for SETTLED_MS; resolves with them and when they last changed. */
async function settled(count) {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  let last = count();
  let changedAt = process.hrtime.bigint();
  let stableSince = Date.now();
  while (Date.now() - stableSince < SETTLED_MS) {
    if (Date.now() > deadline) throw new Error(`stored logs still changing ${SETTLE_LIMIT_MS} ms after the run`);
    await sleep(50);
    const now = count();
    if (now.log !== last.log || now.exec_end !== last.exec_end) {
      last = now;
      changedAt = process.hrtime.bigint();
      stableSince = Date.now();
    }
  }
  return { ...last, changedAt };
}

async function drive(daemon, db, functionId, name, count) {
  const afterId = db.prepare("SELECT COALESCE(MAX(id), 0) FROM logs").pluck().get();
  const started = process.hrtime.bigint();
  const result = await autocannon({
    url: `http://127.0.0.1:${daemon.functions.port}/run/${name}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
  });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) throw new Error(`${name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  const stored = await settled(() => count(afterId, functionId));
  const seconds = Number(stored.changedAt - started) / 1e9;
  return {
    rps: result.requests.average,
    lines: stored.log,
    completed: stored.exec_end,
    linesPerSecond: stored.log / seconds,
    lost: stored.exec_end * LINES_PER_REQUEST[name] - stored.log,
  };
}

export async function benchIngestion({ crudeBin, rounds, median }) {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-ingest-"));
  const dataDir = join(dir, "data");
  const env = { ...process.env, CRUDE_HOME: dataDir, CRUDE_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
  let db;
  try {
    const daemon = await startDaemon(crudeBin, dataDir, env);
    const ids = await setUp(daemon);
    db = new Database(join(dataDir, "crude.db"), { readonly: true });
    const count = counter(db);
    const names = Object.keys(LINES_PER_REQUEST);
    for (const name of names) await drive(daemon, db, ids[name], name, count);
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const results = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        results[name] = await drive(daemon, db, ids[name], name, count);
      }
      perRound.push(results);
      process.stderr.write(`ingestion round ${round + 1}/${rounds} done\n`);
    }

    console.log(
      `\nlog ingestion: GET /run/chatty (${LINES} console lines per request) vs /run/quiet (none), ${CONNECTIONS} connections x ${DURATION_S} s per run, ${rounds} rounds`,
    );
    for (const [index, { chatty, quiet }] of perRound.entries()) {
      console.log(
        `  round ${index + 1}: chatty ${fmt(chatty.rps, 0)} req/s, ${fmt(chatty.linesPerSecond, 0)} lines stored/s, ${chatty.lost} lost of ${chatty.lines + chatty.lost} | quiet ${fmt(quiet.rps, 0)} req/s`,
      );
    }
    const ratios = perRound.map(({ chatty, quiet }) => chatty.rps / quiet.rps);
    const lost = perRound.reduce((sum, { chatty }) => sum + chatty.lost, 0);
    console.log(`  lines stored per second: median ${fmt(median(perRound.map(({ chatty }) => chatty.linesPerSecond)), 0)}`);
    console.log(
      `  lines lost: ${lost} of ${perRound.reduce((sum, { chatty }) => sum + chatty.lines + chatty.lost, 0)}${lost === 0 ? "" : " — MUST BE 0"}`,
    );
    console.log(`  request throughput with logging vs without: ${fmt(median(ratios))}x (rounds: ${ratios.map((r) => fmt(r)).join(" ")})`);
  } finally {
    db?.close();
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
