import { useEffect, useMemo, useState } from "react";
import type { ApiClient } from "../../src/api-client.js";
import type { StoredLog } from "../../src/api-types.js";
import { streamLogs } from "../log-stream.js";
import { type LogsQuery, newestLogs } from "../logs.js";
import { useFrameClock } from "./frame-clock.js";
import { LogRing } from "./log-ring.js";

export interface LogStream {
  /** The newest entries received; the same object until the scope changes. */
  ring: LogRing<StoredLog>;
  /** Grows with every batch put into the ring: what makes the log pane draw again. */
  version: number;
  /** The daemon went away and the stream waits for it. */
  lost: boolean;
  /** Why the stream ended for good (e.g. the function was deleted). */
  error: string | undefined;
}

const CAPACITY = 1000;
const HISTORY = 100;
/** A batch this big (40 lines a second at the quiet beat) is more than anyone reads: the frame clock slows down. */
const BUSY_BATCH = 10;
/** With no history to resume after, entries captured just before the stream opened are still wanted. */
const LOOK_BACK_MS = 5000;

/**
 * The newest log entries of one function or of all (`functionId` undefined): the last few
 * stored, then live ones, surviving daemon restarts (the shared stream of `crude logs -f`).
 * Lines wait for the frame clock's beat and go into the ring together: at 100 lines a second,
 * drawing each one would cost more than the rest of the dashboard together.
 */
export function useLogStream(client: ApiClient, functionId: string | undefined): LogStream {
  const clock = useFrameClock();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new scope starts from an empty ring.
  const ring = useMemo(() => new LogRing<StoredLog>(CAPACITY), [functionId]);
  const [version, setVersion] = useState(0);
  const [lost, setLost] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => {
    const stop = new AbortController();
    let pending: StoredLog[] = [];
    const flush = () => {
      if (stop.signal.aborted) return;
      clock.busy = pending.length >= BUSY_BATCH;
      ring.push(pending);
      pending = [];
      setVersion((v) => v + 1);
    };
    const add = (entries: readonly StoredLog[]) => {
      pending.push(...entries);
      clock.schedule(ring, flush);
    };
    setLost(false);
    setError(undefined);
    const query: LogsQuery = functionId === undefined ? {} : { functionId };
    const run = async () => {
      const startedAt = Date.now();
      // A daemon that is down right now leaves no history: the stream waits for it.
      const history = (await newestLogs(client, query, HISTORY).catch(() => [])).reverse();
      add(history);
      const last = history.at(-1);
      await streamLogs(client, {
        query,
        resume: last ? { afterId: last.id } : { since: new Date(startedAt - LOOK_BACK_MS).toISOString() },
        signal: stop.signal,
        onEntry: (entry) => add([entry]),
        onLost: () => setLost(true),
        onReconnected: () => setLost(false),
      });
    };
    run().catch((failure: unknown) => {
      if (!stop.signal.aborted) setError(failure instanceof Error ? failure.message : String(failure));
    });
    return () => {
      stop.abort();
      clock.busy = false;
    };
  }, [client, functionId, ring, clock]);

  return { ring, version, lost, error };
}
