import { useCallback, useRef, useState } from "react";

/**
 * State whose newest value key handlers can read at once: Ink may hand over the next key
 * before React has drawn the previous one's update (a paste, a fast typist), and a handler that
 * read the drawn value would act on a prompt that is already closed.
 */
export function useSyncedState<T>(initial: T): [T, (next: T) => void, { readonly current: T }] {
  const [value, setValue] = useState(initial);
  const latest = useRef(initial);
  const set = useCallback((next: T) => {
    latest.current = next;
    setValue(next);
  }, []);
  return [value, set, latest];
}
