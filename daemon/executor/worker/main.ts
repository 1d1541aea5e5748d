/**
 * A handler worker thread: runs user code for the main thread, which keeps HTTP, routing, keys
 * and the database. Built as its own entry (dist/worker.js) and started by the pool.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { SecretScope } from "../../../src/api-types.js";
import { entryBytes, LogGate } from "../../logs/backlog.js";
import {
  type CapturedLog,
  type FromWorker,
  Outbox,
  ownBuffer,
  type ResponseHead,
  type ResponseHeaders,
  type RunRequest,
  STREAM_WINDOW,
  type ToWorker,
} from "../protocol.js";
import { clipArgs, clipText } from "./console-format.js";
import { type Execution, HandlerRunner } from "./handler-runner.js";
import { type Capture, installIsolation, requestScope } from "./isolation.js";
import { installLightWeb, simpleParts } from "./light-web.js";

const HEARTBEAT_MS = 100;
/** Up to this size a finished body leaves in one message with the head. */
const INLINE_BODY_BYTES = 256 * 1024;
/** Captured logs waiting in the worker are sent at this many entries or bytes, also within a turn. */
const LOG_BATCH = 200;
const LOG_BATCH_BYTES = 1024 * 1024;

if (!parentPort) throw new Error("the handler worker must run as a worker thread");
const port = parentPort;
const gate = new LogGate((workerData as { logBacklog: SharedArrayBuffer }).logBacklog);
const outbox = new Outbox<FromWorker>({
  postMessage(batch: FromWorker[], transfer) {
    port.postMessage(batch, transfer);
    for (const message of batch) if (message.type === "logs") gate.sent(message.entries.length, message.bytes);
  },
});
const post = (message: FromWorker, transfer?: ArrayBuffer[]) => outbox.send(message, transfer);
const heartbeat = (): FromWorker => ({ type: "beat", modules: runner.moduleCount });
/** Straight to the port: called while the event loop is held (see capture). */
const beat = () => port.postMessage([heartbeat()]);

// ── Captured logs travel in batches, at most one message per turn of the event loop unless they
// pile up; while the log writer is behind, a handler that logs waits for it (see backlog.ts) ──
let logs: CapturedLog[] = [];
let logBytes = 0;
let flushScheduled = false;
const flushLogs = () => {
  flushScheduled = false;
  if (logs.length === 0) return;
  post({ type: "logs", entries: logs, bytes: logBytes });
  logs = [];
  logBytes = 0;
};
/** Out now, not at the end of the turn, which a synchronous logging loop does not reach. */
const sendLogsNow = () => {
  flushLogs();
  outbox.flush();
};
const capture: Capture = (scope, level, message, args) => {
  const entry: CapturedLog = {
    requestId: scope.requestId,
    functionId: scope.functionId,
    level,
    message: clipText(message),
    args: args === undefined ? undefined : clipArgs(args),
    timestamp: Date.now(),
  };
  logs.push(entry);
  logBytes += entryBytes(entry);
  // Past its deadline a request is answered already: its stray logging is not held back.
  const holdBack = gate.crowded() && Date.now() < scope.deadline;
  if (holdBack || logs.length >= LOG_BATCH || logBytes >= LOG_BATCH_BYTES) {
    sendLogsNow();
  } else if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushLogs);
  }
  if (holdBack) gate.holdBack(scope.deadline, beat);
};

// Read before isolation replaces process.env with per-request maps.
const production = process.env.NODE_ENV === "production";
installIsolation(capture);
installLightWeb();
process.setSourceMapsEnabled(true);

// ── Secrets: a round trip to the main thread, which resolves and caches them ──
let lastCall = 0;
const secretAnswers = new Map<number, (value: unknown) => void>();
const lookupSecret = (request: RunRequest, name: string, scope: SecretScope | undefined, complete: boolean) =>
  new Promise<unknown>((resolve) => {
    const call = ++lastCall;
    secretAnswers.set(call, resolve);
    post({ type: "secret", call, name, scope, complete, functionId: request.functionId, key: request.key });
  });

const runner = new HandlerRunner(capture, lookupSecret, production);

// ── Request bodies arriving in chunks, and responses being streamed out ──
const bodies = new Map<number, ReadableStreamDefaultController<Uint8Array>>();
/** Streamed answers under way: their reader, and chunks sent that the client has not taken yet. */
interface Outgoing {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  unacked: number;
  wake?: () => void;
}
const streaming = new Map<number, Outgoing>();
const cancelled = new Set<number>();

function streamedBody(id: number): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start: (controller) => {
      bodies.set(id, controller);
    },
  });
}

function headerRecord(headers: Headers): ResponseHeaders {
  const record: ResponseHeaders = {};
  for (const [name, value] of headers) {
    if (name !== "set-cookie") record[name] = value;
    else if (Array.isArray(record[name])) record[name].push(value);
    else record[name] = [value];
  }
  return record;
}

