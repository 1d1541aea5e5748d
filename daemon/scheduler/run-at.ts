// setTimeout fires at once for delays beyond 2^31-1 ms (≈24.8 days): longer waits are chained.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `task` at `when` (at once if it has passed); returns a cancel function. The timer never keeps the process alive. */
export function runAt(when: Date, task: () => void): () => void {
  let timer: NodeJS.Timeout;
  const arm = () => {
    const wait = when.getTime() - Date.now();
    if (wait <= 0) {
      timer = setTimeout(task, 0);
    } else {
      timer = setTimeout(arm, Math.min(wait, MAX_TIMER_MS));
    }
    timer.unref();
  };
  arm();
  return () => clearTimeout(timer);
}
