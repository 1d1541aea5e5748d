#!/usr/bin/env node
// crude's benchmarks: each contender is measured against a bare baseline in the same run,
// interleaved over several rounds (this machine's speed drifts between rounds), and the
// median of the per-round ratios is reported. Run with `npm run bench`, which builds first.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CRUDE = join(ROOT, "bin", "crude");

import { benchFunctions } from "./functions.mjs";
import { benchIngestion } from "./ingestion.mjs";
import { benchLogQuery } from "./logs-query.mjs";
import { benchRotation } from "./rotation.mjs";
import { benchTui } from "./tui.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
// BENCH_ONLY=cli,keys,rotation,functions,logs,log-query,ingestion,tui picks parts; all by default.
const ONLY = new Set((process.env.BENCH_ONLY ?? "cli,keys,rotation,functions,logs,log-query,ingestion,tui").split(","));
const RUNS_PER_ROUND = Number(process.env.BENCH_RUNS ?? 5);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function timeCommand(args, env) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "pipe"] });
  if (result.status !== 0) throw new Error(`${args.join(" ")} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function get(socketPath, path) {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });
}

async function waitUntilAnswering(socketPath, limitMs = 15_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if ((await get(socketPath, "/api/health").catch(() => 0)) === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`nothing answered on ${socketPath} within ${limitMs} ms`);
}

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match[1]) * 1024;
}

/** Starts a process that serves /api/health on `socketPath`; resolves with its pid, ms until it answered, and a stop. */
async function startServer(args, env, socketPath) {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, args, { env, stdio: "ignore" });
  await waitUntilAnswering(socketPath);
  const readyMs = Number(process.hrtime.bigint() - start) / 1e6;
  return {
    pid: child.pid,
    readyMs,
    stop: () =>
      new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

// The bare baseline server: node:http on a Unix socket, no framework, no database.
const BARE_SERVER = `
const http = require("node:http"); const fs = require("node:fs");
const path = process.argv[1]; try { fs.unlinkSync(path); } catch {}
const server = http.createServer((req, res) => { res.setHeader("content-type", "application/json"); res.end('{"status":"ok"}'); });
server.listen(path); process.on("SIGTERM", () => server.close(() => process.exit(0)));`;

const BARE_CLIENT = `
const req = require("node:http").request({ socketPath: process.argv[1], path: "/api/settings", agent: false }, (res) => { res.pipe(process.stdout); });
req.end();`;

const ms = (value) => `${value.toFixed(1)} ms`;
const mib = (value) => `${(value / 1024 / 1024).toFixed(1)} MiB`;

/** What is reported: each contender against its baseline, per round, in the same run. */
const COMPARISONS = [
  { title: "crude --version vs `node -e 0`", crude: "version", base: "bareNode", baseName: "bare node", unit: ms },
  {
    title: "crude settings list vs a bare node:http GET /api/settings on the same socket",
    crude: "list",
    base: "bareRequest",
    baseName: "bare request",
    unit: ms,
  },
  {
    title: "daemon cold start to healthy vs a bare node:http server on a Unix socket",
    crude: "start",
    base: "bareStart",
    baseName: "bare server",
    unit: ms,
  },
  { title: "idle RSS of the daemon vs the bare server", crude: "rss", base: "bareRss", baseName: "bare server", unit: mib },
];

function report(perRound) {
  console.log(`\ncrude benchmarks: ${ROUNDS} rounds x ${RUNS_PER_ROUND} runs, median of per-round ratios, Node ${process.version}`);
  for (const { title, crude, base, baseName, unit } of COMPARISONS) {
    const ratios = perRound[crude].map((value, round) => value / perRound[base][round]);
    console.log(`\n${title}`);
    console.log(`  crude ${unit(median(perRound[crude]))}, ${baseName} ${unit(median(perRound[base]))}`);
    console.log(`  ratio ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`);
  }
}

/** key-validation.ts uses the daemon's modules directly: bundled next to node_modules so better-sqlite3 resolves. */
/**
 * Bundles a TypeScript bench of daemon internals with esbuild (they import source modules) and
 * runs it with BENCH_ROUNDS; it prints one JSON result.
 */
function runBundledBench(name) {
  const out = join(ROOT, "node_modules", ".cache", "crude-bench", `${name}.mjs`);
  mkdirSync(dirname(out), { recursive: true });
  const esbuild = join(ROOT, "node_modules", ".bin", "esbuild");
  execFileSync(esbuild, [
    join(ROOT, `test/bench/${name}.ts`),
    "--bundle",
    "--platform=node",
    "--format=esm",
    "--external:better-sqlite3",
    `--outfile=${out}`,
    "--log-level=warning",
  ]);
  const env = { ...process.env, BENCH_ROUNDS: String(ROUNDS) };
  return JSON.parse(execFileSync(process.execPath, [out], { env, stdio: ["ignore", "pipe", "inherit"] }).toString());
}

function benchKeyValidation() {
  const result = runBundledBench("key-validation");
  console.log(`
API key validation (${result.keys} keys in ${result.groups} groups, the matching group tried last) vs one bare HMAC-SHA256`);
  console.log(
    `  valid key ${result.validUs.toFixed(2)} µs, unknown key ${result.invalidUs.toFixed(2)} µs, bare HMAC ${result.bareHmacUs.toFixed(2)} µs`,
  );
  console.log(
    `  ratio ${result.validRatio.toFixed(2)}x valid, ${result.invalidRatio.toFixed(2)}x unknown (valid per round: ${result.validRounds.map((r) => r.toFixed(2)).join(" ")})`,
  );
}

/** What execution logs cost the main thread per sink (the thread sink starts dist/log-writer.js: build first). */
function benchLogs() {
  const result = runBundledBench("log-writer");
  const us = (value) => `${value.toFixed(2)} µs`;
  console.log(`
execution logs: main-thread time per entry, thread sink vs direct sink vs no sink (${result.entries} entries, ${result.perTurn} requests per 1 ms turn)`);
  for (const sink of ["thread", "direct", "none"]) {
    const { activeUs, mainCpuUs, processCpuUs } = result[sink];
    console.log(`  ${sink}: event loop active ${us(activeUs)}, main-thread CPU ${us(mainCpuUs)}, all threads' CPU ${us(processCpuUs)}`);
  }
  const ratios = result.threadOverDirect;
  console.log(
    `  sink cost above no sink, thread/direct ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`,
  );
}

