import type { Command } from "commander";
import type { SettingBody, SettingsListBody, SettingsUpdateBody } from "../src/api-types.js";
import { UsageError } from "../src/errors.js";
import { plural } from "../src/format.js";
import { action, examples } from "./action.js";
import type { Io } from "./io.js";
import { printTable } from "./table.js";

/** `key=value` arguments → the body of PUT /api/settings. */
export function parseAssignments(pairs: string[]): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`expected key=value, got '${pair}' (example: crude settings set log.level=debug)`);
    settings[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return settings;
}

export function registerSettings(program: Command, io: Io): void {
  const settings = program
    .command("settings")
    .description("Read and change the daemon's settings")
    .addHelpText(
      "after",
      examples("crude settings list", "crude settings get log.level", "crude settings set log.level=debug metrics.retention-days=30"),
    );

  settings
    .command("list")
    .alias("ls")
    .description("List every setting with its value and default")
    .addHelpText(
      "after",
      examples("crude settings list", "crude settings list --json | jq -r '.settings[] | select(.value != .default) | .name'"),
    )
    .action(
      action(io, async (ctx) => {
        const body = await (await ctx.client()).get<SettingsListBody>("/api/settings");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.settings.map((s) => s.name));
        await printTable(
          ctx,
          ["NAME", "VALUE", "DEFAULT"],
          body.settings.map((s) => [s.name, s.value === s.default ? s.value : ctx.style.bold(s.value), s.default]),
        );
      }),
    );

  settings
    .command("get")
    .description("Print one setting's value")
    .argument("<setting>", "setting name, e.g. log.level")
    .addHelpText("after", examples("crude settings get log.level", "crude settings get files.max-size-bytes --json"))
    .action(
      action(io, async (ctx, name: string) => {
        const body = await (await ctx.client()).get<SettingBody>(`/api/settings/${encodeURIComponent(name)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.out(body.setting.value);
      }),
    );

  settings
    .command("set")
    .description("Change one or more settings at once (all or nothing)")
    .argument("<key=value...>", "settings to change")
    .addHelpText(
      "after",
      `${examples("crude settings set log.level=debug", "crude settings set log.trimming.max-per-function=5000 metrics.retention-days=30")}
If any value is invalid, nothing is changed and every problem is listed.\n`,
    )
    .action(
      action(io, async (ctx, pairs: string[]) => {
        const changes = parseAssignments(pairs);
        const body = await (await ctx.client()).put<SettingsUpdateBody>("/api/settings", { body: { settings: changes } });
        if (ctx.json) return ctx.printJson(body);
        if (!ctx.options.quiet) ctx.out(`Updated ${plural(body.updated, "setting")}.`);
      }),
    );
}
