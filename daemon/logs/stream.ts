import type { StoredLog } from "../../src/api-types.js";
import type { LogBus, PublishedLog } from "./bus.js";
import { type LogFilter, matchesFilter } from "./filter.js";
import type { LogQuery } from "./query.js";

export interface LogStreamStart {
  filter: LogFilter;
  /** Resume after this stored id (Last-Event-ID); without it, and without `filter.since`, only new entries are sent. */
  afterId?: number;
  heartbeatMs: number;
}

/** Stored entries read per replay step: one short query, one chunk on the wire. */
const REPLAY_PAGE = 500;
/**
 * Live entries held for a client that reads slower than they arrive. Past this the queue is
 * dropped and the client catches up from storage instead, where the entries are anyway: a slow
 * reader costs a bounded amount of memory and still misses nothing that is kept.
 */
const MAX_QUEUED = 5000;
/** EventSource's reconnection delay. */
const RETRY_MS = 1000;

const encoder = new TextEncoder();

function frame(entries: readonly StoredLog[]): Uint8Array {
  let text = "";
  for (const entry of entries) text += `id: ${entry.id}\ndata: ${JSON.stringify(entry)}\n\n`;
  return encoder.encode(text);
}

/**
 * Server-sent events of execution log entries: first the stored ones after the resume point,
 * oldest first, then live ones from the bus, de-duplicated by id (ids only grow). The stream is
 * pulled: nothing is read or queued beyond what the client takes, except the bounded live queue.
 */
export function logEventStream(query: LogQuery, bus: LogBus, start: LogStreamStart): ReadableStream<Uint8Array> {
  const { filter } = start;
  const replayFrom = start.afterId ?? (filter.since !== undefined ? query.idBefore(filter.since) : undefined);
  let replaying = replayFrom !== undefined;
  /** The newest id the client has been sent (or skipped past). */
  let sentId = replayFrom ?? query.lastId();
  let queue: StoredLog[] = [];
  let wake: (() => void) | undefined;
  let beat = false;
  let quiet = true;
  let done = false;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let unsubscribe = () => {};

  const onLogs = (logs: readonly PublishedLog[]) => {
    // While replaying, storage is the source: the entries are stored already.
    if (replaying) return;
    const lastQueued = Number(queue.at(-1)?.id ?? sentId);
    for (const { entry, capturedAt } of logs) {
      if (Number(entry.id) > lastQueued && matchesFilter(filter, entry, capturedAt)) queue.push(entry);
    }
    if (queue.length > MAX_QUEUED) {
      queue = [];
      replaying = true;
    }
    wake?.();
  };

  const finish = () => {
    done = true;
    clearInterval(heartbeat);
    unsubscribe();
    wake?.();
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        unsubscribe = bus.subscribe(onLogs, () => {
          finish();
          controller.close();
        });
        heartbeat = setInterval(() => {
          if (quiet) {
            beat = true;
            wake?.();
          }
          quiet = true;
        }, start.heartbeatMs);
        heartbeat.unref();
        controller.enqueue(encoder.encode(`retry: ${RETRY_MS}\n\n`));
      },
      async pull(controller) {
        for (;;) {
          if (done) return;
          if (replaying) {
            const stored = query.after(filter, sentId, REPLAY_PAGE);
            // Caught up: from here on the bus has everything newer, in order.
            if (stored.length < REPLAY_PAGE) replaying = false;
            if (stored.length > 0) {
              sentId = Number(stored.at(-1)?.id);
              quiet = false;
              return controller.enqueue(frame(stored));
            }
          }
          if (queue.length > 0) {
            const batch = queue.splice(0, REPLAY_PAGE);
            sentId = Number(batch.at(-1)?.id);
            quiet = false;
            return controller.enqueue(frame(batch));
          }
          if (beat) {
            beat = false;
            return controller.enqueue(encoder.encode(": heartbeat\n\n"));
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
          wake = undefined;
        }
      },
      cancel: finish,
    },
    { highWaterMark: 0 },
  );
}
