import type { Db } from "../db/database.js";
import type { ScopeCleanup } from "../db/scope-cleanup.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { SettingsService } from "../settings/service.js";
import type { LogSink } from "./sink.js";

export const LOG_LEVELS = [
  "log",
  "debug",
  "info",
  "warn",
  "error",
  "trace",
  "stdout",
  "stderr",
  "exec_start",
  "exec_end",
  "exec_reject",
] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A captured console line or router event. */
export interface LogEntry {
  requestId: string;
  /** "" for entries without a function. */
  functionId: string;
  level: LogLevel;
  message: string;
  /** JSON text, absent when there is nothing to add. */
  args?: string;
  /** Capture time, ms since the epoch. */
  timestamp: number;
}

export interface LogWriterOptions {
  now?: () => number;
  /** Entries held in memory at most; a burst beyond it is dropped and counted. */
  maxPending?: number;
}

const SETTINGS_REREAD_MS = 5000;
/**
 * A backlog is written in slices of this size (about 2-3 ms of inserts): the other writers of the
 * file (and, with the direct sink, requests) wait at most that long for one of its transactions.
 */
const MAX_ROWS_PER_FLUSH = 500;
/** While entries are being dropped, the server log hears about it at most this often. */
const DROP_REPORT_INTERVAL_MS = 1000;

/**
 * Owns the `logs` table's write path. Appends only touch memory; a flush hands one batch to the
 * sink (one transaction), right after the code that filled a batch (on the next microtask) or
 * `log.batching.max-delay-ms` after the first waiting entry, and one flush at a time. The buffer
 * is bounded: handlers that log faster than SQLite can take lose the excess, counted in the
 * server log, rather than growing the daemon's memory without limit.
 */
export class LogWriter {
  private buffer: LogEntry[] = [];
  /** A batch whose insert failed once; it goes again, before anything newer, after a delay. */
  private failed: LogEntry[] | undefined;
  /** The flush queued or under way; none other starts before it has ended. */
  private flushing: Promise<void> | undefined;
  /** The batch the sink is writing, and the functions deleted meanwhile that have entries in it. */
  private writing: readonly LogEntry[] = [];
  private readonly deletedWhileWriting = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private dropped = 0;
  private dropsReportedAt = Number.NEGATIVE_INFINITY;
  private maxBatchSize = 0;
  private maxDelayMs = 0;
  private settingsReadAt = 0;
  private readonly now: () => number;
  private readonly maxPending: number;
  private readonly deleteForFunction: (functionId: string) => void;

  /** `db` is the main connection: a function's stored entries go in its deleting transaction there. */
  constructor(
    private readonly sink: LogSink,
    db: Db,
    private readonly settings: SettingsService,
    private readonly log: ServerLog,
    scopes: ScopeCleanup,
    options: LogWriterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.maxPending = options.maxPending ?? 100_000;
    const deleteForFunction = db.prepare("DELETE FROM logs WHERE function_id = ?");
    this.deleteForFunction = (functionId) => deleteForFunction.run(functionId);
    scopes.register((scope, id) => {
      if (scope !== "function") return;
      this.deleteForFunction(id);
      // Still-buffered entries of the function would otherwise be written after the deletion.
      const keep = (entry: LogEntry) => entry.functionId !== id;
      this.buffer = this.buffer.filter(keep);
      this.failed = this.failed?.filter(keep);
      // The sink may commit them after this transaction: they are deleted once written.
      if (!this.writing.every(keep)) this.deletedWhileWriting.add(id);
    });
    this.readSettings();
  }

  append(entry: LogEntry): void {
    if (this.closed) return;
    if (this.buffer.length >= this.maxPending) {
      this.dropped++;
      return;
    }
    this.buffer.push(entry);
    this.schedule(false);
  }

  appendMany(entries: readonly LogEntry[]): void {
    if (this.closed) return;
    const room = Math.max(0, this.maxPending - this.buffer.length);
    const kept = Math.min(room, entries.length);
    this.dropped += entries.length - kept;
    // A loop, not push(...entries): spreading a huge array overflows the call stack.
    for (let i = 0; i < kept; i++) this.buffer.push(entries[i] as LogEntry);
    this.schedule(false);
  }

  /** Settles once the flush queued or under way, if any, has ended; one waiting for its delay is not awaited. */
  async flushed(): Promise<void> {
    await this.flushing;
  }

  /** Writes everything still buffered (a failing batch gets its one retry now), then closes the sink; later appends are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.flushing;
    while (this.failed !== undefined || this.buffer.length > 0) await this.flush();
    await this.sink.close();
  }

  private schedule(backlog: boolean): void {
    if (this.closed || this.flushing !== undefined) return;
    if (this.failed === undefined && this.buffer.length >= this.maxBatchSize) {
      clearTimeout(this.timer);
      this.timer = undefined;
      // A full batch is written right after the code that filled it; a leftover backlog lets pending I/O go first.
      this.startFlush(backlog ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve());
    } else if (this.timer === undefined && (this.failed !== undefined || this.buffer.length > 0)) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.startFlush(Promise.resolve());
      }, this.maxDelayMs);
      this.timer.unref();
    }
  }

  /** Flushes once `turn` has come, then schedules whatever is left. */
  private startFlush(turn: Promise<unknown>): void {
    this.flushing = turn
      .then(() => this.flush())
      .then(() => {
        this.flushing = undefined;
        this.schedule(true);
      });
  }

  /** One batch to the sink; never rejects. */
  private async flush(): Promise<void> {
    const retrying = this.failed !== undefined;
    const batch = this.failed ?? this.buffer.splice(0, MAX_ROWS_PER_FLUSH);
    this.failed = undefined;
    if (batch.length > 0) {
      this.writing = batch;
      try {
        await this.sink.insert(batch);
      } catch (error) {
        if (retrying) this.log.warn(`dropped ${batch.length} execution log entries, their write failed twice: ${(error as Error).message}`);
        else this.failed = batch.filter((entry) => !this.deletedWhileWriting.has(entry.functionId));
      }
      this.writing = [];
      this.deleteWrittenOfDeleted();
      if (this.now() - this.settingsReadAt >= SETTINGS_REREAD_MS) this.readSettings();
    }
    this.reportDrops();
  }

  /** Entries of functions deleted while their batch was being written: gone too, if it was stored. */
  private deleteWrittenOfDeleted(): void {
    try {
      for (const id of this.deletedWhileWriting) this.deleteForFunction(id);
    } catch (error) {
      this.log.error("could not delete the execution log entries of a deleted function", error);
    }
    this.deletedWhileWriting.clear();
  }

  /** Once the backlog is gone, or at most once a second while it lasts. */
  private reportDrops(): void {
    if (this.dropped === 0) return;
    const now = this.now();
    if (this.buffer.length > 0 && now - this.dropsReportedAt < DROP_REPORT_INTERVAL_MS) return;
    this.log.warn(
      `dropped ${this.dropped} execution log entries: they arrived faster than they could be written (at most ${this.maxPending} wait in memory)`,
    );
    this.dropped = 0;
    this.dropsReportedAt = now;
  }

  private readSettings(): void {
    this.maxBatchSize = this.settings.getInteger("log.batching.max-batch-size");
    this.maxDelayMs = this.settings.getInteger("log.batching.max-delay-ms");
    this.settingsReadAt = this.now();
  }
}
