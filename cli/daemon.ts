import { type Command, Option } from "commander";
import type { StatusBody } from "../src/api-types.js";
import { CrudeError, DaemonUnreachableError, ExitCode } from "../src/errors.js";
import { formatBytes, formatDuration, plural } from "../src/format.js";
import { dataFiles } from "../src/paths.js";
import { isProcessRunning } from "../src/process.js";
import { action, examples } from "./action.js";
import type { CommandContext } from "./context.js";
import { parsePortFlag, resolveListenConfig } from "./daemon-ports.js";
import type { Io } from "./io.js";
import { withProgress } from "./progress.js";

const STOP_TIMEOUT_MS = 15_000;
const STARTUP_ERRORS = new Set(["DaemonStartError", "DaemonAlreadyRunningError", "ListenError", "SchemaTooNewError"]);

interface ListenFlags {
  host?: string;
  functionPort?: number;
  managementPort?: number;
}

function addListenOptions(command: Command): Command {
  return command
    .addOption(new Option("--host <address>", "address to bind (default 127.0.0.1)"))
    .addOption(new Option("--function-port <port>", "port for /run (default 8000; 0 = any free port)").argParser(parsePortFlag))
    .addOption(
      new Option("--management-port <port>", "port for /api (default 9000; same as --function-port = one port)").argParser(parsePortFlag),
    );
}

/** The daemon is not running: exit 3 with a hint, whichever command found out. */
async function notRunning(ctx: CommandContext): Promise<CrudeError> {
  return new CrudeError(`no crude daemon is running (nothing answers on ${await ctx.socketPath()})`, ExitCode.unreachable, [
    "start one with: crude daemon start",
  ]);
}

async function fetchStatus(ctx: CommandContext): Promise<StatusBody> {
  try {
    return await (await ctx.client()).get<StatusBody>("/api/status");
  } catch (error) {
    if (error instanceof DaemonUnreachableError && "socketPath" in (await ctx.target())) throw await notRunning(ctx);
    throw error;
  }
}

function describeStatus(ctx: CommandContext, status: StatusBody, headline: string): void {
  const { bold } = ctx.style;
  const rows: [string, string][] = [
    ["version", status.version],
    ["uptime", status.uptimeSeconds === 0 ? "just started" : formatDuration(status.uptimeSeconds * 1000)],
    ["data dir", status.dataDir],
    ["socket", status.socket],
    ["management", `http://${status.host}:${status.managementPort}`],
    ["functions", `http://${status.host}:${status.functionPort}${status.singlePort ? " (single port)" : ""}`],
    ["memory", `${formatBytes(status.memory.rssBytes)} RSS`],
    ["workers", `${status.executor.workers} (${status.executor.busy} busy, ${plural(status.executor.restarts, "restart")})`],
    [
      "holds",
      `${plural(status.counts.functions, "function")}, ${plural(status.counts.sources, "code source")}, ${plural(status.counts.keyGroups, "key group")}, ${plural(status.counts.apiKeys, "API key")}, ${plural(status.counts.secrets, "secret")}, ${plural(status.counts.users, "user")}`,
    ],
  ];
  ctx.out(bold(headline));
  for (const [label, value] of rows) ctx.out(`  ${label.padEnd(11)} ${value}`);
}

