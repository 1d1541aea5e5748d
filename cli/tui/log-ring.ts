/**
 * The newest `capacity` items, addressed by absolute position (the count of items ever pushed
 * before them), so a view anchored at a position stays put while newer items arrive.
 */
export class LogRing<T> {
  private items: T[] = [];
  private start = 0;

  constructor(readonly capacity: number) {}

  /** The position of the oldest item kept. */
  get first(): number {
    return this.start;
  }

  /** The position after the newest item: how many were ever pushed. */
  get end(): number {
    return this.start + this.items.length;
  }

  push(values: readonly T[]): void {
    for (const value of values) this.items.push(value);
    const over = this.items.length - this.capacity;
    if (over > 0) {
      this.items.splice(0, over);
      this.start += over;
    }
  }

  at(position: number): T | undefined {
    return position < this.start ? undefined : this.items[position - this.start];
  }

  clear(): void {
    this.start = this.end;
    this.items = [];
  }
}

/**
 * The screen lines of the items that end just before `end`, newest at the bottom: as many
 * items as fit in `height` lines (an item may span several lines; the oldest one shown may be
 * cut at its top). Also says how many items are shown, for paging.
 */
export function linesBefore<T>(
  ring: LogRing<T>,
  end: number,
  height: number,
  render: (item: T) => string[],
): { lines: string[]; items: number } {
  const lines: string[] = [];
  let items = 0;
  for (let position = Math.min(end, ring.end) - 1; position >= ring.first && lines.length < height; position--) {
    const item = ring.at(position);
    if (item === undefined) break;
    lines.unshift(...render(item));
    items++;
  }
  return { lines: lines.slice(Math.max(0, lines.length - height)), items };
}
