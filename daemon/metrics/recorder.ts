import type { Db } from "../db/database.js";
import type { ServerLog } from "../runtime/server-log.js";

/** Executions of one function inside one UTC minute that are not written yet. */
interface Fold {
  functionId: string;
  minute: number;
  count: number;
  /** Of `count`, the executions that failed. */
  errors: number;
  sumUs: number;
  maxUs: number;
  /** Time of the latest sample: the row's timestamp, inside the fold's minute. */
  lastAt: number;
}

const FLUSH_INTERVAL_MS = 1000;
const MINUTE_MS = 60_000;

/**
 * Owns the write path of the `metrics` table: one sample per completed execution.
 *
 * The spec stores one raw `execution` row per execution. Here samples are folded in memory
 * per function and UTC minute into {count, sum, max} and written once a second (and on close)
 * as `execution` rows carrying `execution_count = n`, `avg = sum / n`, `max`. A request then
 * costs a Map update instead of an INSERT, and the aggregation, which weights every row by
 * its `execution_count`, treats a row folded from n samples exactly like n single rows. A fold
 * never spans two minutes, so minute windows stay exact.
 */
export class MetricsRecorder {
  private readonly open = new Map<string, Fold>();
  /** Folds whose minute ended before the next flush. */
  private sealed: Fold[] = [];
  private closed = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly insertFolds: (folds: readonly Fold[]) => void;

  constructor(
    db: Db,
    private readonly log: ServerLog,
    options: { now?: () => number } = {},
  ) {
    this.now = options.now ?? Date.now;
    const insert = db.prepare(
      "INSERT INTO metrics (function_id, type, avg_time_us, max_time_us, execution_count, error_count, timestamp) VALUES (?, 0, ?, ?, ?, ?, ?)",
    );
    this.insertFolds = db.transaction((folds: readonly Fold[]) => {
      for (const fold of folds)
        insert.run(fold.functionId, Math.round(fold.sumUs / fold.count), fold.maxUs, fold.count, fold.errors, fold.lastAt);
    });
    this.timer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** One completed execution of `functionId` that took `durationUs`; `failed` when it ended in an error. */
  record(functionId: string, durationUs: number, failed = false): void {
    if (this.closed) return;
    const at = this.now();
    const minute = at - (at % MINUTE_MS);
    const us = Math.max(0, Math.round(durationUs));
    const fold = this.open.get(functionId);
    if (fold?.minute === minute) {
      fold.count++;
      if (failed) fold.errors++;
      fold.sumUs += us;
      if (us > fold.maxUs) fold.maxUs = us;
      fold.lastAt = at;
      return;
    }
    if (fold) this.sealed.push(fold);
    this.open.set(functionId, { functionId, minute, count: 1, errors: failed ? 1 : 0, sumUs: us, maxUs: us, lastAt: at });
  }

  /** Writes what is still in memory; later samples are ignored. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.flush();
  }

  /** Writes every sample recorded so far; the aggregation and the metrics query call it before they read. */
  flush(): void {
    const folds = [...this.sealed, ...this.open.values()];
    this.sealed = [];
    this.open.clear();
    if (folds.length === 0) return;
    try {
      this.insertFolds(folds);
    } catch (error) {
      // As the spec says for raw rows: a metric that cannot be stored is only reported.
      const samples = folds.reduce((sum, fold) => sum + fold.count, 0);
      this.log.error(`could not store the metrics of ${samples} executions`, error);
    }
  }
}
