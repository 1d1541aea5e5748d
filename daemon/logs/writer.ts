import type { Db } from "../db/database.js";
import type { ScopeCleanup } from "../db/scope-cleanup.js";
import type { ServerLog } from "../runtime/server-log.js";
import type { SettingsService } from "../settings/service.js";
import { entryBytes, type LogAmount, LogBacklog } from "./backlog.js";
import type { LogSink } from "./sink.js";
import type { TrimLimits, TrimResult } from "./trim.js";

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

/** How much may wait in memory to be written, counted in entries and in approximate bytes. */
export interface LogBufferBounds {
  /** Above this (held here plus on its way from the workers), handlers that log wait until it is down to half. */
  holdAbove: LogAmount;
  /** Beyond this, what nobody can hold back (router events, handlers past their deadline) is dropped and counted. */
  dropAbove: LogAmount;
}

export interface LogWriterOptions {
  now?: () => number;
  bounds?: Partial<LogBufferBounds>;
  /** Each batch once stored, with its rows' ids in batch order. Runs on the write path: keep it synchronous and cheap. */
  onStored?: (entries: readonly LogEntry[], ids: readonly number[]) => void;
}

const MIB = 1024 * 1024;
const DEFAULT_BOUNDS: LogBufferBounds = {
  holdAbove: { entries: 10_000, bytes: 16 * MIB },
  dropAbove: { entries: 100_000, bytes: 256 * MIB },
};
const SETTINGS_REREAD_MS = 5000;
/**
 * A backlog is written in slices of this size (about 2-3 ms of inserts): the other writers of the
 * file (and, with the direct sink, requests) wait at most that long for one of its transactions.
 */
const MAX_ROWS_PER_FLUSH = 500;
const MAX_BYTES_PER_FLUSH = 4 * MIB;
/** Drops and hold-backs reach the server log at most this often while they last. */
const REPORT_INTERVAL_MS = 1000;

/** Hold-backs since the last report. */
interface Pressure {
  times: number;
  ms: number;
  /** The most the writer held meanwhile. */
  peak: LogAmount;
}

const size = (entries: readonly LogEntry[]) => entries.reduce((sum, entry) => sum + entryBytes(entry), 0);

/**
 * Owns the `logs` table's write path. Appends only touch memory; a flush hands one batch to the
 * sink (one transaction), right after the code that filled a batch (on the next microtask) or
 * `log.batching.max-delay-ms` after the first waiting entry, and one flush at a time. Memory is
 * bounded without losing entries: past `holdAbove` the handler workers hold back their logging
 * (see backlog.ts) until the writer has caught up.
 */
export class LogWriter {
  /** Shared with the handler workers, whose logging it holds back. */
  readonly backlog: LogBacklog;
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
  private pressure: Pressure = { times: 0, ms: 0, peak: { entries: 0, bytes: 0 } };
  /** When the backlog last went above the high mark; unset once it is down to half. */
  private crowdedSince: number | undefined;
  private reportedAt = Number.NEGATIVE_INFINITY;
  private maxBatchSize = 0;
  private maxDelayMs = 0;
  private settingsReadAt = 0;
  private readonly now: () => number;
  private readonly bounds: LogBufferBounds;
  private readonly deleteForFunction: (functionId: string) => void;

  /** `db` is the main connection: a function's stored entries go in its deleting transaction there. */
  constructor(
    private readonly sink: LogSink,
    db: Db,
    private readonly settings: SettingsService,
    private readonly log: ServerLog,
    scopes: ScopeCleanup,
    private readonly options: LogWriterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.bounds = { ...DEFAULT_BOUNDS, ...options.bounds };
    this.backlog = new LogBacklog(this.bounds.holdAbove);
    const deleteForFunction = db.prepare("DELETE FROM logs WHERE function_id = ?");
    this.deleteForFunction = (functionId) => deleteForFunction.run(functionId);
    scopes.register((scope, id) => {
      if (scope !== "function") return;
      this.deleteForFunction(id);
      // Still-buffered entries of the function would otherwise be written after the deletion.
      const keep = (entry: LogEntry) => entry.functionId !== id;
      this.buffer = this.without(this.buffer, keep);
      this.failed = this.failed && this.without(this.failed, keep);
      // The sink may commit them after this transaction: they are deleted once written.
      if (!this.writing.every(keep)) this.deletedWhileWriting.add(id);
    });
    this.readSettings();
  }

  append(entry: LogEntry): void {
    this.appendMany([entry]);
  }

  appendMany(entries: readonly LogEntry[]): void {
    if (this.closed) return;
    this.take(entries);
    this.schedule(false);
  }

  /** A batch from a handler worker, which counted it as sent (`bytes` as `entryBytes` sums it). */
  appendSent(entries: readonly LogEntry[], bytes: number): void {
    this.backlog.arrived(entries.length, bytes);
    this.appendMany(entries);
  }

  /** Deletes the stored entries `limits` no longer keep, on the sink's thread, in small transactions. */
  trim(limits: TrimLimits, signal?: AbortSignal): Promise<TrimResult> {
    return this.sink.trim(limits, signal);
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
    this.report(true);
    await this.sink.close();
  }

