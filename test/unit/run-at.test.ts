import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runAt } from "../../daemon/scheduler/run-at.js";

const DAY_MS = 86_400_000;

describe("runAt", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("waits beyond setTimeout's 24.8-day limit instead of firing at once", () => {
    const task = vi.fn();
    runAt(new Date(Date.now() + 90 * DAY_MS), task);
    vi.advanceTimersByTime(30 * DAY_MS);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60 * DAY_MS - 1);
    expect(task).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(task).toHaveBeenCalledTimes(1);
  });

  it("runs a moment in the past at once, and not at all once cancelled", () => {
    const past = vi.fn();
    runAt(new Date(Date.now() - 1000), past);
    vi.advanceTimersByTime(0);
    expect(past).toHaveBeenCalledTimes(1);

    const cancelled = vi.fn();
    const cancel = runAt(new Date(Date.now() + 40 * DAY_MS), cancelled);
    vi.advanceTimersByTime(30 * DAY_MS);
    cancel();
    vi.advanceTimersByTime(20 * DAY_MS);
    expect(cancelled).not.toHaveBeenCalled();
  });
});
