/**
 * Flow control of captured handler logs, in memory shared by the main thread and the handler
 * workers. A handler can log far faster than SQLite stores, and console.log cannot wait for a
 * promise; so a worker counts what it sends, and once the writer's buffer plus what is still on
 * its way passes the high mark, a worker that logs blocks (Atomics.wait) until the writer has
 * brought the backlog down to half of it. Nothing is dropped and memory stays bounded.
 */

/** Slots of the shared Int32Array. */
const HELD_ENTRIES = 0;
const HELD_BYTES = 1;
/** Posted by workers, not yet taken in by the writer. */
const SENT_ENTRIES = 2;
const SENT_BYTES = 3;
/** Bumped, and waiters woken, whenever the backlog has come down to the low mark. */
const WAKE = 4;
const HIGH_ENTRIES = 5;
const HIGH_BYTES = 6;
const SLOTS = 7;

/** A worker waiting for the backlog shows it is alive this often (the watchdog replaces silent workers). */
const WAIT_SLICE_MS = 50;
/** Per entry besides its text: the object, its ids and timestamp. */
const ENTRY_OVERHEAD_BYTES = 160;

export interface LogAmount {
  entries: number;
  bytes: number;
}

/** The memory an entry is counted for; both sides compute it alike. */
export function entryBytes(entry: { message: string; args?: string }): number {
  return ENTRY_OVERHEAD_BYTES + entry.message.length + (entry.args?.length ?? 0);
}

class SharedBacklog {
  protected readonly slots: Int32Array;

  constructor(readonly shared: SharedArrayBuffer) {
    this.slots = new Int32Array(shared);
  }

  /** Held by the writer plus on the way to it. */
  waiting(): LogAmount {
    const { slots } = this;
    return {
      entries: Atomics.load(slots, HELD_ENTRIES) + Atomics.load(slots, SENT_ENTRIES),
      bytes: Atomics.load(slots, HELD_BYTES) + Atomics.load(slots, SENT_BYTES),
    };
  }

  /** More waiting than `share` of the high mark, by count or by size. */
  above(share: number): boolean {
    const { entries, bytes } = this.waiting();
    return entries > Atomics.load(this.slots, HIGH_ENTRIES) * share || bytes > Atomics.load(this.slots, HIGH_BYTES) * share;
  }
}

/** The main thread's side: the writer's account of what it holds, and arrivals from the workers. */
export class LogBacklog extends SharedBacklog {
  private heldEntries = 0;
  private heldBytes = 0;

  constructor(readonly high: LogAmount) {
    super(new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT));
    Atomics.store(this.slots, HIGH_ENTRIES, high.entries);
    Atomics.store(this.slots, HIGH_BYTES, high.bytes);
  }

  get held(): LogAmount {
    return { entries: this.heldEntries, bytes: this.heldBytes };
  }

  /** The writer took these in. */
  hold(entries: number, bytes: number): void {
    this.heldEntries += entries;
    this.heldBytes += bytes;
    this.publish();
  }

  /** The writer is done with these (stored, dropped, deleted): waiting handlers go on once the backlog is down to half the high mark. */
  release(entries: number, bytes: number): void {
    this.heldEntries -= entries;
    this.heldBytes -= bytes;
    this.publish();
    if (!this.above(0.5)) {
      Atomics.add(this.slots, WAKE, 1);
      Atomics.notify(this.slots, WAKE);
    }
  }

  /** A batch a worker counted as sent has reached the main thread. */
  arrived(entries: number, bytes: number): void {
    Atomics.sub(this.slots, SENT_ENTRIES, entries);
    Atomics.sub(this.slots, SENT_BYTES, bytes);
  }

  private publish(): void {
    Atomics.store(this.slots, HELD_ENTRIES, this.heldEntries);
    Atomics.store(this.slots, HELD_BYTES, this.heldBytes);
  }
}

/** A handler worker's side. */
export class LogGate extends SharedBacklog {
  /** Counted once posted, not before: a worker terminated in between leaves nothing counted that never arrives. */
  sent(entries: number, bytes: number): void {
    Atomics.add(this.slots, SENT_ENTRIES, entries);
    Atomics.add(this.slots, SENT_BYTES, bytes);
  }

  crowded(): boolean {
    return this.above(1);
  }

  /**
   * Blocks this thread until the backlog is down to half the high mark, but not past `deadline`
   * (ms since the epoch): a request's timeout stays what it was. `alive` runs between slices.
   */
  holdBack(deadline: number, alive: () => void): void {
    for (;;) {
      const wake = Atomics.load(this.slots, WAKE);
      if (!this.above(0.5)) return;
      const left = deadline - Date.now();
      if (left <= 0) return;
      Atomics.wait(this.slots, WAKE, wake, Math.min(left, WAIT_SLICE_MS));
      alive();
    }
  }
}
