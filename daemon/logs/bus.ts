import type { StoredLog } from "../../src/api-types.js";
import { toStoredLog } from "./query.js";
import type { LogEntry } from "./writer.js";

/** An entry as subscribers see it: the API shape, plus the capture time as a number. */
export interface PublishedLog {
  entry: StoredLog;
  capturedAt: number;
}

export type LogListener = (logs: readonly PublishedLog[]) => void;

/**
 * The daemon's in-memory feed of execution log entries, in the order they were stored: the
 * writer publishes each batch once the database holds it, so the ids subscribers see are
 * stored ids, and a stream that resumes from storage after one of them misses nothing.
 */
export class LogBus {
  private readonly listeners = new Set<LogListener>();
  private readonly closers = new Set<() => void>();

  /** `onClose` runs when the daemon shuts the bus (streams end then, so shutdown need not wait for them). */
  subscribe(listener: LogListener, onClose: () => void): () => void {
    this.listeners.add(listener);
    this.closers.add(onClose);
    return () => {
      this.listeners.delete(listener);
      this.closers.delete(onClose);
    };
  }

  /** One stored batch: `ids[i]` is the row of `batch[i]`, whose sequence is `i`. */
  publish(batch: readonly LogEntry[], ids: readonly number[]): void {
    if (this.listeners.size === 0) return;
    const logs = batch.map(
      (entry, sequence): PublishedLog => ({
        entry: toStoredLog({
          id: ids[sequence] as number,
          request_id: entry.requestId,
          function_id: entry.functionId,
          level: entry.level,
          message: entry.message,
          args: entry.args ?? null,
          sequence,
          timestamp: entry.timestamp,
        }),
        capturedAt: entry.timestamp,
      }),
    );
    for (const listener of this.listeners) listener(logs);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  close(): void {
    for (const close of [...this.closers]) close();
    this.listeners.clear();
    this.closers.clear();
  }
}
