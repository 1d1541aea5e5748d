import { createContext, useContext } from "react";

/** Beats while nothing is busy: a new log line or poll result is on screen at most this late. */
const QUIET_MS = 250;
/** Beats while log lines come faster than anyone reads them: at least this slow… */
const BUSY_MIN_MS = 500;
/** …and at most this slow, however long frames take. */
const BUSY_MAX_MS = 1500;
/**
 * The share of a core that drawing (Ink's renderer) may take while busy. Every frame costs Ink
 * the whole screen, ≈8–15 ms at 100×30 to 120×40 on the 2-core dev machine, and a frame costs
 * about twice its render time in all (React, garbage, the write): with the log stream's own
 * ≈2%, this keeps the dashboard under 5% of a core at 100 lines a second.
 */
const DRAW_BUDGET = 0.015;

/**
 * The beat that background updates (poll results, batches of log lines) wait for, so all that
 * arrived meanwhile is applied at once and drawn as one frame; keys are drawn at once.
 */
export class FrameClock {
  private readonly pending = new Map<object, () => void>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** A moving average of how long Ink took to draw a frame. */
  private drawMs = 0;
  /** Set by whoever sees the load (the log stream); makes the next beats slower. */
  busy = false;

  /** Runs `update` on the next beat; a later update under the same key replaces it. */
  schedule(key: object, update: () => void): void {
    if (this.stopped) return;
    this.pending.set(key, update);
    this.timer ??= setTimeout(this.beat, this.interval());
  }

  /** How long Ink took to draw the last frame (its onRender metric). */
  drawn(ms: number): void {
    this.drawMs = this.drawMs === 0 ? ms : this.drawMs * 0.8 + ms * 0.2;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.pending.clear();
  }

  private interval(): number {
    if (!this.busy) return QUIET_MS;
    return Math.min(BUSY_MAX_MS, Math.max(BUSY_MIN_MS, this.drawMs / DRAW_BUDGET));
  }

  private readonly beat = () => {
    this.timer = undefined;
    const updates = [...this.pending.values()];
    this.pending.clear();
    // State set in one task is drawn in one React commit, hence one Ink frame.
    for (const update of updates) update();
  };
}

export const FrameClockContext = createContext<FrameClock | undefined>(undefined);

export function useFrameClock(): FrameClock {
  const clock = useContext(FrameClockContext);
  if (!clock) throw new Error("the dashboard's components run inside its FrameClockContext");
  return clock;
}
