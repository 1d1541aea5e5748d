import { readFileSync } from "node:fs";
import { CancelledError, UsageError } from "../src/errors.js";
import { type Io, readStdinBytes } from "./io.js";

const CTRL_C = "\u0003";
const CTRL_D = "\u0004";
const BACKSPACES = new Set(["\u007f", "\b"]);

/** All of standard input, without the one trailing newline `echo` or a heredoc adds. */
export async function readStdin(io: Io): Promise<string> {
  return (await readStdinBytes(io)).toString("utf8").replace(/\r?\n$/, "");
}

export function readValueFile(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/** Asks on the terminal without echoing what is typed (passwords, secret values). */
export function promptHidden(io: Io, question: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let answer = "";
    const finish = (outcome: () => void) => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      io.stderr.write("\n");
      outcome();
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === CTRL_D) return finish(() => resolve(answer));
        if (char === CTRL_C) return finish(() => reject(new CancelledError()));
        answer = BACKSPACES.has(char) ? answer.slice(0, -1) : answer + char;
      }
    };
    stdin.on("data", onData);
  });
}

/**
 * A sensitive value from, in order: the argument, `--from-file`, a hidden prompt on a
 * terminal, or standard input when it is piped — so values need not appear in shell history.
 */
export async function sensitiveValue(io: Io, what: string, argument: string | undefined, fromFile: string | undefined): Promise<string> {
  if (argument !== undefined && fromFile !== undefined)
    throw new UsageError(`give the ${what} as an argument or with --from-file, not both`);
  if (argument !== undefined) return argument;
  if (fromFile !== undefined) return fromFile === "-" ? readStdin(io) : readValueFile(fromFile);
  if (io.stdin.isTTY) return promptHidden(io, `${what[0]?.toUpperCase()}${what.slice(1)}: `);
  return readStdin(io);
}
