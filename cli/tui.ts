import type { Command } from "commander";
import type { StatusBody } from "../src/api-types.js";
import { parseDuration } from "../src/duration.js";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import { findFunction } from "./function-lookup.js";
import type { Io } from "./io.js";

interface TuiFlags {
  function?: string;
  interval?: number;
}

const DEFAULT_INTERVAL_MS = 2000;
const MIN_INTERVAL_MS = 500;
const MAX_INTERVAL_MS = 60_000;

function parseInterval(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < MIN_INTERVAL_MS || ms > MAX_INTERVAL_MS)
    throw new UsageError(`--interval takes a duration from 500ms to 60s, such as 2s or 750ms, not '${text}'`);
  return ms;
}

export function registerTui(program: Command, io: Io): void {
  program
    .command("tui")
    .description("A live dashboard in the terminal: daemon status, functions and their traffic, metrics and logs")
    .option("--function <function>", "start with this function (name or ID) selected and its logs shown")
    .option("--interval <duration>", "how often status, functions and their activity are read (500ms to 60s, default 2s)", parseInterval)
    .addHelpText(
      "after",
      `${examples("crude tui", "crude tui --function hello", "crude --url https://fn.example.com:9000 --api-key $KEY tui")}
Keys: ↑/↓ or j/k select a function, s cycles the sort (name, requests, latency, errors),
/ filters by name (Enter keeps it, Esc clears it), l shows the logs of all functions or of
the selected one, p or space pauses the logs, PgUp/PgDn scroll them back, G or End follows
the newest again, t enables/disables the selected function (asks y/n), i invokes it once,
e shows its recent errors (Esc closes), q or Ctrl-C quits.
Needs a terminal: for pipes and scripts use crude logs --follow and crude metrics.\n`,
    )
    .action(
      action(io, async (ctx, flags: TuiFlags) => {
        if (!ctx.io.stdout.isTTY || !ctx.io.stdin.isTTY)
          throw new UsageError("the dashboard needs a terminal; for pipes and scripts use crude logs --follow and crude metrics");
        if (ctx.json) throw new UsageError("the dashboard has no --json output; use crude logs --follow --json or crude metrics --json");
        const client = await ctx.client();
        // Refuse at once when there is no daemon at all; once running, the dashboard waits for a lost one.
        await client.get<StatusBody>("/api/status");
        const fn = flags.function === undefined ? undefined : await findFunction(client, flags.function);
        // React picks its build by NODE_ENV when it loads: the development one (checks, warnings)
        // costs the dashboard several times the CPU. Only this process is affected; the daemon is another.
        process.env.NODE_ENV ??= "production";
        const { runTui } = await import("./tui/run.js");
        await runTui({
          io: ctx.io,
          client,
          color: ctx.colorEnabled,
          intervalMs: flags.interval ?? DEFAULT_INTERVAL_MS,
          initialFunctionId: fn?.id,
        });
      }),
    );
}
