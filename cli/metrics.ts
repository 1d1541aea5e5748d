import { type Command, Option } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type { MetricsBody, MetricsResolution, SettingBody } from "../src/api-types.js";
import { windowPeriods } from "../src/metrics-window.js";
import { action, examples } from "./action.js";
import { findFunction } from "./function-lookup.js";
import type { Io } from "./io.js";

interface MetricsFlags {
  function?: string;
  resolution: MetricsResolution;
}

const RESOLUTIONS: MetricsResolution[] = ["minutes", "hours", "days"];
/** Wide enough for the 60 minutes of the default window at one column each. */
const DEFAULT_COLUMNS = 80;

export function registerMetrics(program: Command, io: Io): void {
  program
    .command("metrics")
    .description("Show how often functions ran and how long they took, as a summary and a chart")
    .option("--function <function>", "one function (name or ID) instead of all of them")
    .addOption(
      new Option(
        "-r, --resolution <period>",
        "a point per minute (the last 60), hour (the last 24) or day (as many as metrics.retention-days)",
      )
        .choices(RESOLUTIONS)
        .default("minutes"),
    )
    .addHelpText(
      "after",
      `${examples(
        "crude metrics",
        "crude metrics --function hello --resolution hours",
        "crude metrics -r days --json | jq .data.summary.totalExecutions",
      )}
Executions are counted per UTC minute and rolled up into hours and days; --json prints the
API's answer: {"data": {"metrics": [...], "functionId", "resolution", "summary"}}.\n`,
    )
    .action(
      action(io, async (ctx, flags: MetricsFlags) => {
        const client = await ctx.client();
        const fn = flags.function === undefined ? undefined : await findFunction(client, flags.function);
        // Read before asking: a period that begins while the daemon answers then extends the window instead of dropping its oldest row.
        const now = Date.now();
        const body = await client.get<MetricsBody>("/api/metrics", { query: { resolution: flags.resolution, functionId: fn?.id } });
        if (ctx.json) return ctx.printJson(body);
        const { renderMetrics } = await import("./metrics-chart.js");
        ctx.outLines(
          renderMetrics(body, {
            name: fn?.name,
            periods: await periodsOf(client, flags.resolution),
            now,
            columns: (ctx.io.stdout.isTTY && ctx.io.stdout.columns) || DEFAULT_COLUMNS,
            style: ctx.style,
          }),
        );
      }),
    );
}

/** How many periods the daemon's window spans; the days window is as long as metrics are kept. */
async function periodsOf(client: ApiClient, resolution: MetricsResolution): Promise<number> {
  // Only the days window depends on a setting.
  const retentionDays =
    resolution === "days" ? Number.parseInt((await client.get<SettingBody>("/api/settings/metrics.retention-days")).setting.value, 10) : 0;
  return windowPeriods(resolution, retentionDays);
}
