import type { ServerLog } from "../runtime/server-log.js";
import type { SettingsService } from "../settings/service.js";

export interface IntervalJobOptions {
  /** Shown in the daemon's log. */
  name: string;
  /** The setting holding the interval in seconds; a change re-arms the timer at once. */
  intervalSetting: string;
  /** One run; its result is logged at debug level. A failure is logged and the schedule goes on. */
  run: () => Promise<unknown> | unknown;
  /** Run once right after start (catch-up after downtime) instead of one interval later. */
  runAtStart?: boolean;
}

/**
 * A `sequential_interval` schedule (spec: runtime §2): the next run is due one interval after
 * the previous one ended, so runs never overlap, and a failed run only waits for the next one.
 */
export class IntervalJob {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly options: IntervalJobOptions,
    private readonly settings: SettingsService,
    private readonly log: ServerLog,
  ) {
    this.unsubscribe = settings.onChange((changed) => {
      if (changed.has(options.intervalSetting) && this.running === undefined) this.arm();
    });
  }

  start(): void {
    if (this.options.runAtStart) this.arm(0);
    else this.arm();
  }

  /** Runs now, unless a run is under way (then waits for that one); the schedule restarts after it. */
  async runNow(): Promise<void> {
    if (this.running === undefined) this.fire();
    await this.running;
  }

  /** Cancels the timer and waits for a run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(delayMs = this.settings.getInteger(this.options.intervalSetting) * 1000): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.fire(), delayMs);
    // A schedule alone never keeps the daemon alive.
    this.timer.unref();
  }

  private fire(): void {
    clearTimeout(this.timer);
    this.running = (async () => {
      try {
        const result = await this.options.run();
        if (result !== undefined) this.log.debug(`${this.options.name}: ${JSON.stringify(result)}`);
      } catch (error) {
        this.log.error(`${this.options.name} failed`, error);
      }
    })().finally(() => {
      this.running = undefined;
      this.arm();
    });
  }
}