const WAITING = Symbol("waiting");
const nextTurn = () => new Promise<typeof WAITING>((resolve) => setImmediate(() => resolve(WAITING)));

function concat(chunks: Uint8Array[]): ArrayBuffer {
  if (chunks.length === 1) return ownBuffer(chunks[0] as Uint8Array);
  return ownBuffer(Buffer.concat(chunks));
}

/**
 * A body that is complete within this turn of the event loop (every string or JSON answer)
 * leaves in one message; one that is still waiting for data leaves chunk by chunk as it comes.
 */
async function respond(id: number, execution: Execution): Promise<void> {
  const { response, outcome, durationUs, fault } = execution;
  const fields = {
    type: "head" as const,
    id,
    status: response.status,
    headers: headerRecord(response.headers),
    outcome,
    durationUs,
    fault,
  };
  const head = (rest: Pick<ResponseHead, "streaming" | "body">) => {
    // The request's logs go first: once its client has the answer, they are with the main thread (shutdown keeps them).
    flushLogs();
    post({ ...fields, ...rest });
  };
  const simple = simpleParts(response);
  if (simple) {
    // Small bodies are copied with the message: cheaper than transferring a buffer.
    return head({ streaming: false, body: simple.body ? ownBuffer(simple.body) : undefined });
  }
  if (!response.body) return head({ streaming: false });
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let gathered = 0;
  let next = reader.read();
  const turn = nextTurn();
  // A fast producer can fill any amount within one turn: past a small size it streams too.
  while (gathered <= INLINE_BODY_BYTES) {
    const result = await Promise.race([next, turn]);
    if (result === WAITING) break;
    if (result.done) {
      if (chunks.length === 0) return head({ streaming: false });
      const body = concat(chunks);
      return head({ streaming: false, body });
    }
    chunks.push(result.value);
    gathered += result.value.byteLength;
    next = reader.read();
  }
  head({ streaming: true });
  const outgoing: Outgoing = { reader, unacked: 0 };
  streaming.set(id, outgoing);
  const send = async (chunk: Uint8Array) => {
    sendChunk(id, chunk);
    outgoing.unacked++;
    // A client slower than the handler: stop reading the handler's stream until it catches up.
    while (outgoing.unacked >= STREAM_WINDOW && !cancelled.has(id)) {
      await new Promise<void>((resolve) => {
        outgoing.wake = resolve;
      });
    }
  };
  try {
    for (const chunk of chunks) await send(chunk);
    for (;;) {
      const result = await next;
      if (result.done || cancelled.has(id)) break;
      await send(result.value);
      next = reader.read();
    }
    flushLogs();
    post({ type: "end", id });
  } catch (error) {
    flushLogs();
    post({ type: "stream-error", id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    streaming.delete(id);
    cancelled.delete(id);
  }
}

function sendChunk(id: number, chunk: Uint8Array): void {
  const buffer = ownBuffer(chunk);
  post({ type: "chunk", id, chunk: buffer }, [buffer]);
}

async function run(request: RunRequest): Promise<void> {
  const body = request.streamed ? streamedBody(request.id) : request.body;
  const execution = await runner.execute(request, body);
  bodies.delete(request.id);
  if (cancelled.has(request.id)) {
    cancelled.delete(request.id);
    await execution.response.body?.cancel().catch(() => undefined);
    return;
  }
  await respond(request.id, execution);
}

port.on("message", (batch: ToWorker[]) => {
  for (const message of batch) receive(message);
});

function receive(message: ToWorker): void {
  switch (message.type) {
    case "run":
      void run(message);
      break;
    case "body-chunk":
      bodies.get(message.id)?.enqueue(new Uint8Array(message.chunk));
      break;
    case "body-end":
      bodies.get(message.id)?.close();
      bodies.delete(message.id);
      break;
    case "body-error":
      bodies.get(message.id)?.error(new Error(message.message));
      bodies.delete(message.id);
      break;
    case "ack": {
      const outgoing = streaming.get(message.id);
      if (!outgoing) break;
      outgoing.unacked--;
      outgoing.wake?.();
      break;
    }
    case "cancel": {
      cancelled.add(message.id);
      const outgoing = streaming.get(message.id);
      if (!outgoing) break;
      outgoing.wake?.();
      void outgoing.reader.cancel().catch(() => undefined);
      break;
    }
    case "secret-result":
      secretAnswers.get(message.call)?.(message.value);
      secretAnswers.delete(message.call);
      break;
    case "shutdown":
      flushLogs();
      outbox.flush();
      process.exit(0);
  }
}

// A timer or promise of some handler failing after its response was sent must not take the
// other requests on this worker down: it is logged against the request that started it.
const stray = (error: unknown) => {
  const scope = requestScope.getStore();
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (scope) capture(scope, "error", text);
  else process.stderr.write(`handler worker: ${text}\n`);
};
process.on("uncaughtException", stray);
process.on("unhandledRejection", stray);

setInterval(() => post(heartbeat()), HEARTBEAT_MS);
