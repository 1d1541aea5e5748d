// Main-thread cost of execution logs: LogWriter with the direct sink (inserts on the main
// connection) against the thread sink (inserts on the log writer thread), and a sink that
// writes nothing as the floor (the appends and batching alone). Simulated /run traffic, two
// entries per request, paced like a busy HTTP front; interleaved over rounds, the order
// rotating, a fresh database per run. Bundled and run by run.mjs (after `npm run build`: the
// thread sink starts dist/log-writer.js); prints one JSON line.
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { openDatabase } from "../../daemon/db/database.js";
import { migrate } from "../../daemon/db/migrator.js";
import { MIGRATIONS } from "../../daemon/db/schema.js";
import { ScopeCleanup } from "../../daemon/db/scope-cleanup.js";
import { directSink, type LogSink } from "../../daemon/logs/sink.js";
import { threadSink } from "../../daemon/logs/thread-sink.js";
import { LogWriter } from "../../daemon/logs/writer.js";
import { ServerLog } from "../../daemon/runtime/server-log.js";
import { SettingsService } from "../../daemon/settings/service.js";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const REQUESTS = Number(process.env.BENCH_LOG_REQUESTS ?? 20_000);
/** Requests per turn of the event loop, a turn per millisecond: about 10k requests/s. */
const PER_TURN = Number(process.env.BENCH_LOG_PER_TURN ?? 10);
const CONTENDERS = ["none", "direct", "thread"] as const;
type Contender = (typeof CONTENDERS)[number];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** CPU time of the main thread alone, in µs: process.cpuUsage() would add the log thread's. */
function mainThreadCpuUs(): number {
  const fields = readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
  // utime and stime, fields 14 and 15 of stat(5), in ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

const nothing: LogSink = {
  insert: async (batch) => batch.map((_, i) => i),
  trim: async () => ({ deletedByAge: 0, trimmedByCount: 0 }),
  close: async () => {},
};

interface Reading {
  /** Main-thread time not idle in the event loop, µs per entry. */
  activeUs: number;
  /** Main-thread CPU (coarse: 10 ms ticks), µs per entry. */
  mainCpuUs: number;
  /** CPU of every thread of the process, µs per entry. */
  processCpuUs: number;
}

async function run(contender: Contender): Promise<Reading> {
  const dir = mkdtempSync(join(tmpdir(), "crude-bench-logs-"));
  const path = join(dir, "crude.db");
  const db = openDatabase(path);
  try {
    migrate(db, MIGRATIONS);
    const settings = await SettingsService.open(db);
    const log = new ServerLog(new PassThrough());
    const sink = contender === "none" ? nothing : contender === "direct" ? directSink(db) : threadSink(path, directSink(db), log);
    const writer = new LogWriter(sink, db, settings, log, new ScopeCleanup());
    // Warm: statements prepared, the thread started and past its first write.
    writer.appendMany(Array.from({ length: 50 }, () => entry(randomUUID(), "exec_start", "GET /warm")));
    await writer.flushed();

    const functionId = randomUUID();
    const eluStart = performance.eventLoopUtilization();
    const cpuStart = process.cpuUsage();
    const mainStart = mainThreadCpuUs();
    for (let done = 0; done < REQUESTS; ) {
      for (const end = Math.min(REQUESTS, done + PER_TURN); done < end; done++) {
        const requestId = randomUUID();
        writer.append({
          ...entry(requestId, "exec_start", "GET /run/hello"),
          functionId,
          args: '{"origin":"","keyGroup":"","contentLength":"0"}',
        });
        writer.append({ ...entry(requestId, "exec_end", "Execution completed in 0.35ms (ok)"), functionId });
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await writer.close();
    const entries = REQUESTS * 2;
    const elu = performance.eventLoopUtilization(eluStart);
    const cpu = process.cpuUsage(cpuStart);
    const written = db.prepare("SELECT COUNT(*) FROM logs").pluck().get() as number;
    if (contender !== "none" && written !== entries + 50)
      throw new Error(`${contender}: ${written} rows written, ${entries + 50} expected`);
    return {
      activeUs: (elu.active * 1000) / entries,
      mainCpuUs: (mainThreadCpuUs() - mainStart) / entries,
      processCpuUs: (cpu.user + cpu.system) / entries,
    };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function entry(requestId: string, level: "exec_start" | "exec_end", message: string) {
  return { requestId, functionId: "", level, message, timestamp: Date.now() } as const;
}

const perRound: Record<Contender, Reading[]> = { none: [], direct: [], thread: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (let i = 0; i < CONTENDERS.length; i++) {
    const contender = CONTENDERS[(round + i) % CONTENDERS.length] as Contender;
    perRound[contender].push(await run(contender));
  }
  process.stderr.write(`logs round ${round + 1}/${ROUNDS} done\n`);
}
const summary = (readings: Reading[]) => ({
  activeUs: median(readings.map((r) => r.activeUs)),
  mainCpuUs: median(readings.map((r) => r.mainCpuUs)),
  processCpuUs: median(readings.map((r) => r.processCpuUs)),
});
console.log(
  JSON.stringify({
    entries: REQUESTS * 2,
    perTurn: PER_TURN,
    none: summary(perRound.none),
    direct: summary(perRound.direct),
    thread: summary(perRound.thread),
    // The sinks' own main-thread cost, above the floor, thread over direct, per round.
    threadOverDirect: perRound.thread.map((r, i) => {
      const floor = perRound.none[i]?.activeUs ?? 0;
      return (r.activeUs - floor) / ((perRound.direct[i]?.activeUs ?? 0) - floor);
    }),
  }),
);
