// The execution engine against a bare Hono server (bare-hono.mjs) and an in-process Hono server
// doing crude's per-request logging itself (inprocess-hono.mjs), all answering GET /run/hello
// with {"message":"hello"}, driven by autocannon and interleaved over rounds with the order
// rotating. Also: /api/health latency during a runaway handler, the time from
// saving a handler on disk to the first response that runs it, and the daemon's RSS.
// Knobs: BENCH_DURATION (seconds per run, 5), BENCH_CONNECTIONS (50), BENCH_RELOADS (5).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { api, call } from "./http.mjs";

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const RELOADS = Number(process.env.BENCH_RELOADS ?? 5);
const HEALTH_PROBES = 200;
const TARGETS = { throughput: 0.6, p99: 2 };
const BARE_SERVER = fileURLToPath(new URL("bare-hono.mjs", import.meta.url));
const IN_PROCESS_SERVER = fileURLToPath(new URL("inprocess-hono.mjs", import.meta.url));

const HELLO = 'export default (c) => c.json({ message: "hello" });\n';
const SPIN = "export default () => {\n  while (true) {}\n};\n";
const ENGINE_HINT = "the functions bench needs the sources, files and functions APIs and the /run execution engine (issue 4)";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

// ── Child processes: every one is killed on any way out ──

const children = new Set();

