import type { Readable, Writable } from "node:stream";
import type { Env } from "../src/paths.js";

type Stream = { isTTY?: boolean; columns?: number };

/** Everything a command touches outside itself, injected so commands run in tests without a terminal. */
export interface Io {
  stdout: Writable & Stream;
  stderr: Writable & Stream;
  stdin: Readable & Stream;
  env: Env;
  /** Resolves when the user interrupts (Ctrl-C); long-running commands race against it. */
  interrupted: () => Promise<void>;
}

export function processIo(): Io {
  // `crude … | head -1`: once the reader is gone nothing more can be shown; end quietly
  // like other Unix tools instead of crashing with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
    throw error;
  });
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    interrupted: () =>
      new Promise((resolve) => {
        process.once("SIGINT", () => resolve());
        process.once("SIGTERM", () => resolve());
      }),
  };
}

/** All of standard input, byte for byte. */
export async function readStdinBytes(io: Io): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}
