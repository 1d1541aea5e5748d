// setTimeout fires at once for delays beyond 2^31-1 ms (≈24.8 days): longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `task` at `when` (at once if it has passed); returns a cancel function. The timer never keeps the process alive. */
export function runAt(when: Date, task: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = Math.max(when.getTime() - Date.now(), 0);
    timer = wait > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(task, wait);
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
