// Reading execution logs with 1 000 000 stored rows: p50/p99 of GET /api/logs?limit=100 for the
// first page and for a page 900 000 rows deep (by cursor), against the same query run directly
// on SQLite in this process (the bare baseline: what the API adds is HTTP, JSON and the
// function check), and against GET /api/health (the HTTP round trip alone). Contenders alternate
// request by request within each round.
import { mkdtempSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { startDaemon, stopAll } from "./functions.mjs";
import { call } from "./http.mjs";

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
const PER_ROUND = 200;
const FUNCTIONS = 20;

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** ROWS entries over FUNCTIONS functions, ten per request, a millisecond apart, as the writer stores them. */
function fill(databasePath, functionIds) {
  const db = new Database(databasePath);
  const insert = db.prepare(
    "INSERT INTO logs (request_id, function_id, level, message, args, sequence, timestamp) VALUES (?, ?, ?, ?, NULL, ?, ?)",
  );
  const start = Date.now() - ROWS;
  const batch = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const request = `${String(Math.floor(i / 10)).padStart(8, "0")}-0000-4000-8000-000000000000`;
      insert.run(
        request,
        functionIds[Math.floor(i / 10) % functionIds.length],
        i % 10 === 0 ? "exec_start" : "log",
        `line ${i} of the bench`,
        i % 50,
        start + i,
      );
    }
  });
  for (let from = 0; from < ROWS; from += 50_000) batch(from, Math.min(ROWS, from + 50_000));
  db.close();
}

export async function benchLogQuery({ crudeBin, rounds, median }) {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-logs-"));
  const dataDir = join(dir, "data");
  const env = { ...process.env, CRUDE_HOME: dataDir, CRUDE_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
  try {
    // Once to create the schema and the functions, then filled while it is stopped.
    let daemon = await startDaemon(crudeBin, dataDir, env);
    const functionIds = [];
    for (let i = 0; i < FUNCTIONS; i++) {
      const { text } = await call(daemon.socket, "POST", "/api/functions", {
        body: { name: `f${i}`, handler: `b/f${i}.ts`, route: `/f${i}`, methods: ["GET"] },
      });
      functionIds.push(JSON.parse(text).function.id);
    }
    await stopAll();
    const filling = process.hrtime.bigint();
    fill(join(dataDir, "crude.db"), functionIds);
    console.log(`\nlog queries: ${ROWS} rows stored in ${(ms(filling) / 1000).toFixed(1)} s`);
    daemon = await startDaemon(crudeBin, dataDir, env);

    const direct = new Database(join(dataDir, "crude.db"), { readonly: true });
    const columns = "SELECT id, request_id, function_id, level, message, args, sequence, timestamp FROM logs";
    const firstSql = direct.prepare(`${columns} ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT 101`);
    const deepRow = direct
      .prepare(`${columns} ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT 1 OFFSET ?`)
      .get(Math.floor(ROWS * 0.9));
    const deepSql = direct.prepare(
      `${columns} WHERE (timestamp, sequence, id) < (?, ?, ?) ORDER BY timestamp DESC, sequence DESC, id DESC LIMIT 101`,
    );
    const cursor = Buffer.from(
      JSON.stringify({ timestamp: new Date(deepRow.timestamp).toISOString(), sequence: deepRow.sequence, id: String(deepRow.id) }),
    ).toString("base64");
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const api = async (path, check = (body) => body.data.logs.length === 100) => {
      const start = process.hrtime.bigint();
      const { status, text } = await call(daemon.socket, "GET", path, { agent });
      if (status !== 200 || !check(JSON.parse(text))) throw new Error(`GET ${path} answered ${status}`);
      return ms(start);
    };
    const sql = (statement, ...params) => {
      const start = process.hrtime.bigint();
      const rows = statement.all(...params);
      // The API also turns rows into JSON: the baseline does too.
      JSON.stringify(rows);
      return ms(start);
    };
    const contenders = {
      "health, API": () => api("/api/health", () => true),
      "first page, API": () => api("/api/logs?limit=100"),
      "first page, SQLite": () => sql(firstSql),
      "deep page, API": () => api(`/api/logs?limit=100&cursor=${encodeURIComponent(cursor)}`),
      "deep page, SQLite": () => sql(deepSql, deepRow.timestamp, deepRow.sequence, deepRow.id),
    };
    const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
    const ratios = { first: [], deep: [] };
    for (let round = 0; round < rounds; round++) {
      const roundSamples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
      for (let i = 0; i < PER_ROUND; i++) {
        for (const [name, run] of Object.entries(contenders)) roundSamples[name].push(await run());
      }
      for (const name of Object.keys(contenders)) samples[name].push(...roundSamples[name]);
      ratios.first.push(median(roundSamples["first page, API"]) / median(roundSamples["first page, SQLite"]));
      ratios.deep.push(median(roundSamples["deep page, API"]) / median(roundSamples["deep page, SQLite"]));
    }
    direct.close();
    agent.destroy();
    for (const [name, values] of Object.entries(samples)) {
      console.log(`  ${name.padEnd(18)} p50 ${percentile(values, 50).toFixed(2)} ms, p99 ${percentile(values, 99).toFixed(2)} ms`);
    }
    const show = (values) => `${median(values).toFixed(2)}x (rounds: ${values.map((r) => r.toFixed(2)).join(" ")})`;
    console.log(`  API over SQLite at p50: first page ${show(ratios.first)}; deep page ${show(ratios.deep)}`);
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}
