import { setTimeout as sleep } from "node:timers/promises";
import type { EncryptionStatusBody } from "../../src/api-types.js";
import type { EncryptedColumn } from "../db/encrypted-column.js";
import type { ServerLog } from "../runtime/server-log.js";
import { runAt } from "../scheduler/run-at.js";
import type { SettingsService } from "../settings/service.js";
import type { Keyring } from "./keyring.js";

const DAY_MS = 86_400_000;
/** The longest one batch may hold the event loop; a larger batch-size is cut into slices. */
const BATCH_BUDGET_MS = 10;
/** When a changed interval puts the next rotation in the past, it waits this long (as the reference does). */
const GRACE_AFTER_INTERVAL_CHANGE_MS = 5 * 60_000;

export class RotationInProgressError extends Error {
  constructor() {
    super("Key rotation is already in progress");
    this.name = "RotationInProgressError";
  }
}

export interface RotationResult {
  currentVersion: string;
  reencrypted: number;
  /** Values that did not decrypt before the rotation either; they stay unreadable and are logged. */
  failed: number;
}

/**
 * Re-encrypts every encrypted column under a new key, on a schedule or on demand.
 * Crash-safe by ordering: the new key is saved (with the old one kept as phased-out) before any
 * row changes, each batch commits on its own, and only when no row of the old version is left
 * is the old key dropped. A daemon killed in between loads both keys and resumes at start.
 *
 * Batches run synchronously inside one transaction each, so no encrypt or decrypt elsewhere in
 * the daemon can interleave with a batch; between batches the event loop serves requests.
 */
export class KeyRotation {
  private running: Promise<RotationResult> | undefined;
  private progress: { done: number; total: number } | undefined;
  private cancelTimer: () => void = () => {};
  private stopped = false;
  private readonly rotatedListeners: (() => void)[] = [];

  constructor(
    private readonly keyring: Keyring,
    private readonly columns: readonly EncryptedColumn[],
    private readonly settings: SettingsService,
    private readonly log: ServerLog,
  ) {}

  /** Calls `listener` after every completed rotation (login sessions end there: their secret was replaced). */
  onRotated(listener: () => void): void {
    this.rotatedListeners.push(listener);
  }

  /** Resumes an unfinished rotation in the background and schedules the next automatic one. */
  start(): void {
    if (this.keyring.phasedOutVersion !== null) {
      this.log.warn(`resuming the unfinished rotation away from key version ${this.keyring.phasedOutVersion}`);
      this.runInBackground();
    } else {
      this.scheduleAt(this.dueAt());
    }
    this.settings.onChange((changed) => {
      if (!changed.has("encryption.key-rotation.interval-days") || this.running) return;
      const due = this.dueAt();
      this.scheduleAt(due.getTime() > Date.now() ? due : new Date(Date.now() + GRACE_AFTER_INTERVAL_CHANGE_MS));
    });
  }

  /** Stops scheduling; a running rotation stops after its current batch and resumes at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer();
    await this.running?.catch(() => {});
  }

  status(now = new Date()): EncryptionStatusBody {
    const last = this.keyring.lastRotationFinishedAt;
    const body: EncryptionStatusBody = {
      lastRotationAt: last.toISOString(),
      daysSinceRotation: Math.floor((now.getTime() - last.getTime()) / DAY_MS),
      nextRotationAt: this.dueAt().toISOString(),
      rotationIntervalDays: this.intervalDays(),
      currentVersion: this.keyring.currentVersion,
      isInProgress: this.keyring.phasedOutVersion !== null,
    };
    if (this.progress) body.progress = { ...this.progress };
    return body;
  }

  /** Runs a rotation now (or finishes an unfinished one); refuses while one is running. */
  rotate(): Promise<RotationResult> {
    if (this.running) return Promise.reject(new RotationInProgressError());
    const run = this.execute().finally(() => {
      this.running = undefined;
      this.progress = undefined;
      if (!this.stopped) this.scheduleAt(this.dueAt());
    });
    this.running = run;
    return run;
  }

  private runInBackground(): void {
    this.rotate().catch((error) => {
      if (error instanceof RotationInProgressError) return;
      this.log.error("key rotation failed (it resumes at the next start or rotation)", error);
    });
  }

  private async execute(): Promise<RotationResult> {
    if (this.keyring.phasedOutVersion === null) {
      this.keyring.beginRotation();
      this.log.info(`key rotation started: new key version ${this.keyring.currentVersion}`);
    }
    const from = this.keyring.phasedOutVersion as string;
    this.progress = { done: 0, total: this.columns.reduce((sum, column) => sum + column.countVersion(from), 0) };
    const result: RotationResult = { currentVersion: this.keyring.currentVersion, reencrypted: 0, failed: 0 };
    const recrypt = (stored: string) => this.keyring.encrypt(this.keyring.decrypt(stored));

    for (const column of this.columns) {
      let after = "";
      for (;;) {
        if (this.stopped) throw new Error("the daemon is stopping; the rotation resumes at the next start");
        const size = this.settings.getInteger("encryption.key-rotation.batch-size");
        const batch = column.reencrypt(from, after, size, BATCH_BUDGET_MS, recrypt);
        result.reencrypted += batch.rewritten;
        result.failed += batch.failedIds.length;
        this.progress.done += batch.processed;
        for (const id of batch.failedIds) this.log.error(`${column.name} of row ${id} does not decrypt; it stays unreadable`);
        if (batch.lastId === undefined) break;
        after = batch.lastId;
        // A pause between batches, and always a turn of the event loop so requests are served.
        await sleep(this.settings.getInteger("encryption.key-rotation.batch-sleep-ms"));
      }
    }
    this.keyring.finishRotation();
    for (const listener of this.rotatedListeners) listener();
    this.log.info(`key rotation finished: ${result.reencrypted} values now use key version ${result.currentVersion}`);
    return result;
  }

  private intervalDays(): number {
    return this.settings.getInteger("encryption.key-rotation.interval-days");
  }

  private dueAt(): Date {
    return new Date(this.keyring.lastRotationFinishedAt.getTime() + this.intervalDays() * DAY_MS);
  }

  private scheduleAt(when: Date): void {
    this.cancelTimer();
    this.cancelTimer = runAt(when, () => this.runInBackground());
  }
}