  /** Into the buffer, as far as `dropAbove` leaves room. */
  private take(entries: readonly LogEntry[]): void {
    const { dropAbove } = this.bounds;
    const held = this.backlog.held;
    let taken = 0;
    let takenBytes = 0;
    for (const entry of entries) {
      const bytes = entryBytes(entry);
      if (held.entries + taken >= dropAbove.entries || held.bytes + takenBytes + bytes > dropAbove.bytes) {
        this.dropped++;
        continue;
      }
      this.buffer.push(entry);
      taken++;
      takenBytes += bytes;
    }
    this.backlog.hold(taken, takenBytes);
    const { peak } = this.pressure;
    peak.entries = Math.max(peak.entries, held.entries + taken);
    peak.bytes = Math.max(peak.bytes, held.bytes + takenBytes);
    if (this.crowdedSince === undefined && this.backlog.above(1)) {
      this.crowdedSince = this.now();
      this.pressure.times++;
    }
  }

  /** `entries` without the ones `keep` refuses, which are let go. */
  private without(entries: LogEntry[], keep: (entry: LogEntry) => boolean): LogEntry[] {
    const kept = entries.filter(keep);
    if (kept.length < entries.length) this.release(entries.filter((entry) => !keep(entry)));
    return kept;
  }

  private release(entries: readonly LogEntry[]): void {
    this.backlog.release(entries.length, size(entries));
    if (this.crowdedSince !== undefined && !this.backlog.above(0.5)) {
      this.pressure.ms += this.now() - this.crowdedSince;
      this.crowdedSince = undefined;
    }
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

  /** The oldest entries, as many as one transaction takes. */
  private nextSlice(): LogEntry[] {
    let end = 0;
    let bytes = 0;
    while (end < this.buffer.length && end < MAX_ROWS_PER_FLUSH && bytes < MAX_BYTES_PER_FLUSH) {
      bytes += entryBytes(this.buffer[end++] as LogEntry);
    }
    return this.buffer.splice(0, end);
  }

  /** One batch to the sink; never rejects. */
  private async flush(): Promise<void> {
    const retrying = this.failed !== undefined;
    const batch = this.failed ?? this.nextSlice();
    this.failed = undefined;
    if (batch.length > 0) {
      this.writing = batch;
      const outcome = await this.sink.insert(batch).then(
        (ids) => ({ ids }),
        (error: Error) => ({ error }),
      );
      this.writing = [];
      if ("ids" in outcome) {
        this.release(batch);
        this.announce(batch, outcome.ids);
      } else if (retrying) {
        this.log.warn(`dropped ${batch.length} execution log entries, their write failed twice: ${outcome.error.message}`);
        this.release(batch);
      } else {
        this.failed = this.without(batch, (entry) => !this.deletedWhileWriting.has(entry.functionId));
      }
      this.deleteWrittenOfDeleted();
      if (this.now() - this.settingsReadAt >= SETTINGS_REREAD_MS) this.readSettings();
    }
    this.report(false);
  }

  private announce(batch: readonly LogEntry[], ids: readonly number[]): void {
    try {
      this.options.onStored?.(batch, ids);
    } catch (error) {
      this.log.error("a listener of stored execution log entries failed", error);
    }
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

  /** Drops and hold-backs, at most once a second while they go on; `final` reports what is left. */
  private report(final: boolean): void {
    const now = this.now();
    if (!final && now - this.reportedAt < REPORT_INTERVAL_MS) return;
    const { times, peak } = this.pressure;
    if (this.dropped === 0 && times === 0 && this.crowdedSince === undefined) return;
    if (this.dropped > 0) {
      const { dropAbove } = this.bounds;
      this.log.warn(
        `dropped ${this.dropped} execution log entries: they arrived faster than they could be written ` +
          `(at most ${dropAbove.entries} entries or ${mib(dropAbove.bytes)} wait in memory)`,
      );
    }
    if (this.crowdedSince !== undefined) {
      this.pressure.ms += now - this.crowdedSince;
      this.crowdedSince = now;
    }
    if (this.pressure.ms > 0 || times > 0) {
      const { holdAbove } = this.bounds;
      this.log.info(
        `handlers logged faster than their logs could be written and were held back for ${this.pressure.ms} ms (${times} time(s)); ` +
          `at most ${peak.entries} entries (${mib(peak.bytes)}) waited in memory (handlers wait above ${holdAbove.entries} entries or ${mib(holdAbove.bytes)})`,
      );
    }
    this.dropped = 0;
    this.pressure = { times: 0, ms: 0, peak: this.backlog.held };
    this.reportedAt = now;
  }

  private readSettings(): void {
    this.maxBatchSize = this.settings.getInteger("log.batching.max-batch-size");
    this.maxDelayMs = this.settings.getInteger("log.batching.max-delay-ms");
    this.settingsReadAt = this.now();
  }
}

const mib = (bytes: number) => `${(bytes / MIB).toFixed(1)} MiB`;
