import type { Readable } from "node:stream";
import type { Command } from "commander";
import { CancelledError, UsageError } from "../src/errors.js";
import type { CommandContext } from "./context.js";

/** `-y, --yes` for a command that deletes or irreversibly changes something. */
export function withYes(command: Command): Command {
  return command.option("-y, --yes", "do not ask for confirmation (required when standard input is not a terminal)");
}

/**
 * The confirmation a destructive command needs before it acts. Called before the command's
 * first request, so a script without --yes fails at once with a usage error instead of
 * asking a question nobody can answer; the returned function then asks on the terminal
 * (stdin and stderr, so stdout stays clean) and throws CancelledError unless the answer is
 * y or yes. `action` reads after "refusing to" and, capitalised, as the question, e.g.
 * "delete function 'hello'"; the question may name the record as found ("Delete function 'hello'?").
 */
export function confirmation(ctx: CommandContext, yes: boolean | undefined, action: string): (asked?: string) => Promise<void> {
  if (yes) return async () => {};
  const { stdin, stderr } = ctx.io;
  const notTerminal = stdin.isTTY !== true ? "stdin" : stderr.isTTY !== true ? "stderr" : undefined;
  if (notTerminal) throw new UsageError(`refusing to ${action} without confirmation: ${notTerminal} is not a terminal; pass --yes`);
  return async (asked = action) => {
    stderr.write(`${asked.charAt(0).toUpperCase()}${asked.slice(1)}? [y/N] `);
    const answer = (await readLine(stdin)) ?? "";
    // Ctrl-D ends the answer without a newline of its own: the next message starts a line all the same.
    if (!answer.endsWith("\n")) stderr.write("\n");
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new CancelledError();
  };
}

/**
 * One line of input with its newline, if it had one before the input ended; undefined at the
 * end of input. Bytes after the line are put back, so later reads of the stream (a piped
 * value, a second prompt) still get them.
 */
export function readLine(stdin: Readable): Promise<string | undefined> {
  if (stdin.readableEnded) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    let buffered = Buffer.alloc(0);
    const finish = () => {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", onError);
      stdin.pause();
    };
    const onData = (chunk: Buffer | string) => {
      buffered = Buffer.concat([buffered, typeof chunk === "string" ? Buffer.from(chunk) : chunk]);
      const newline = buffered.indexOf(0x0a);
      if (newline === -1) return;
      finish();
      const rest = buffered.subarray(newline + 1);
      if (rest.length > 0) stdin.unshift(typeof chunk === "string" ? rest.toString("utf8") : rest);
      resolve(buffered.subarray(0, newline + 1).toString("utf8"));
    };
    const onEnd = () => {
      finish();
      resolve(buffered.length > 0 ? buffered.toString("utf8") : undefined);
    };
    const onError = (error: Error) => {
      finish();
      reject(error);
    };
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", onError);
    // A stream paused by an earlier read does not flow again by itself when a listener is added.
    stdin.resume();
  });
}
