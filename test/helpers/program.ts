import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import type { Command } from "commander";
import { buildProgram } from "../../cli/program.js";

/** The crude program as the CLI defines it, for tests that walk its definitions without running it. */
export function definedProgram(): Command {
  return buildProgram({
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: {},
    interrupted: () => new Promise<void>(() => {}),
  });
}

export interface DefinedCommand {
  /** The words after `crude`, e.g. ["daemon", "start"]. */
  path: string[];
  command: Command;
}

/**
 * Every command below the root that users see, parents before their subcommands: not hidden
 * ones (`__complete`, which the completion scripts run) nor commander's implicit `help`.
 */
export function definedCommands(command: Command, path: string[] = []): DefinedCommand[] {
  const visible = command.createHelp().visibleCommands(command);
  return command.commands
    .filter((sub) => visible.includes(sub))
    .flatMap((sub) => {
      const subPath = [...path, sub.name()];
      return [{ path: subPath, command: sub }, ...definedCommands(sub, subPath)];
    });
}

/** The long flags a command shows in its --help, --help itself included. */
export function longFlags(command: Command): string[] {
  return command
    .createHelp()
    .visibleOptions(command)
    .flatMap((option) => (option.long ? [option.long] : []));
}

/** Whether an executable is on PATH: some tests use shells and man(1) only where they are installed. */
export function onPath(name: string): boolean {
  const dirs = (process.env.PATH ?? "").split(delimiter).filter((dir) => dir !== "");
  return dirs.some((dir) => {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
