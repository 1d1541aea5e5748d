import { Worker } from "node:worker_threads";
import type { ExecutorState } from "../../src/api-types.js";
import type { ServerLog } from "../runtime/server-log.js";
import {
  type CapturedLog,
  type FromWorker,
  Outbox,
  ownBuffer,
  type ResponseHead,
  type RunRequest,
  type SecretCall,
  type ToWorker,
} from "./protocol.js";
import { ResponseStream } from "./response-stream.js";

/** How the pool answered a request the worker did not (or could not) answer itself. */
export type PoolFailure =
  | { kind: "timeout" }
  /** Its worker was blocked by another handler and had to be replaced: worth retrying. */
  | { kind: "restarted" }
  /** Its worker died (out of memory, a crash). */
  | { kind: "crashed"; message: string };

export type Reply = { kind: "response"; head: ResponseHead; body: Uint8Array | ReadableStream<Uint8Array> | undefined } | PoolFailure;

/** A request handed to a worker; the body, when streamed, follows through this handle. */
export interface Dispatched {
  reply: Promise<Reply>;
  sendBody(chunk: Uint8Array): void;
  endBody(): void;
  failBody(message: string): void;
}

export interface PoolOptions {
  script: URL;
  size: () => number;
  memoryMb: () => number;
  onLogs(entries: CapturedLog[], bytes: number): void;
  /** The log backlog's shared counters (daemon/logs/backlog.ts), handed to every worker. */
  logBacklog: SharedArrayBuffer;
  onSecret(call: SecretCall): Promise<unknown>;
  log: ServerLog;
  /** Handler versions a worker may import before it is recycled (default 200). */
  maxModules?: number;
}

const WATCHDOG_MS = 100;
/** A worker silent for this long is blocked: it gets no new requests, and is replaced at its request's deadline. */
const STALL_MS = 1_000;
/** Blocked this long with nothing in flight (a runaway timer): replaced anyway. */
const ORPHAN_STALL_MS = 10_000;
/** Every handler version stays in a worker's module map; past this many the worker is recycled. */
const MAX_MODULES = 200;
const MAX_OVERDUE = 1_000;
const CRASH_WINDOW_MS = 5_000;
const MAX_BACKOFF_MS = 10_000;
const SHUTDOWN_WAIT_MS = 2_000;

interface InFlight {
  id: number;
  /** Unset while every worker is down and the request waits for one. */
  slot?: Slot;
  deadline: number;
  bodyBacklog: [ToWorker, ArrayBuffer[]][];
  answered: boolean;
  settle(reply: Reply): void;
  stream?: ResponseStream;
}

interface Slot {
  worker: Worker;
  outbox: Outbox<ToWorker>;
  startedAt: number;
  lastBeat: number;
  modules: number;
  inFlight: Map<number, InFlight>;
  /** Requests answered with 504 that the worker has not finished: if it stops beating, one of them is why. */
  overdue: Set<number>;
  /** No new requests: it is being recycled and ends when idle. */
  draining: boolean;
  /** Why we terminated it; unset for a worker that died on its own. */
  terminated?: "blocked" | "recycled" | "shutdown";
  fatal?: string;
}

