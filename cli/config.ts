import type { Command } from "commander";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { checkManagementUrl, isProfileKey, PROFILE_KEYS, type Profile, type ProfileKey, Profiles } from "./profiles.js";
import { printTable } from "./table.js";

/** Shows the last 6 characters only, like the daemon does for API keys. */
export function maskSecret(value: string): string {
  return value.length <= 6 ? "*".repeat(value.length) : `${"*".repeat(Math.min(value.length - 6, 12))}${value.slice(-6)}`;
}

function checkKey(key: string): ProfileKey {
  if (!isProfileKey(key)) throw new UsageError(`unknown config key '${key}'; known keys: ${PROFILE_KEYS.join(", ")}`);
  return key;
}

function checkValue(key: ProfileKey, value: string): string {
  if (value === "") throw new UsageError(`empty value for ${key}; to remove it use: crude config unset ${key}`);
  return key === "url" ? checkManagementUrl(value, "url") : value;
}

const shown = (profile: Profile) => ({ ...profile, ...(profile["api-key"] ? { "api-key": maskSecret(profile["api-key"]) } : {}) });

function profileName(ctx: CommandContext, profiles: Profiles): string {
  return ctx.options.profile ?? ctx.io.env.CRUDE_PROFILE ?? profiles.currentName;
}

export function registerConfig(program: Command, io: Io): void {
  const config = program
    .command("config")
    .description("Manage connection profiles (which daemon the CLI talks to)")
    .addHelpText(
      "after",
      `${examples(
        "crude config set --profile prod url https://functions.example.com:9000",
        'crude config set --profile prod api-key "$PROD_KEY"',
        "crude config use prod",
        "crude config list",
      )}
Keys: ${PROFILE_KEYS.join(", ")}. Flags and environment variables override the profile.\n`,
    );

  config
    .command("list")
    .alias("ls")
    .description("List profiles; * marks the current one")
    .addHelpText("after", examples("crude config list", "crude config list --json | jq .current"))
    .action(
      action(io, async (ctx) => {
        const profiles = await Profiles.open(ctx.io.env, { create: false });
        const all = Object.fromEntries(Object.entries(profiles.all()).map(([name, p]) => [name, shown(p)]));
        if (ctx.json) return ctx.printJson({ current: profiles.currentName, path: profiles.path, profiles: all });
        const names = [...new Set([profiles.currentName, ...Object.keys(all)])].sort();
        if (ctx.options.quiet) return ctx.outLines(names);
        await printTable(
          ctx,
          ["", "PROFILE", "URL", "SOCKET", "DATA DIR", "API KEY"],
          names.map((name) => {
            const p = all[name] ?? {};
            return [name === profiles.currentName ? "*" : "", name, p.url ?? "", p.socket ?? "", p["data-dir"] ?? "", p["api-key"] ?? ""];
          }),
        );
      }),
    );

  config
    .command("get")
    .description("Print one key of the current (or --profile) profile")
    .argument("<field>", PROFILE_KEYS.join(" | "))
    .addHelpText("after", examples("crude config get url", "crude config get --profile prod api-key"))
    .action(
      action(io, async (ctx, key: string) => {
        const profiles = await Profiles.open(ctx.io.env, { create: false });
        const value = profiles.get(profileName(ctx, profiles))[checkKey(key)];
        if (ctx.json) return ctx.printJson({ [key]: value ?? null });
        if (value !== undefined) ctx.out(value);
      }),
    );

  config
    .command("set")
    .description("Set a key in the current (or --profile) profile, creating the profile if needed")
    .argument("<field>", PROFILE_KEYS.join(" | "))
    .argument("<value>")
    .addHelpText(
      "after",
      examples(
        "crude config set url http://10.0.0.5:9000",
        'crude config set --profile prod api-key "$PROD_KEY"',
        "crude config set data-dir /srv/crude",
      ),
    )
    .action(
      action(io, async (ctx, key: string, value: string) => {
        const checked = checkKey(key);
        const profiles = await Profiles.open(ctx.io.env, { create: true });
        const name = profileName(ctx, profiles);
        profiles.set(name, checked, checkValue(checked, value));
        if (!ctx.json && !ctx.options.quiet) ctx.out(`Set ${key} in profile '${name}'.`);
      }),
    );

  config
    .command("unset")
    .description("Remove a key from the current (or --profile) profile")
    .argument("<field>", PROFILE_KEYS.join(" | "))
    .addHelpText("after", examples("crude config unset api-key", "crude config unset --profile prod socket"))
    .action(
      action(io, async (ctx, key: string) => {
        const checked = checkKey(key);
        const profiles = await Profiles.open(ctx.io.env, { create: true });
        const name = profileName(ctx, profiles);
        profiles.unset(name, checked);
        if (!ctx.json && !ctx.options.quiet) ctx.out(`Removed ${key} from profile '${name}'.`);
      }),
    );

  config
    .command("use")
    .description("Make a profile the current one")
    .argument("<profile>")
    .addHelpText("after", examples("crude config use prod", "crude config use default"))
    .action(
      action(io, async (ctx, name: string) => {
        const profiles = await Profiles.open(ctx.io.env, { create: true });
        profiles.use(name);
        if (!ctx.json && !ctx.options.quiet) ctx.out(`Now using profile '${name}'.`);
      }),
    );
}
