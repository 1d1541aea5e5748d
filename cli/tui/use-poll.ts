import { useCallback, useEffect, useRef, useState } from "react";
import { useFrameClock } from "./frame-clock.js";

export interface Poll<T> {
  /** The last value read; kept while later reads fail, so a lost daemon leaves the last picture up. */
  data: T | undefined;
  /** The last read's failure, cleared by the next success. */
  error: unknown;
  /** Reads again now (after an action changed what is shown). */
  refresh(): void;
}

/** Two reads are the same when their JSON is: most reads of an idle daemon repeat the last one. */
const sameJson = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Reads `load` now and then every `intervalMs` after the previous read finished, so a slow
 * daemon is never asked twice at once. What it reads is shown on the frame clock's next beat,
 * and a read equal to the last one changes nothing, so it draws nothing. Stops on unmount.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number): Poll<T> {
  const clock = useFrameClock();
  const [state, setState] = useState<{ data: T | undefined; error: unknown }>({ data: undefined, error: undefined });
  const loadRef = useRef(load);
  loadRef.current = load;
  const wake = useRef<() => void>(() => {});

  useEffect(() => {
    let stopped = false;
    let running = false;
    let again = false;
    let timer: NodeJS.Timeout | undefined;
    const key = {};
    const show = (update: (previous: { data: T | undefined; error: unknown }) => { data: T | undefined; error: unknown }) =>
      clock.schedule(key, () => {
        if (!stopped) setState(update);
      });
    const tick = async () => {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        const data = await loadRef.current();
        show((previous) => (previous.error === undefined && sameJson(previous.data, data) ? previous : { data, error: undefined }));
      } catch (error) {
        show((previous) => ({ data: previous.data, error }));
      }
      running = false;
      if (stopped) return;
      if (again) {
        again = false;
        void tick();
      } else timer = setTimeout(tick, intervalMs);
    };
    wake.current = () => void tick();
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [intervalMs, clock]);

  const refresh = useCallback(() => wake.current(), []);
  return { ...state, refresh };
}
