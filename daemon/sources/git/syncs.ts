import type { Source } from "../../../src/api-types.js";
import { newId } from "../../db/ids.js";
import type { ServerLog } from "../../runtime/server-log.js";
import { IntervalJob } from "../../scheduler/interval-job.js";
import type { SettingsService } from "../../settings/service.js";
import type { SyncOutcome, SyncRecords } from "../sync-records.js";
import type { Checkouts } from "./checkouts.js";
import { SyncFailure } from "./git-process.js";
import { insecureHttpAllowed } from "./settings.js";
import { updateCheckout } from "./update-checkout.js";

export type SyncTrigger = "manual" | "interval" | "webhook";

/** Longest a sync may take, fetch and npm install included; a hanging one is killed. */
const SYNC_TIMEOUT_MS = 5 * 60_000;

/** A replaced checkout is removed this much later: a request that began before the swap may still read files there. */
const RETIRE_AFTER_MS = 60_000;

export const INTERRUPTED = "Sync interrupted: the daemon stopped before it finished";

interface RunningSync {
  abort: AbortController;
  /** Settles once this sync and the follow-ups it gathered have ended. */
  done: Promise<void>;
  /** Asked for while it ran (a webhook, an interval tick, a changed ref): one more sync right after it. */
  followUp: SyncTrigger | undefined;
}

export interface GitSyncsDeps {
  records: SyncRecords;
  checkouts: Checkouts;
  settings: SettingsService;
  log: ServerLog;
  /** A source's tree was swapped: what was loaded from `path` is stale. */
  onChange: (path: string) => void;
}

/**
 * Runs the syncs of git sources: at most one per source at a time, each triggered by hand,
 * by a webhook or by the source's interval schedule (`source_sync_<id>`: the next run is due
 * one interval after the previous one ended).
 */
