import type { Argument, Command, Option } from "commander";
import { isValueKind, type ValueKind } from "./completion-values.js";

/** A flag as completion offers it. */
export interface Flag {
  short?: string;
  long?: string;
  /** What the flag's value is called ("port"), for flags that take one. */
  value?: string;
  /** Set when the value names something the daemon knows (`--function <function>`). */
  kind?: ValueKind;
  description: string;
}

/** A positional argument, for the names it completes with. */
export interface Arg {
  kind?: ValueKind;
  /** A variadic argument takes this and every later position. */
  variadic: boolean;
}

/** One command of the program, addressed by its path of names ("crude daemon start"). */
export interface CommandNode {
  name: string;
  path: string;
  aliases: string[];
  description: string;
  /** Flags this command adds; commander accepts them anywhere below it too. */
  ownFlags: Flag[];
  args: Arg[];
  children: CommandNode[];
}

const kindOf = (name: string | undefined) => (name !== undefined && isValueKind(name) ? name : undefined);

function toFlag(option: Option): Flag {
  const value = option.required || option.optional ? (/[<[]([^>\]]+)[>\]]/.exec(option.flags)?.[1] ?? "value") : undefined;
  return { short: option.short, long: option.long, value, kind: kindOf(value), description: option.description };
}

const toArg = (argument: Argument): Arg => ({ kind: kindOf(argument.name()), variadic: argument.variadic });

const flagKey = (flag: Flag) => flag.long ?? flag.short;

/** The program as completion sees it: visible commands and options, straight from the definitions. */
export function commandTree(program: Command): CommandNode {
  const help = program.createHelp();
  const visit = (command: Command, parent: CommandNode | undefined, inherited: Set<string | undefined>): CommandNode => {
    // Every command has its own --help; the root's already covers it.
    const ownFlags = help
      .visibleOptions(command)
      .map(toFlag)
      .filter((flag) => !inherited.has(flagKey(flag)));
    const node: CommandNode = {
      name: command.name(),
      path: parent ? `${parent.path} ${command.name()}` : command.name(),
      aliases: command.aliases(),
      description: command.description(),
      ownFlags,
      args: command.registeredArguments.map(toArg),
      children: [],
    };
    const below = new Set([...inherited, ...ownFlags.map(flagKey)]);
    // visibleCommands() adds the implicit `help` command, which only repeats --help.
    node.children = help
      .visibleCommands(command)
      .filter((sub) => command.commands.includes(sub))
      .map((sub) => visit(sub, node, below));
    return node;
  };
  return visit(program, undefined, new Set());
}

/** The tree in pre-order: a command before its subcommands. */
export function allNodes(root: CommandNode): CommandNode[] {
  return [root, ...root.children.flatMap(allNodes)];
}