/**
 * The worker threads that run handlers, with the least-busy dispatch, the heartbeat watchdog,
 * timeouts and replacement of blocked, crashed and worn-out workers (DESIGN §5).
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private lastId = 0;
  private restarts = 0;
  private crashes = 0;
  private respawnTimer: NodeJS.Timeout | undefined;
  private readonly watchdog: NodeJS.Timeout;
  /** Requests waiting for a worker (all were down), and how to start each; they time out like any other. */
  private readonly queued = new Set<InFlight>();
  private starts: (() => void)[] = [];
  private stopping = false;

  constructor(private readonly options: PoolOptions) {
    this.resize();
    this.watchdog = setInterval(() => this.check(), WATCHDOG_MS);
    this.watchdog.unref();
  }

  /** Matches the number of workers to the `executor.workers` setting. */
  resize(): void {
    const live = [...this.slots].filter((slot) => !slot.draining);
    const wanted = this.options.size();
    for (let n = live.length; n < wanted; n++) this.spawn();
    for (const slot of live.slice(wanted)) slot.draining = true;
  }

  state(): ExecutorState {
    const slots = [...this.slots];
    const inFlight = slots.reduce((sum, slot) => sum + slot.inFlight.size, 0);
    return { workers: slots.length, busy: slots.filter((slot) => slot.inFlight.size > 0).length, inFlight, restarts: this.restarts };
  }

  dispatch(request: Omit<RunRequest, "type" | "id" | "deadline">, timeoutMs: number, body?: ArrayBuffer): Dispatched {
    let settle!: (reply: Reply) => void;
    const reply = new Promise<Reply>((resolve) => {
      settle = resolve;
    });
    const entry: InFlight = { id: ++this.lastId, deadline: Date.now() + timeoutMs, answered: false, settle, bodyBacklog: [] };
    const message: RunRequest = { type: "run", id: entry.id, ...request, deadline: entry.deadline, body };
    const start = () => {
      if (entry.answered) return;
      const slot = this.pick();
      if (!slot) {
        this.queued.add(entry);
        this.starts.push(start);
        return;
      }
      this.queued.delete(entry);
      entry.slot = slot;
      slot.inFlight.set(entry.id, entry);
      slot.outbox.send(message, body ? [body] : undefined);
      for (const [backlogged, transfer] of entry.bodyBacklog.splice(0)) slot.outbox.send(backlogged, transfer);
    };
    start();
    const send = (bodyMessage: ToWorker, transfer: ArrayBuffer[] = []) => {
      if (!entry.slot) entry.bodyBacklog.push([bodyMessage, transfer]);
      else if (this.slots.has(entry.slot)) entry.slot.outbox.send(bodyMessage, transfer);
    };
    return {
      reply,
      sendBody: (chunk) => {
        const buffer = ownBuffer(chunk);
        send({ type: "body-chunk", id: entry.id, chunk: buffer }, [buffer]);
      },
      endBody: () => send({ type: "body-end", id: entry.id }),
      failBody: (text) => send({ type: "body-error", id: entry.id, message: text }),
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    clearTimeout(this.respawnTimer);
    await Promise.all(
      [...this.slots].map(async (slot) => {
        slot.terminated = "shutdown";
        const exited = new Promise<void>((resolve) => slot.worker.once("exit", () => resolve()));
        slot.outbox.send({ type: "shutdown" });
        slot.outbox.flush();
        const timer = setTimeout(() => void slot.worker.terminate(), SHUTDOWN_WAIT_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
  }

  private pick(): Slot | undefined {
    const now = Date.now();
    let best: Slot | undefined;
    let fallback: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.draining) continue;
      if (!fallback || slot.inFlight.size < fallback.inFlight.size) fallback = slot;
      if (now - slot.lastBeat > STALL_MS) continue;
      if (!best || slot.inFlight.size < best.inFlight.size) best = slot;
    }
    return best ?? fallback;
  }

  private spawn(): void {
    if (this.stopping) return;
    const worker = new Worker(this.options.script, {
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb() },
      // Handlers get per-request env maps anyway; the worker's own copy need not hold the daemon's.
      env: { NODE_ENV: process.env.NODE_ENV ?? "" },
      workerData: { logBacklog: this.options.logBacklog },
      stdout: false,
      stderr: false,
    });
    const now = Date.now();
    const slot: Slot = {
      worker,
      outbox: new Outbox(worker),
      startedAt: now,
      lastBeat: now,
      modules: 0,
      inFlight: new Map(),
      overdue: new Set(),
      draining: false,
    };
    this.slots.add(slot);
    worker.on("message", (batch: FromWorker[]) => {
      for (const message of batch) this.receive(slot, message);
    });
    worker.on("error", (error) => {
      slot.fatal = error.message;
    });
    worker.on("exit", () => this.exited(slot));
    for (const start of this.starts.splice(0)) start();
  }

  private receive(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case "beat":
        slot.lastBeat = Date.now();
        slot.modules = message.modules;
        if (message.modules > (this.options.maxModules ?? MAX_MODULES) && !slot.draining)
          this.recycle(slot, `${message.modules} handler versions`);
        return;
      case "logs":
        this.options.onLogs(message.entries, message.bytes);
        return;
      case "secret":
        this.options.onSecret(message).then(
          (value) => slot.outbox.send({ type: "secret-result", call: message.call, value }),
          (error) => {
            this.options.log.error("secret lookup for a handler failed", error);
            slot.outbox.send({ type: "secret-result", call: message.call, value: undefined });
          },
        );
        return;
      case "head":
        this.head(slot, message);
        return;
      case "chunk":
        slot.inFlight.get(message.id)?.stream?.push(new Uint8Array(message.chunk));
        return;
      case "end": {
        const entry = slot.inFlight.get(message.id);
        slot.inFlight.delete(message.id);
        entry?.stream?.end();
        return;
      }
      case "stream-error": {
        const entry = slot.inFlight.get(message.id);
        slot.inFlight.delete(message.id);
        entry?.stream?.fail(new Error(message.message));
        return;
      }
    }
  }

  private head(slot: Slot, head: ResponseHead): void {
    slot.overdue.delete(head.id);
    const entry = slot.inFlight.get(head.id);
    if (!entry || entry.answered) return;
    entry.answered = true;
    if (!head.streaming) {
      slot.inFlight.delete(head.id);
      entry.settle({ kind: "response", head, body: head.body ? new Uint8Array(head.body) : undefined });
      return;
    }
    entry.stream = new ResponseStream(
      () => slot.outbox.send({ type: "ack", id: head.id }),
      // The client went away: the handler's stream is cancelled too.
      () => {
        if (slot.inFlight.delete(head.id)) slot.outbox.send({ type: "cancel", id: head.id });
      },
    );
    entry.settle({ kind: "response", head, body: entry.stream.body });
  }

  private check(): void {
    const now = Date.now();
    for (const waiting of this.queued) {
      if (waiting.deadline > now) continue;
      this.queued.delete(waiting);
      waiting.answered = true;
      waiting.settle({ kind: "timeout" });
    }
    for (const slot of [...this.slots]) {
      for (const entry of slot.inFlight.values()) {
        if (entry.answered || entry.deadline > now) continue;
        entry.answered = true;
        slot.inFlight.delete(entry.id);
        slot.overdue.add(entry.id);
        entry.settle({ kind: "timeout" });
        slot.outbox.send({ type: "cancel", id: entry.id });
      }
      // Handlers that never settle pile up in the worker's memory: start afresh.
      if (slot.overdue.size > MAX_OVERDUE && !slot.draining) this.recycle(slot, `${slot.overdue.size} requests that never finished`);
      const silentFor = now - slot.lastBeat;
      const orphaned = silentFor > ORPHAN_STALL_MS && slot.inFlight.size === 0;
      const blocked = silentFor > STALL_MS && (slot.overdue.size > 0 || orphaned);
      if (blocked) this.terminate(slot, "blocked");
      else if (slot.draining && slot.inFlight.size === 0) this.terminate(slot, "recycled");
    }
  }

  private recycle(slot: Slot, reason: string): void {
    slot.draining = true;
    this.options.log.info(`recycling a handler worker that holds ${reason}`);
    this.spawn();
  }

  private terminate(slot: Slot, reason: "blocked" | "recycled"): void {
    if (slot.terminated) return;
    slot.terminated = reason;
    if (reason === "blocked") {
      this.options.log.warn("a handler blocked its worker's event loop past its timeout; replacing the worker");
    }
    this.release(slot, { kind: "restarted" });
    void slot.worker.terminate();
    if (reason === "blocked") {
      this.restarts++;
      // A draining worker's successor is already running.
      if (!slot.draining) this.spawn();
    }
  }

  /** Answers whatever the slot still owed and takes it out of dispatch. */
  private release(slot: Slot, failure: PoolFailure): void {
    this.slots.delete(slot);
    for (const entry of slot.inFlight.values()) {
      if (entry.answered) entry.stream?.fail(new Error("the handler worker stopped"));
      else entry.settle(failure);
    }
    slot.inFlight.clear();
  }

  private exited(slot: Slot): void {
    if (slot.terminated) return;
    // Died on its own: out of memory or a fatal error.
    const message = slot.fatal ?? "the handler worker exited unexpectedly";
    this.options.log.error(`a handler worker died: ${message}`);
    this.release(slot, { kind: "crashed", message });
    if (this.stopping) return;
    this.restarts++;
    this.crashes = Date.now() - slot.startedAt < CRASH_WINDOW_MS ? this.crashes + 1 : 1;
    const delay = this.crashes <= 1 ? 0 : Math.min(100 * 2 ** (this.crashes - 1), MAX_BACKOFF_MS);
    if (delay === 0) {
      this.spawn();
      return;
    }
    this.options.log.warn(`handler workers keep dying; next start in ${delay} ms`);
    clearTimeout(this.respawnTimer);
    this.respawnTimer = setTimeout(() => this.resize(), delay);
  }
}