function startChild(args, env) {
  const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  // Read continuously (a full pipe would stall the child); only the tail matters for errors.
  const keep = (chunk) => {
    output = (output + chunk).slice(-4000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  let running = true;
  child.once("exit", () => {
    running = false;
    children.delete(child);
  });
  children.add(child);
  return { pid: child.pid, running: () => running, output: () => output };
}

const killAll = () => {
  for (const child of children) child.kill("SIGKILL");
};

async function until(done, limitMs) {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await sleep(20);
}

/** SIGTERM (the daemon shuts down gracefully), then SIGKILL for whatever is still there. */
export async function stopAll() {
  for (const child of children) child.kill("SIGTERM");
  await until(() => children.size === 0, 10_000);
  killAll();
  await until(() => children.size === 0, 2_000);
}

async function waitFor(what, handle, probe, limitMs = 15_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (!handle.running()) throw new Error(`${what}: the process exited early:\n${handle.output()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await sleep(20);
  }
  throw new Error(`${what}: nothing within ${limitMs} ms:\n${handle.output()}`);
}

// ── HTTP ──

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

const messageOf = (text) => {
  try {
    return JSON.parse(text).message;
  } catch {
    return undefined;
  }
};

/** Polls until `path` answers `status` (and `message`), since the routing table is rebuilt lazily. */
async function expectAnswer(target, path, headers, status, message) {
  const deadline = Date.now() + 5_000;
  let last;
  while (Date.now() < deadline) {
    last = await call(target, "GET", path, { headers });
    if (last.status === status && (message === undefined || messageOf(last.text) === message)) return;
    await sleep(50);
  }
  throw new Error(`GET ${path} answered ${last.status} ${last.text.slice(0, 200)}, expected ${status}${message ? ` "${message}"` : ""}`);
}

// ── Setup ──

async function startBaseline(script, env) {
  const handle = startChild([script], env);
  const port = await waitFor(`the baseline ${script}`, handle, async () => {
    const match = /\{"port":(\d+)\}/.exec(handle.output());
    return match ? Number(match[1]) : undefined;
  });
  return { ...handle, target: { host: "127.0.0.1", port } };
}

export async function startDaemon(crudeBin, dataDir, env) {
  const handle = startChild([crudeBin, "daemon", "run", "--data-dir", dataDir, "--function-port", "0", "--management-port", "0"], env);
  const socket = { socketPath: join(dataDir, "crude.sock") };
  const status = await waitFor("the crude daemon", handle, async () => {
    const { status: code, text } = await call(socket, "GET", "/api/status");
    return code === 200 ? JSON.parse(text) : undefined;
  });
  return {
    ...handle,
    pid: status.pid,
    socket,
    functions: { host: "127.0.0.1", port: status.functionPort },
    management: { host: "127.0.0.1", port: status.managementPort },
  };
}

/** A manual source `bench`, functions `hello`, `hello-key` (needs a key of group `bench`) and `spin`; returns the key. */
async function setUpFunctions(daemon) {
  try {
    const { socket } = daemon;
    const source = await api(socket, "POST", "/api/sources", { name: "bench", type: "manual" });
    await api(socket, "PUT", `/api/sources/${source.id}/files/hello.ts`, { content: HELLO });
    await api(socket, "PUT", `/api/sources/${source.id}/files/spin.ts`, { content: SPIN });
    const group = await api(socket, "POST", "/api/key-groups", { name: "bench" });
    const key = await api(socket, "POST", "/api/keys", { groupId: group.id, name: "bench" });
    const create = (name, handler, extra) =>
      api(socket, "POST", "/api/functions", { name, handler, route: `/${name}`, methods: ["GET"], ...extra });
    await create("hello", "bench/hello.ts");
    await create("hello-key", "bench/hello.ts", { keys: [group.id] });
    await create("spin", "bench/spin.ts", { timeoutMs: 2000 });
    await expectAnswer(daemon.functions, "/run/hello", {}, 200, "hello");
    await expectAnswer(daemon.functions, "/run/hello-key", {}, 401);
    await expectAnswer(daemon.functions, "/run/hello-key", { "x-api-key": key.value }, 200, "hello");
    return key.value;
  } catch (error) {
    throw new Error(`setting up crude for the functions bench failed: ${error.message}\n${ENGINE_HINT}`);
  }
}

// ── Measurements ──

function rssBytes(pid) {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(match[1]) * 1024;
}

/** autocannon for `seconds`; samples the RSS of `pid` meanwhile. Refuses a run with errors or non-2xx answers. */
async function drive(name, url, headers, seconds, pid) {
  const rss = [];
  const sampler = setInterval(() => {
    try {
      rss.push(rssBytes(pid));
    } catch {
      // The process is gone: autocannon's errors say so.
    }
  }, 250);
  try {
    const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
    const failed = result.errors + result.timeouts + result.non2xx;
    if (failed > 0) {
      throw new Error(
        `${name}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts in ${result.requests.total} requests`,
      );
    }
    return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, rssMax: Math.max(0, ...rss) };
  } finally {
    clearInterval(sampler);
  }
}

/** p99 and max of sequential /api/health requests over TCP, and how many of them ran while `busy` was unsettled. */
async function probeHealth(target, busy) {
  let settled = false;
  busy?.finally(() => {
    settled = true;
  });
  const latencies = [];
  let whileBusy = 0;
  for (let i = 0; i < HEALTH_PROBES; i++) {
    const start = process.hrtime.bigint();
    const { status } = await call(target, "GET", "/api/health", { agent: keepAlive });
    if (status !== 200) throw new Error(`/api/health answered ${status}`);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!settled) whileBusy++;
  }
  return { p99: percentile(latencies, 99), max: Math.max(...latencies), whileBusy };
}

/** The control plane while one request spins a worker's event loop (the function's timeout is 2 s). */
async function healthDuringSpin(daemon) {
  const idle = await probeHealth(daemon.management);
  const spin = call(daemon.functions, "GET", "/run/spin", { timeoutMs: 15_000 });
  await sleep(100);
  const busy = await probeHealth(daemon.management, spin);
  const { status } = await spin;
  return { idle, busy, spinStatus: status };
}

/** From writing a new hello.ts on disk to the first /run/hello that answers with it. */
async function reloadMs(daemon, codeFile, generation) {
  const message = `hello ${generation}`;
  writeFileSync(codeFile, `export default (c) => c.json({ message: ${JSON.stringify(message)} });\n`);
  const start = process.hrtime.bigint();
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const { text } = await call(daemon.functions, "GET", "/run/hello", { agent: keepAlive });
    if (messageOf(text) === message) return Number(process.hrtime.bigint() - start) / 1e6;
    await sleep(5);
  }
  throw new Error(`/run/hello still did not answer "${message}" 10 s after ${codeFile} was saved`);
}

// ── Report ──

const fmt = (value, digits = 2) => value.toFixed(digits);
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function reportThroughput(perRound, median) {
  console.log(
    `\nfunctions: GET /run/hello, ${CONNECTIONS} connections x ${DURATION_S} s per run, ${perRound.length} rounds, Node ${process.version}`,
  );
  for (const [index, round] of perRound.entries()) {
    const line = Object.entries(round)
      .map(([name, r]) => `${name} ${fmt(r.rps, 0)} req/s p50 ${r.p50} p99 ${r.p99} ms`)
      .join(" | ");
    console.log(`  round ${index + 1}: ${line}`);
  }
  const inProcess = perRound.map((round) => round.crude.rps / round["in-process"].rps);
  console.log(
    `\ncrude vs in-process Hono doing the same per-request logging (DESIGN §5's basis, prototype 0.74-0.78x): throughput ${fmt(median(inProcess))}x (rounds: ${inProcess.map((r) => fmt(r)).join(" ")})`,
  );
  for (const name of ["crude", "crude+key"]) {
    const throughput = perRound.map((round) => round[name].rps / round.bare.rps);
    const p99 = perRound.map((round) => round[name].p99 / Math.max(1, round.bare.p99));
    const mark = (ok) => (ok ? "meets" : "MISSES");
    console.log(`\n${name} vs bare Hono`);
    console.log(
      `  throughput ${fmt(median(throughput))}x, ${mark(median(throughput) >= TARGETS.throughput)} the target >= ${TARGETS.throughput}x (rounds: ${throughput.map((r) => fmt(r)).join(" ")})`,
    );
    console.log(
      `  p99 ${fmt(median(p99))}x, ${mark(median(p99) <= TARGETS.p99)} the target <= ${TARGETS.p99}x (rounds: ${p99.map((r) => fmt(r)).join(" ")}; autocannon's latencies have 1 ms resolution)`,
    );
  }
}

export async function benchFunctions({ crudeBin, rounds, median }) {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-fn-"));
  const dataDir = join(dir, "data");
  const env = { ...process.env, CRUDE_HOME: dataDir, CRUDE_CONFIG_DIR: join(dir, "config"), NO_COLOR: "1" };
  const onSignal = () => {
    killAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.on("exit", killAll);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const bare = await startBaseline(BARE_SERVER, env);
    const inProcess = await startBaseline(IN_PROCESS_SERVER, env);
    const bareUrl = `http://127.0.0.1:${bare.target.port}/run/hello`;
    const warm = await drive("bare", bareUrl, {}, 1, bare.pid);
    process.stderr.write(`warm-up: bare Hono ${fmt(warm.rps, 0)} req/s, p99 ${warm.p99} ms\n`);

    const daemon = await startDaemon(crudeBin, dataDir, env);
    const key = await setUpFunctions(daemon);
    const idleRss = rssBytes(daemon.pid);
    const contenders = {
      bare: { url: bareUrl, headers: {}, pid: bare.pid },
      "in-process": { url: `http://127.0.0.1:${inProcess.target.port}/run/hello`, headers: {}, pid: inProcess.pid },
      crude: { url: `http://127.0.0.1:${daemon.functions.port}/run/hello`, headers: {}, pid: daemon.pid },
      "crude+key": { url: `http://127.0.0.1:${daemon.functions.port}/run/hello-key`, headers: { "x-api-key": key }, pid: daemon.pid },
    };
    for (const [name, c] of Object.entries(contenders)) await drive(name, c.url, c.headers, 1, c.pid);

    const names = Object.keys(contenders);
    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const results = {};
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length];
        const c = contenders[name];
        results[name] = await drive(name, c.url, c.headers, DURATION_S, c.pid);
      }
      perRound.push({ bare: results.bare, "in-process": results["in-process"], crude: results.crude, "crude+key": results["crude+key"] });
      process.stderr.write(`functions round ${round + 1}/${rounds} done\n`);
    }

    const spins = [];
    for (let i = 0; i < Math.min(rounds, 3); i++) spins.push(await healthDuringSpin(daemon));

    const codeFile = join(dataDir, "code", "bench", "hello.ts");
    const reloads = [];
    for (let i = 1; i <= RELOADS; i++) {
      reloads.push(await reloadMs(daemon, codeFile, i));
      await sleep(200);
    }

    reportThroughput(perRound, median);
    console.log(`\n/api/health over TCP (${HEALTH_PROBES} sequential requests) while GET /run/spin runs while(true){} vs idle`);
    for (const { idle, busy, spinStatus } of spins) {
      console.log(
        `  busy p99 ${fmt(busy.p99)} ms max ${fmt(busy.max)} ms (${busy.whileBusy} of them before /run/spin answered ${spinStatus}); idle p99 ${fmt(idle.p99)} ms max ${fmt(idle.max)} ms`,
      );
    }
    console.log("\nhot reload: hello.ts saved on disk to the first /run/hello running it (polled every 5 ms)");
    console.log(`  median ${fmt(median(reloads), 1)} ms (runs: ${reloads.map((ms) => fmt(ms, 1)).join(" ")})`);
    const loadRss = Math.max(...perRound.flatMap((round) => [round.crude.rssMax, round["crude+key"].rssMax]));
    const bareLoadRss = Math.max(...perRound.map((round) => round.bare.rssMax));
    console.log("\ndaemon RSS (VmRSS)");
    console.log(`  idle ${mib(idleRss)}, under load ${mib(loadRss)} (bare Hono under load ${mib(bareLoadRss)})`);
  } finally {
    await stopAll();
    keepAlive.destroy();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", killAll);
    rmSync(dir, { recursive: true, force: true });
  }
}
