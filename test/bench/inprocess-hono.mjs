// The functions bench's in-process baseline, the comparison DESIGN §5's decision was measured
// against: Hono on @hono/node-server running the handler on its own thread while doing crude's
// per-request bookkeeping itself — a request id, exec_start and exec_end rows written in batches
// of 50 to SQLite (the logs table and indexes of daemon/logs/migrations.ts), a metrics fold.
// Prints {"port":n} once listening on a free port of 127.0.0.1.
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import Database from "better-sqlite3";
import { Hono } from "hono";

const dir = mkdtempSync(join(tmpdir(), "crude-bench-inproc-"));
const db = new Database(join(dir, "logs.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.exec(`CREATE TABLE logs (
  id INTEGER PRIMARY KEY, request_id TEXT NOT NULL, function_id TEXT NOT NULL DEFAULT '', level TEXT NOT NULL,
  message TEXT NOT NULL, args TEXT, sequence INTEGER NOT NULL, timestamp INTEGER NOT NULL) STRICT;
  CREATE INDEX logs_by_function ON logs (function_id, timestamp DESC, sequence DESC);
  CREATE INDEX logs_newest ON logs (timestamp DESC, sequence DESC);`);
const insert = db.prepare(
  "INSERT INTO logs (request_id, function_id, level, message, args, sequence, timestamp) VALUES (?, ?, ?, ?, ?, ?, ?)",
);
const insertBatch = db.transaction((batch) => {
  for (const [sequence, e] of batch.entries()) {
    insert.run(e.requestId, e.functionId, e.level, e.message, e.args ?? null, sequence, e.timestamp);
  }
});

let buffer = [];
const flush = () => {
  const batch = buffer;
  buffer = [];
  if (batch.length > 0) insertBatch(batch);
};
const log = (entry) => {
  buffer.push(entry);
  if (buffer.length === 50) queueMicrotask(flush);
  else if (buffer.length === 1) setTimeout(flush, 50);
};
const folds = new Map();

const handler = (c) => c.json({ message: "hello" });
const app = new Hono();
app.get("/run/hello", async (c) => {
  const requestId = randomUUID();
  const url = c.req.url;
  log({
    requestId,
    functionId: "hello",
    level: "exec_start",
    message: `GET ${url}`,
    args: JSON.stringify({ origin: "", keyGroup: "", contentLength: "0" }),
    timestamp: Date.now(),
  });
  const started = performance.now();
  const response = await handler(c);
  const us = Math.round((performance.now() - started) * 1000);
  log({ requestId, functionId: "hello", level: "exec_end", message: `${Math.round(us / 1000)}ms`, timestamp: Date.now() });
  const fold = folds.get("hello") ?? { count: 0, sum: 0, max: 0 };
  fold.count++;
  fold.sum += us;
  fold.max = Math.max(fold.max, us);
  folds.set("hello", fold);
  return response;
});
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.on("SIGTERM", () => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
