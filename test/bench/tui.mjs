// What `crude tui` costs while logs stream in: a handler writing console lines is called at a
// steady rate (LINES_PER_SECOND log entries a second, its start/end events included) while the
// dashboard runs in a real terminal (a private tmux server, BENCH_TUI_SIZE); the dashboard's CPU time
// (utime + stime from /proc/<pid>/stat) over the run, as a percentage of one core, against the
// bare baseline `crude logs -f > /dev/null` under the same load, each measured after a few
// seconds of warm-up under it. Target: under 5% of one core.
// Knobs: BENCH_TUI_SECONDS (10 per run), BENCH_TUI_LINES (100 per second), BENCH_TUI_SIZE (columns
// x rows, 100x30; Ink redraws the whole screen, so the cost grows with its area).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDaemon, stopAll } from "./functions.mjs";
import { api, call } from "./http.mjs";

const SECONDS = Number(process.env.BENCH_TUI_SECONDS ?? 10);
const LINES_PER_SECOND = Number(process.env.BENCH_TUI_LINES ?? 100);
/** Console lines per request; with its exec_start and exec_end a request stores this plus two entries. */
const CONSOLE_LINES = 8;
const ENTRIES_PER_REQUEST = CONSOLE_LINES + 2;
const TARGET_PERCENT = 5;
const WARM_UP_SECONDS = 3;
const [COLUMNS, ROWS] = (process.env.BENCH_TUI_SIZE ?? "100x30").split("x");
const CHATTY = `export default (c) => {
  for (let i = 0; i < ${CONSOLE_LINES}; i++) console.log("bench line", i, "of request", c.req.query("n"));
  return c.text("ok");
};\n`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim());

/** CPU seconds a process has used so far (user + system). */
function cpuSeconds(pid) {
  let stat;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    throw new Error(`tui bench: process ${pid} exited during the run (is dist/ being rebuilt?)`);
  }
  // Fields after the command name (which may hold spaces) start at the third; utime and stime are the 14th and 15th.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** Calls the chatty function at a steady rate for `seconds`; resolves with the requests made. */
async function drive(daemon, seconds) {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const perSecond = LINES_PER_SECOND / ENTRIES_PER_REQUEST;
  const start = Date.now();
  let sent = 0;
  const pending = [];
  while (Date.now() - start < seconds * 1000) {
    const due = start + (sent * 1000) / perSecond;
    if (due > Date.now()) await sleep(due - Date.now());
    pending.push(
      call(daemon.functions, "GET", `/run/chatty?n=${sent}`, { agent }).then(({ status }) => {
        if (status !== 200) throw new Error(`/run/chatty answered ${status}`);
      }),
    );
    sent++;
  }
  await Promise.all(pending);
  agent.destroy();
  return sent;
}

/** CPU of `pid` over a run of the load, as a percentage of one core; after a warm-up under the same load (steady state, JIT done). */
async function measure(daemon, pid) {
  await drive(daemon, WARM_UP_SECONDS);
  const cpuBefore = cpuSeconds(pid);
  const started = process.hrtime.bigint();
  const requests = await drive(daemon, SECONDS);
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  return { percent: ((cpuSeconds(pid) - cpuBefore) / wall) * 100, entriesPerSecond: (requests * ENTRIES_PER_REQUEST) / wall };
}

function tmux(server, ...args) {
  return execFileSync("tmux", ["-L", server, "-f", "/dev/null", ...args], { stdio: ["ignore", "pipe", "ignore"] }).toString();
}

/** tmux leaves its socket file behind when killed: removed at the end. */
const socketPaths = new Set();

async function until(what, probe, limitMs = 15_000) {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (probe()) return;
    await sleep(100);
  }
  throw new Error(`tui bench: no ${what} within ${limitMs} ms`);
}

