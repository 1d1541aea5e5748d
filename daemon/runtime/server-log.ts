import type { Writable } from "node:stream";
import { inspect } from "node:util";

const SERVER_LOG_LEVELS = ["debug", "info", "warn", "error", "none"] as const;
type ServerLogLevel = (typeof SERVER_LOG_LEVELS)[number];

/** The daemon's own diagnostic log (not handler logs): one timestamped line per event. */
export class ServerLog {
  private threshold: number;

  constructor(
    private readonly out: Writable,
    level: ServerLogLevel = "info",
  ) {
    this.threshold = SERVER_LOG_LEVELS.indexOf(level);
  }

  setLevel(level: string): void {
    const index = SERVER_LOG_LEVELS.indexOf(level as ServerLogLevel);
    if (index >= 0) this.threshold = index;
  }

  debug(message: string): void {
    this.write("debug", message);
  }
  info(message: string): void {
    this.write("info", message);
  }
  warn(message: string): void {
    this.write("warn", message);
  }
  error(message: string, error?: unknown): void {
    this.write("error", error === undefined ? message : `${message}: ${formatError(error)}`);
  }

  private write(level: Exclude<ServerLogLevel, "none">, message: string): void {
    if (SERVER_LOG_LEVELS.indexOf(level) < this.threshold) return;
    this.out.write(`${new Date().toISOString()} ${level.padEnd(5)} ${message}\n`);
  }
}

function formatError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : inspect(error);
}
