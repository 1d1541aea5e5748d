import { Command, CommanderError, Option } from "commander";
import { CancelledError, CrudeError, ExitCode } from "../src/errors.js";
import { VERSION } from "../src/package.js";
import { examples } from "./action.js";
import { registerCompletion } from "./completion.js";
import { registerCompletionValues } from "./completion-values.js";
import { registerConfig } from "./config.js";
import { registerDaemon } from "./daemon.js";
import { registerEncryption } from "./encryption.js";
import { registerFiles } from "./files.js";
import { registerFunctions } from "./functions.js";
import type { Io } from "./io.js";
import { registerKeys } from "./keys.js";
import { registerLogs } from "./logs.js";
import { registerMetrics } from "./metrics.js";
import { registerSecrets } from "./secrets.js";
import { registerSettings } from "./settings.js";
import { registerSources } from "./sources.js";
import { registerTui } from "./tui.js";
import { registerUsers } from "./users.js";

export function buildProgram(io: Io): Command {
  const program = new Command("crude")
    .description("Self-hosted serverless functions for Node.js: manage the crude daemon and everything it serves.")
    .version(VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .option("--json", "print the API's JSON response unchanged")
    .option("-q, --quiet", "print only what scripts need (ids), no confirmations")
    .option("--socket <path>", "the daemon's control socket (env CRUDE_SOCKET; default <data-dir>/crude.sock)")
    .option("--url <url>", "a remote management URL instead of the socket (env CRUDE_URL)")
    .option("--api-key <value>", "API key for --url (env CRUDE_API_KEY)")
    .option("--data-dir <dir>", "data directory (env CRUDE_HOME; default $XDG_DATA_HOME/crude or ~/.local/share/crude)")
    .option("--profile <profile>", "connection profile from `crude config` (env CRUDE_PROFILE)")
    .addOption(new Option("--no-color", "no colours in output (also when NO_COLOR is set or output is not a terminal)"))
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError()
    .addHelpText(
      "after",
      `${examples("crude daemon start", "crude settings list", "crude settings set log.level=debug", "crude --url https://fn.example.com:9000 --api-key $KEY settings list --json | jq")}
Exit status: 0 ok, 1 refused by the daemon, 2 usage error, 3 daemon unreachable, 4 authentication failed.
Run 'crude <command> --help' for a command's flags and examples.\n`,
    );

  registerDaemon(program, io);
  registerSettings(program, io);
  registerFunctions(program, io);
  registerSources(program, io);
  registerFiles(program, io);
  registerKeys(program, io);
  registerSecrets(program, io);
  registerUsers(program, io);
  registerLogs(program, io);
  registerMetrics(program, io);
  registerTui(program, io);
  registerEncryption(program, io);
  registerConfig(program, io);
  registerCompletion(program, io);
  registerCompletionValues(program, io);

  // Commander's own failures (unknown flag, missing argument) are usage errors: exit 2.
  const configure = (command: Command) => {
    command.exitOverride();
    command.configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(text.replace(/^error: /, "crude: ")),
    });
    command.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs one command line; never throws, returns the exit code. */
export async function runCli(argv: string[], io: Io): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: "user" });
    return ExitCode.ok;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  // --help and --version end with commander's exit code 0; everything else it refuses
  // (unknown flag, missing argument, a group called without a verb) is a usage error.
  if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  // A declined confirmation is the user's own answer, not a failure to explain: exit 1, nothing changed.
  if (error instanceof CancelledError) {
    io.stderr.write("Cancelled.\n");
    return error.exitCode;
  }
  if (error instanceof CrudeError) {
    io.stderr.write(`crude: ${error.message}\n`);
    for (const line of error.details) io.stderr.write(`  ${line}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? (io.env.CRUDE_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
  io.stderr.write(`crude: unexpected error: ${message}\n`);
  return ExitCode.refused;
}
