import type { Command } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type {
  ApiKeysListBody,
  FunctionsListBody,
  KeyGroupsListBody,
  SecretsListBody,
  SettingsListBody,
  SourcesListBody,
  UsersListBody,
} from "../src/api-types.js";
import { UsageError } from "../src/errors.js";
import { action } from "./action.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { Profiles } from "./profiles.js";

/** How each kind of name is read from the daemon's management API. */
const FROM_DAEMON = {
  function: async (client: ApiClient) => (await client.get<FunctionsListBody>("/api/functions")).functions.map((f) => f.name),
  source: async (client: ApiClient) => (await client.get<SourcesListBody>("/api/sources")).sources.map((s) => s.name),
  group: async (client: ApiClient) => (await client.get<KeyGroupsListBody>("/api/key-groups")).groups.map((g) => g.name),
  key: async (client: ApiClient) => (await client.get<ApiKeysListBody>("/api/keys")).keys.map((k) => k.name),
  secret: async (client: ApiClient) => (await client.get<SecretsListBody>("/api/secrets")).secrets.map((s) => s.name),
  user: async (client: ApiClient) => (await client.get<UsersListBody>("/api/users")).users.map((u) => u.email),
  setting: async (client: ApiClient) => (await client.get<SettingsListBody>("/api/settings")).settings.map((s) => s.name),
};

/**
 * The kinds of names shell completion fills in. An argument or flag value named after one
 * (`<function>`, `--group <group>`) completes with its names: naming is the whole annotation.
 */
export const VALUE_KINDS = [...(Object.keys(FROM_DAEMON) as (keyof typeof FROM_DAEMON)[]), "profile"] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

export function isValueKind(name: string): name is ValueKind {
  return (VALUE_KINDS as readonly string[]).includes(name);
}

/** A shell waits for this at every Tab: past it, offering nothing beats hanging. */
const REQUEST_TIMEOUT_MS = 1000;

async function namesOf(ctx: CommandContext, kind: ValueKind): Promise<string[]> {
  if (kind === "profile") {
    const profiles = await Profiles.open(ctx.io.env, { create: false });
    return [profiles.currentName, ...Object.keys(profiles.all())];
  }
  const { ApiClient } = await import("../src/api-client.js");
  return FROM_DAEMON[kind](new ApiClient(await ctx.target(), { timeoutMs: REQUEST_TIMEOUT_MS }));
}

/**
 * `crude __complete <kind> [prefix]`, what the completion scripts run: the names, one a line.
 * Hidden from help and from completion itself. A daemon that is down, slow or refusing yields
 * no names and exit 0, so a Tab never prints errors into the user's command line.
 */
export function registerCompletionValues(program: Command, io: Io): void {
  program
    .command("__complete", { hidden: true })
    .description("Print the names of one kind for shell completion, one a line")
    .argument("<kind>", VALUE_KINDS.join(" | "))
    .argument("[prefix]", "only names that start with this", "")
    .action(
      action(io, async (ctx, kind: string, prefix: string) => {
        if (!isValueKind(kind)) throw new UsageError(`unknown kind '${kind}'; choose one of: ${VALUE_KINDS.join(", ")}`);
        const names = await namesOf(ctx, kind).catch(() => []);
        ctx.outLines([...new Set(names)].filter((name) => name.startsWith(prefix)).sort());
      }),
    );
}
