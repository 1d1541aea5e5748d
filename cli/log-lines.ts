import type { StoredLog } from "../src/api-types.js";
import type { Style } from "./style.js";

/** Level names as shown: router events by what happened, so every tag fits six columns. */
const SHOWN_LEVEL: Record<string, string> = { exec_start: "start", exec_end: "end", exec_reject: "reject" };
const LEVEL_WIDTH = 6;
const REQUEST_WIDTH = 8;
const MAX_FUNCTION_WIDTH = 20;

function levelColor(style: Style, level: string): (text: string) => string {
  switch (level) {
    case "error":
    case "stderr":
    case "exec_reject":
      return style.red;
    case "warn":
      return style.yellow;
    case "info":
      return style.green;
    case "debug":
    case "trace":
      return style.dim;
    case "exec_start":
    case "exec_end":
      return style.cyan;
    default:
      return String;
  }
}

/** Local wall-clock time to the millisecond: `2026-11-28 22:03:38.123`. */
export function localTime(iso: string): string {
  const at = new Date(iso);
  const two = (n: number) => String(n).padStart(2, "0");
  const date = `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}`;
  return `${date} ${two(at.getHours())}:${two(at.getMinutes())}:${two(at.getSeconds())}.${String(at.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * Renders entries as aligned terminal lines: time, level, function, short request id, message.
 * A message's further lines are indented under its first, so entries stay apart at a glance.
 */
export class LogLines {
  private readonly functionWidth: number;
  private readonly time: (iso: string) => string;
  private readonly timeWidth: number;

  /** `clock` shows only the time of day, for narrow screens (`crude tui`). */
  constructor(
    private readonly style: Style,
    private readonly functionName: (id: string) => string,
    knownNames: readonly string[],
    options: { clock?: boolean } = {},
  ) {
    this.functionWidth = Math.min(MAX_FUNCTION_WIDTH, Math.max(1, ...knownNames.map((name) => name.length)));
    this.time = options.clock ? (iso) => localTime(iso).slice(11) : localTime;
    this.timeWidth = options.clock ? 12 : 23;
  }

  render(entry: StoredLog): string {
    const { style } = this;
    const level = (SHOWN_LEVEL[entry.level] ?? entry.level).padEnd(LEVEL_WIDTH);
    const fn = entry.functionId === "" ? "-" : this.functionName(entry.functionId);
    const prefix = [
      style.dim(this.time(entry.timestamp)),
      levelColor(style, entry.level)(level),
      padOrCut(fn, this.functionWidth),
      style.dim(entry.requestId.slice(0, REQUEST_WIDTH).padEnd(REQUEST_WIDTH)),
    ].join(" ");
    const indent = " ".repeat(this.timeWidth + 1 + LEVEL_WIDTH + 1 + this.functionWidth + 1 + REQUEST_WIDTH + 1);
    const [first = "", ...rest] = text(entry).replace(/\n+$/, "").split("\n");
    return [`${prefix} ${first}`, ...rest.map((line) => indent + line)].join("\n");
  }
}

/**
 * What the handler wrote: a console call's first argument is the message and the others are in
 * `args` (spec), so they are shown after it as the console would; a refusal shows its reason.
 */
function text(entry: StoredLog): string {
  if (entry.args === undefined) return entry.message;
  let args: unknown;
  try {
    args = JSON.parse(entry.args);
  } catch {
    return `${entry.message} ${entry.args}`;
  }
  if (entry.level === "exec_reject") return `${entry.message} (${(args as { reason?: string }).reason ?? entry.args})`;
  if (!Array.isArray(args) || entry.level.startsWith("exec_")) return entry.message;
  return [entry.message, ...args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg)))].join(" ");
}

/** Pads to `width`, or cuts with an ellipsis so the columns after it stay aligned. */
function padOrCut(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}
