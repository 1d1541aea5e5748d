import { formatDuration } from "../src/format.js";
import type { CommandContext } from "./context.js";

const FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
/** Work done sooner gets no indicator: a line that flashes up for a moment only distracts. */
export const SHOW_AFTER_MS = 1000;
const FRAME_MS = 100;
/** Back to the line's start and erase it: the indicator is redrawn in place and leaves nothing behind. */
export const CLEAR_LINE = "\r\u001b[2K";

export interface Progress {
  /** Whether a line is drawn at all: work that only feeds it (polling a count) can be skipped otherwise. */
  readonly visible: boolean;
  /** Changes what the line says, e.g. to add a count. */
  update(text: string): void;
}

/**
 * Runs `work` with a spinner, what is going on and the time taken on stderr, drawn only once
 * the work has taken a second and erased when it ends or fails. Only for a person watching:
 * nothing at all when stderr is not a terminal, or with --quiet or --json.
 */
export async function withProgress<T>(ctx: CommandContext, text: string, work: (progress: Progress) => Promise<T>): Promise<T> {
  const { stderr } = ctx.io;
  let label = text;
  const progress: Progress = {
    visible: stderr.isTTY === true && !ctx.options.quiet && !ctx.json,
    update: (next) => {
      label = next;
    },
  };
  if (!progress.visible) return work(progress);

  const started = Date.now();
  let frame = 0;
  let drawn = false;
  let ticking: NodeJS.Timeout | undefined;
  const draw = () => {
    const elapsed = formatDuration(Math.floor((Date.now() - started) / 1000) * 1000);
    const line = `${FRAMES[frame++ % FRAMES.length]} ${label} ${elapsed}`;
    // A line wider than the terminal wraps, and erasing the last row would leave the rest behind.
    const width = stderr.columns ? stderr.columns - 1 : line.length;
    stderr.write(`${CLEAR_LINE}${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
    drawn = true;
  };
  const delay = setTimeout(() => {
    draw();
    ticking = setInterval(draw, FRAME_MS);
  }, SHOW_AFTER_MS);
  try {
    return await work(progress);
  } finally {
    clearTimeout(delay);
    clearInterval(ticking);
    if (drawn) stderr.write(CLEAR_LINE);
  }
}
