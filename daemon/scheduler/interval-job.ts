import type { ServerLog } from "../runtime/server-log.js";
import type { SettingsService } from "../settings/service.js";
import { runAt } from "./run-at.js";

export type IntervalJobOptions = {
  /** Shown in the daemon's log. */
  name: string;
  /** One run; its result is logged at debug level. A failure is logged and the schedule goes on. */
  run: () => Promise<unknown> | unknown;
  /** Run once right after start (catch-up after downtime) instead of one interval later. */
  runAtStart?: boolean;
} & (
  | {
      /** The setting holding the interval in seconds; a change re-arms the timer at once. */
      intervalSetting: string;
    }
  | {
      /** The interval in milliseconds, for a schedule that is not a setting's (a git source's sync). */
      intervalMs: () => number;
    }
);

/**
 * A `sequential_interval` schedule (spec: runtime §2): the next run is due one interval after
 * the previous one ended, so runs never overlap, and a failed run only waits for the next one.
 */
export class IntervalJob {
  private cancelTimer: () => void = () => {};
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly options: IntervalJobOptions,
    private readonly settings: SettingsService,
    private readonly log: ServerLog,
  ) {
    const setting = "intervalSetting" in options ? options.intervalSetting : undefined;
    this.unsubscribe =
      setting === undefined
        ? () => {}
        : settings.onChange((changed) => {
            if (changed.has(setting) && this.running === undefined) this.arm();
          });
  }

  start(): void {
    if (this.options.runAtStart) this.arm(0);
    else this.arm();
  }

  /** Cancels the timer and waits for a run under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.cancelTimer();
    await this.running;
  }

  private intervalMs(): number {
    const { options } = this;
    return "intervalMs" in options ? options.intervalMs() : this.settings.getInteger(options.intervalSetting) * 1000;
  }

  private arm(delayMs = this.intervalMs()): void {
    this.cancelTimer();
    if (this.stopped) return;
    // runAt's timer never keeps the daemon alive, and it copes with intervals beyond setTimeout's ~24.8 days.
    this.cancelTimer = runAt(new Date(Date.now() + delayMs), () => this.fire());
  }

  private fire(): void {
    this.cancelTimer();
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
