import { useEffect, useState } from "react";

/** What the dashboard needs of its terminal: a size and a resize event (process.stdout, or a stand-in in tests). */
export interface Screen {
  columns?: number;
  rows?: number;
  on(event: "resize", listener: () => void): unknown;
  off(event: "resize", listener: () => void): unknown;
}

export interface ScreenSize {
  columns: number;
  rows: number;
}

const read = (screen: Screen): ScreenSize => ({ columns: screen.columns || 80, rows: screen.rows || 24 });

/** The terminal's size, updated when it is resized. */
export function useScreenSize(screen: Screen): ScreenSize {
  const [size, setSize] = useState(() => read(screen));
  useEffect(() => {
    const resized = () =>
      setSize((previous) => {
        const next = read(screen);
        return next.columns === previous.columns && next.rows === previous.rows ? previous : next;
      });
    screen.on("resize", resized);
    resized();
    return () => {
      screen.off("resize", resized);
    };
  }, [screen]);
  return size;
}