async function main() {
  if (ONLY.has("cli")) await benchCli();
  if (ONLY.has("keys")) benchKeyValidation();
  if (ONLY.has("logs")) benchLogs();
  if (ONLY.has("rotation")) {
    const dir = mkdtempSync(join(tmpdir(), "crude-bench-"));
    try {
      const env = { ...process.env, CRUDE_HOME: join(dir, "data"), CRUDE_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
      await benchRotation({ crudeBin: CRUDE, env, socketPath: join(dir, "data", "crude.sock"), rounds: Math.min(ROUNDS, 5), median });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Five rounds of three contenders already take minutes; BENCH_ROUNDS still overrides it.
  if (ONLY.has("functions")) await benchFunctions({ crudeBin: CRUDE, rounds: process.env.BENCH_ROUNDS ? ROUNDS : 5, median });
  if (ONLY.has("ingestion")) await benchIngestion({ crudeBin: CRUDE, rounds: process.env.BENCH_ROUNDS ? ROUNDS : 5, median });
  if (ONLY.has("log-query")) await benchLogQuery({ crudeBin: CRUDE, rounds: Math.min(ROUNDS, 5), median });
  if (ONLY.has("tui")) await benchTui({ crudeBin: CRUDE, rounds: Math.min(ROUNDS, 3), median });
}

async function benchCli() {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-"));
  const env = { ...process.env, CRUDE_HOME: join(dir, "data"), CRUDE_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
  const socket = join(dir, "data", "crude.sock");
  const bareSocket = join(dir, "bare.sock");
  const daemonArgs = [CRUDE, "daemon", "run", "--function-port", "0", "--management-port", "0"];

  // One value per round and contender: a round's median for commands, the single reading otherwise.
  const perRound = { bareNode: [], version: [], bareRequest: [], list: [], bareStart: [], start: [], bareRss: [], rss: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Cold start to healthy, and idle RSS a moment later: crude's daemon vs a bare node:http server.
      const bare = await startServer(["-e", BARE_SERVER, bareSocket], env, bareSocket);
      const daemon = await startServer(daemonArgs, env, socket);
      await new Promise((resolve) => setTimeout(resolve, 500));
      perRound.bareStart.push(bare.readyMs);
      perRound.start.push(daemon.readyMs);
      perRound.bareRss.push(rssBytes(bare.pid));
      perRound.rss.push(rssBytes(daemon.pid));
      await bare.stop();

      // Short commands against the running daemon, interleaved with their bare baselines.
      const times = { bareNode: [], version: [], bareRequest: [], list: [] };
      for (let run = 0; run < RUNS_PER_ROUND; run++) {
        times.bareNode.push(timeCommand(["-e", "0"], env));
        times.version.push(timeCommand([CRUDE, "--version"], env));
        times.bareRequest.push(timeCommand(["-e", BARE_CLIENT, socket], env));
        times.list.push(timeCommand([CRUDE, "settings", "list"], env));
      }
      await daemon.stop();
      for (const key of Object.keys(times)) perRound[key].push(median(times[key]));
      process.stderr.write(`round ${round + 1}/${ROUNDS} done\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  report(perRound);
}

await main();