export class GitSyncs {
  private readonly running = new Map<string, RunningSync>();
  private readonly schedules = new Map<string, IntervalJob>();
  /** Sources being deleted: nothing may start a sync for them any more. */
  private readonly removed = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: GitSyncsDeps) {}

  /** Starts a sync and answers its job ID; null while one is running, as nothing is queued. */
  async start(sourceId: string, trigger: SyncTrigger): Promise<string | null> {
    if (this.running.has(sourceId) || this.removed.has(sourceId) || this.stopped) return null;
    const sync: RunningSync = { abort: new AbortController(), done: Promise.resolve(), followUp: undefined };
    // Registered before the first await: a second request in the meantime finds this one.
    this.running.set(sourceId, sync);
    const started = this.deps.records.started(sourceId);
    sync.done = started
      .then(() => this.runWithFollowUps(sourceId, trigger, sync))
      .catch((error) => this.deps.log.error(`the sync of source ${sourceId} failed unexpectedly`, error))
      .finally(() => this.running.delete(sourceId));
    await started;
    const jobId = newId();
    this.deps.log.debug(`source ${sourceId}: sync ${jobId} started (${trigger})`);
    return jobId;
  }

  /**
   * Starts a sync, or, while one runs, has exactly one more run after it (answering null): a
   * push announced during a sync is fetched even if that sync had already asked for the ref.
   */
  async request(sourceId: string, trigger: SyncTrigger): Promise<string | null> {
    const running = this.running.get(sourceId);
    if (running === undefined) return this.start(sourceId, trigger);
    // A cancelled sync (source being deleted, daemon stopping) gets no follow-up.
    if (!running.abort.signal.aborted) running.followUp ??= trigger;
    return null;
  }

  /** Arms the source's interval schedule anew from its settings; none while disabled or at 0. */
  schedule(source: Source): void {
    // A tick under way finishes on its own; it only waits for its sync.
    void this.schedules.get(source.id)?.stop();
    this.schedules.delete(source.id);
    const seconds = source.syncSettings.intervalSeconds ?? 0;
    if (this.stopped || this.removed.has(source.id) || !source.enabled || !(seconds > 0)) return;
    const job = new IntervalJob(
      { name: `source_sync_${source.id}`, intervalMs: () => seconds * 1000, run: () => this.tick(source.id) },
      this.deps.settings,
      this.deps.log,
    );
    this.schedules.set(source.id, job);
    job.start();
  }

  /** Before the source is deleted: its schedule ends, a running sync is cancelled, its checkouts go. */
  async remove(source: Pick<Source, "id" | "name">): Promise<void> {
    this.removed.add(source.id);
    const scheduleStopped = this.schedules.get(source.id)?.stop();
    this.schedules.delete(source.id);
    const running = this.running.get(source.id);
    running?.abort.abort(new SyncFailure("Sync cancelled: the source is being deleted"));
    await Promise.all([running?.done, scheduleStopped]);
    await this.deps.checkouts.remove(source.id, source.name);
  }

  /**
   * At daemon start: syncs the previous daemon left running are marked failed, leftover
   * checkouts are removed, and interval schedules resume.
   */
  async restore(sources: readonly Source[]): Promise<void> {
    const interrupted = await this.deps.records.resetInterrupted(INTERRUPTED);
    if (interrupted > 0) this.deps.log.warn(`${interrupted} source sync(s) were cut short when the daemon last stopped; marked as failed`);
    const git = sources.filter((source) => source.type === "git");
    await this.deps.checkouts.removeOrphans(new Set(git.map((source) => source.id)));
    for (const source of git) {
      await this.deps.checkouts.prune(source.id, source.name);
      this.schedule(source);
    }
  }

  /** At daemon stop: schedules end, running syncs are cancelled and recorded as interrupted. */
  async stop(): Promise<void> {
    this.stopped = true;
    const schedules = [...this.schedules.values()].map((job) => job.stop());
    const running = [...this.running.values()];
    for (const sync of running) sync.abort.abort(new SyncFailure(INTERRUPTED));
    await Promise.all([...schedules, ...running.map((sync) => sync.done)]);
  }

  private async tick(sourceId: string): Promise<void> {
    await this.request(sourceId, "interval");
    // Sequential: the next interval counts from the end of this sync (and of a follow-up it joined).
    await this.running.get(sourceId)?.done;
  }

  private async runWithFollowUps(sourceId: string, first: SyncTrigger, sync: RunningSync): Promise<void> {
    const takeFollowUp = () => {
      const next = sync.abort.signal.aborted ? undefined : sync.followUp;
      sync.followUp = undefined;
      return next;
    };
    let trigger: SyncTrigger | undefined = first;
    while (trigger !== undefined) {
      const outcome = await this.runOne(sourceId, trigger, sync.abort.signal);
      if (outcome === undefined) return;
      trigger = takeFollowUp();
      await this.deps.records.finished(sourceId, outcome, trigger !== undefined);
      // One that arrived while the end was being written must not be lost either.
      if (trigger === undefined) {
        trigger = takeFollowUp();
        if (trigger !== undefined) await this.deps.records.started(sourceId);
      }
    }
  }

  /** One sync; undefined when the source is gone. Never throws for a failed sync: the failure is its outcome. */
  private async runOne(sourceId: string, trigger: SyncTrigger, cancel: AbortSignal): Promise<SyncOutcome | undefined> {
    const began = Date.now();
    const elapsed = () => `${trigger}, ${Date.now() - began} ms`;
    let name = sourceId;
    try {
      const target = await this.deps.records.target(sourceId);
      if (target === undefined) return undefined;
      name = target.name;
      const signal = AbortSignal.any([cancel, AbortSignal.timeout(SYNC_TIMEOUT_MS)]);
      const update = await updateCheckout(target, this.deps.checkouts, insecureHttpAllowed(this.deps.settings), signal);
      if (update.replaced) {
        this.deps.onChange(this.deps.checkouts.link(name));
        this.retire(update.replaced.previous);
        this.deps.log.info(`source '${name}': synced ${update.commit} (${elapsed()})`);
      } else {
        this.deps.log.debug(`source '${name}': already at ${update.commit} (${elapsed()})`);
      }
      return { commit: update.commit };
    } catch (error) {
      const message = describeFailure(error);
      if (error instanceof SyncFailure || isTimeout(error)) this.deps.log.warn(`source '${name}': sync failed (${elapsed()}): ${message}`);
      else this.deps.log.error(`source '${name}': sync failed (${elapsed()})`, error);
      return { error: message };
    }
  }

  private retire(checkout: string | undefined): void {
    if (checkout === undefined) return;
    const timer = setTimeout(() => {
      this.deps.checkouts
        .discard(checkout)
        .catch((error) => this.deps.log.error(`could not remove the replaced checkout ${checkout}`, error));
    }, RETIRE_AFTER_MS);
    timer.unref();
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && error.name === "TimeoutError";
}

/** What lastSyncError says; SyncFailure messages are already free of credentials. */
function describeFailure(error: unknown): string {
  if (error instanceof SyncFailure) return error.message;
  if (isTimeout(error)) return `Sync timed out after ${SYNC_TIMEOUT_MS / 60_000} minutes`;
  return `Sync failed: ${error instanceof Error ? error.message : String(error)}`;
}
