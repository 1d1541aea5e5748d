import type { Command } from "commander";
import { CommandContext, type GlobalOptions } from "./context.js";
import type { Io } from "./io.js";

// biome-ignore lint/suspicious/noExplicitAny: commander hands positional arguments over untyped.
type Handler = (ctx: CommandContext, ...args: any[]) => Promise<void>;

/** Wraps a command body: builds its context from the global flags of the command line. */
export function action(io: Io, handler: Handler) {
  return (...args: unknown[]) => {
    const command = args.at(-1) as Command;
    return handler(new CommandContext(io, command.optsWithGlobals<GlobalOptions>()), ...args.slice(0, -1));
  };
}

/** The "Examples:" block every --help ends with. */
export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join("\n")}\n`;
}