export function registerDaemon(program: Command, io: Io): void {
  const daemon = program
    .command("daemon")
    .description("Run, start, stop and inspect the crude daemon")
    .addHelpText(
      "after",
      examples("crude daemon start", "crude daemon status --json | jq .managementPort", "crude daemon logs --follow", "crude daemon stop"),
    );

  addListenOptions(daemon.command("run"))
    .description("Run the daemon in the foreground (for systemd, containers and debugging)")
    .addHelpText(
      "after",
      `${examples("crude daemon run", "crude daemon run --function-port 8080 --management-port 8080", "CRUDE_HOME=/srv/crude crude daemon run --host 0.0.0.0")}
Environment: FUNCTION_PORT, MANAGEMENT_PORT, CRUDE_HOST, CRUDE_HOME. Stops gracefully on SIGTERM or Ctrl-C.\n`,
    )
    .action(
      action(io, async (ctx, flags: ListenFlags) => {
        const listen = resolveListenConfig(flags, ctx.io.env);
        for (const warning of listen.warnings) ctx.err(`crude: warning: ${warning}`);
        const { startDaemon } = await import("../daemon/daemon.js");
        let running: Awaited<ReturnType<typeof startDaemon>>;
        try {
          running = await startDaemon({
            dataDir: await ctx.dataDir(),
            socketPath: await ctx.socketPath(),
            ...listen,
            log: ctx.io.stdout,
          });
        } catch (error) {
          if (error instanceof Error && STARTUP_ERRORS.has(error.name)) throw new CrudeError(error.message);
          throw error;
        }
        void ctx.io.interrupted().then(() => running.stop());
        await running.stopped;
      }),
    );

  addListenOptions(daemon.command("start"))
    .description("Start the daemon in the background and wait until it answers")
    .addHelpText(
      "after",
      examples(
        "crude daemon start",
        "crude daemon start --management-port 9100 --function-port 8100",
        "crude --data-dir /tmp/try daemon start --json",
      ),
    )
    .action(
      action(io, async (ctx, flags: ListenFlags) => {
        const args = Object.entries({
          "--host": flags.host,
          "--function-port": flags.functionPort,
          "--management-port": flags.managementPort,
        })
          .filter(([, value]) => value !== undefined)
          .flatMap(([flag, value]) => [flag, String(value)]);
        if (ctx.options.socket) args.push("--socket", ctx.options.socket);
        const { startDetached } = await import("./daemon-start.js");
        const status = await startDetached(ctx, args);
        if (ctx.json) return ctx.printJson(status);
        if (ctx.options.quiet) return ctx.out(String(status.pid));
        describeStatus(ctx, status, `crude daemon started (pid ${status.pid})`);
        ctx.out(`  ${"log".padEnd(11)} ${dataFiles(status.dataDir).daemonLog}`);
      }),
    );

  daemon
    .command("stop")
    .description("Stop the daemon gracefully and wait until it has exited")
    .addHelpText("after", examples("crude daemon stop"))
    .action(
      action(io, async (ctx) => {
        const client = await ctx.localClient("crude daemon stop");
        const { isHealthy, waitUntil } = await import("./daemon-wait.js");
        const status = await fetchStatus(ctx);
        await client.post("/api/daemon/shutdown");
        const gone = async () => !isProcessRunning(status.pid) && !(await isHealthy(client));
        if (!(await withProgress(ctx, `Stopping the daemon (pid ${status.pid})…`, () => waitUntil(gone, STOP_TIMEOUT_MS)))) {
          throw new CrudeError(`the daemon (pid ${status.pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
        }
        if (ctx.json) return ctx.printJson({ stopped: true, pid: status.pid });
        if (!ctx.options.quiet) ctx.out(`crude daemon stopped (pid ${status.pid})`);
      }),
    );

  daemon
    .command("status")
    .description("Show pid, uptime, ports, data dir, workers and counts; exit 3 if not running")
    .addHelpText("after", examples("crude daemon status", "crude daemon status --json | jq -r .functionPort"))
    .action(
      action(io, async (ctx) => {
        const status = await fetchStatus(ctx);
        if (ctx.json) return ctx.printJson(status);
        if (ctx.options.quiet) return ctx.out(String(status.pid));
        describeStatus(ctx, status, `crude daemon running (pid ${status.pid})`);
      }),
    );

  daemon
    .command("logs")
    .description("Show the daemon's own log (written when started with `crude daemon start`)")
    .option(
      "-n, --lines <count>",
      "how many of the last lines to show",
      (text) => {
        if (!/^\d+$/.test(text)) throw new CrudeError(`invalid line count '${text}'`, ExitCode.usage);
        return Number(text);
      },
      50,
    )
    .option("-f, --follow", "keep printing new lines until interrupted")
    .addHelpText("after", examples("crude daemon logs", "crude daemon logs -n 200", "crude daemon logs --follow"))
    .action(
      action(io, async (ctx, flags: { lines: number; follow?: boolean }) => {
        const path = dataFiles(await ctx.dataDir()).daemonLog;
        const [{ existsSync, statSync }, { followFile, tailLines }] = await Promise.all([import("node:fs"), import("./daemon-log.js")]);
        if (!existsSync(path)) {
          throw new CrudeError(`no daemon log at ${path}`, ExitCode.refused, [
            "it is written when the daemon is started with: crude daemon start",
          ]);
        }
        for (const line of tailLines(path, flags.lines)) ctx.out(line);
        if (!flags.follow) return;
        const stop = followFile(path, statSync(path).size, (text) => ctx.io.stdout.write(text));
        await ctx.io.interrupted();
        stop();
      }),
    );
}