/** The dashboard in a fresh tmux server; `exec` makes the pane's process the dashboard itself. */
async function startTui(crudeBin, env, server) {
  execFileSync("tmux", ["-L", server, "-f", "/dev/null", "new-session", "-d", "-x", COLUMNS, "-y", ROWS, `exec node ${crudeBin} tui`], {
    env,
  });
  const pid = Number(tmux(server, "display-message", "-p", "#{pane_pid}").trim());
  socketPaths.add(tmux(server, "display-message", "-p", "#{socket_path}").trim());
  await until("function row on the dashboard", () => /› chatty/.test(tmux(server, "capture-pane", "-p")));
  return pid;
}

export async function benchTui({ crudeBin, rounds, median }) {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-tui-"));
  const dataDir = join(dir, "data");
  // The dashboard draws in colour, as for a user; the CI variables would switch Ink to line-by-line output.
  const env = { ...process.env, CRUDE_HOME: dataDir, CRUDE_CONFIG_DIR: join(dir, "config"), TERM: "xterm-256color" };
  for (const name of ["NO_COLOR", "CI", "CONTINUOUS_INTEGRATION"]) delete env[name];
  const server = `crude-bench-tui-${process.pid}`;
  let follower;
  try {
    const daemon = await startDaemon(crudeBin, dataDir, env);
    const source = await api(daemon.socket, "POST", "/api/sources", { name: "tuibench", type: "manual" });
    await api(daemon.socket, "PUT", `/api/sources/${source.id}/files/chatty.ts`, { content: CHATTY });
    await api(daemon.socket, "POST", "/api/functions", {
      name: "chatty",
      handler: "tuibench/chatty.ts",
      route: "/chatty",
      methods: ["GET"],
    });
    while ((await call(daemon.functions, "GET", "/run/chatty?n=warm-up")).status !== 200) await sleep(50);

    const perRound = [];
    for (let round = 0; round < rounds; round++) {
      const tuiPid = await startTui(crudeBin, env, server);
      // Idle once its first reads are done.
      await sleep(2000);
      const idleBefore = cpuSeconds(tuiPid);
      await sleep(5000);
      const idle = ((cpuSeconds(tuiPid) - idleBefore) / 5) * 100;
      const tui = await measure(daemon, tuiPid);
      const screen = tmux(server, "capture-pane", "-p");
      if (!screen.includes("bench line")) throw new Error(`tui bench: the dashboard shows no log lines:\n${screen}`);
      tmux(server, "kill-server");

      follower = spawn(process.execPath, [crudeBin, "logs", "--follow"], { env, stdio: ["ignore", openSync("/dev/null", "w"), "ignore"] });
      await sleep(1000);
      const baseline = await measure(daemon, follower.pid);
      follower.kill("SIGINT");
      follower = undefined;
      perRound.push({ idle, tui, baseline });
      process.stderr.write(`tui round ${round + 1}/${rounds} done\n`);
    }

    const pct = (value) => `${value.toFixed(2)}%`;
    console.log(
      `\ncrude tui under ${LINES_PER_SECOND} log entries/s (${SECONDS} s per run, ${rounds} rounds): CPU of one core, dashboard in tmux ${COLUMNS}x${ROWS} vs crude logs -f > /dev/null`,
    );
    for (const [index, { idle, tui, baseline }] of perRound.entries()) {
      console.log(
        `  round ${index + 1}: tui ${pct(tui.percent)} (idle ${pct(idle)}), logs -f ${pct(baseline.percent)}, ${tui.entriesPerSecond.toFixed(0)} entries/s`,
      );
    }
    const tuiMedian = median(perRound.map((r) => r.tui.percent));
    const ratios = perRound.map((r) => r.tui.percent / r.baseline.percent);
    console.log(
      `  tui ${pct(tuiMedian)} (target < ${TARGET_PERCENT}%), logs -f ${pct(median(perRound.map((r) => r.baseline.percent)))}, idle tui ${pct(median(perRound.map((r) => r.idle)))}`,
    );
    console.log(`  ratio tui/logs -f ${median(ratios).toFixed(2)}x (rounds: ${ratios.map((r) => r.toFixed(2)).join(" ")})`);
  } finally {
    follower?.kill("SIGKILL");
    try {
      tmux(server, "kill-server");
    } catch {
      // Already gone.
    }
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
    for (const path of socketPaths) rmSync(path, { force: true });
  }
}
