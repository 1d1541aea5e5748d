import type { Command } from "commander";
import type { ApiKeyBody, ApiKeyCreatedBody, ApiKeysListBody, KeyGroup, KeyGroupsListBody, SuccessBody } from "../src/api-types.js";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import type { Io } from "./io.js";
import { findGroup, findKey } from "./key-lookup.js";
import { printFields, printTable } from "./table.js";

export function registerKeys(program: Command, io: Io): void {
  const keys = program
    .command("keys")
    .description("Manage API keys and the groups they belong to")
    .addHelpText(
      "after",
      `${examples(
        "crude keys groups create mobile-app --description 'Phone clients'",
        "crude keys create --group mobile-app --name ios",
        "crude keys list",
        "crude keys get ios --show-values",
      )}
Keys of the groups listed in the api.access-groups setting (default: management) may use the
management API over TCP: crude --url http://host:9000 --api-key <value> ...\n`,
    );
  registerGroups(keys, io);

  keys
    .command("list")
    .alias("ls")
    .description("List API keys (values masked unless --show-values)")
    .option("-g, --group <group>", "only the keys of this group (name or ID)")
    .option("--show-values", "print full key values")
    .addHelpText("after", examples("crude keys list", "crude keys list --group management --show-values --json | jq -r '.keys[].value'"))
    .action(
      action(io, async (ctx, options: { group?: string; showValues?: boolean }) => {
        const client = await ctx.client();
        const groupId = options.group === undefined ? undefined : (await findGroup(client, options.group)).id;
        const body = await client.get<ApiKeysListBody>("/api/keys", {
          query: { groupId, includeValues: options.showValues ? "true" : undefined },
        });
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.keys.map((key) => key.id));
        await printTable(
          ctx,
          ["GROUP", "NAME", "ID", "VALUE", "DESCRIPTION"],
          body.keys.map((k) => [k.groupName, k.name, k.id, k.value, k.description ?? ""]),
        );
      }),
    );

  keys
    .command("get")
    .description("Show one API key")
    .argument("<key>", "key name or ID")
    .option("-g, --group <group>", "the key's group, when its name is used in several groups")
    .option("--show-values", "print the full key value")
    .addHelpText("after", examples("crude keys get ios", "crude keys get ios --group mobile-app --show-values"))
    .action(
      action(io, async (ctx, nameOrId: string, options: { group?: string; showValues?: boolean }) => {
        const client = await ctx.client();
        const { id } = await findKey(client, nameOrId, options.group);
        const body = await client.get<ApiKeyBody>(`/api/keys/${encodeURIComponent(id)}`, {
          query: { includeValues: options.showValues ? "true" : undefined },
        });
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(options.showValues ? body.key.value : body.key.id);
        await printFields(ctx, [
          ["name", body.key.name],
          ["id", body.key.id],
          ["group", `${body.group.name} (${body.group.id})`],
          ["value", body.key.value],
          ["description", body.key.description ?? ""],
        ]);
      }),
    );

  keys
    .command("create")
    .description("Create an API key and print its value")
    .requiredOption("-g, --group <group>", "the group the key belongs to (name or ID)")
    .requiredOption("-n, --name <name>", "key name, unique within the group (lowercase letters, digits, - and _)")
    .option("--value <value>", "use this value instead of a generated one (letters, digits, - and _)")
    .option("-d, --description <text>", "what the key is for")
    .addHelpText(
      "after",
      `${examples(
        "crude keys create --group management --name ci",
        "KEY=$(crude keys create --group mobile-app --name ios -q)",
        "crude keys create --group mobile-app --name android --json | jq -r .value",
      )}
The value is generated from 32 random bytes unless --value is given. It is printed on
stdout (alone with --quiet); later, list and get mask it unless --show-values is given.\n`,
    )
    .action(
      action(io, async (ctx, options: { group: string; name: string; value?: string; description?: string }) => {
        const client = await ctx.client();
        const group = await findGroup(client, options.group);
        const body = await client.post<ApiKeyCreatedBody>("/api/keys", {
          body: { groupId: group.id, name: options.name, value: options.value, description: options.description },
        });
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(body.value);
        ctx.out(`Created API key '${body.name}' in group '${group.name}' (id ${body.id}). Its value:`);
        ctx.out(body.value);
      }),
    );

  keys
    .command("update")
    .description("Rename an API key, change its value or description")
    .argument("<key>", "key name or ID")
    .option("-g, --group <group>", "the key's group, when its name is used in several groups")
    .option("-n, --name <name>", "new name")
    .option("--value <value>", "new value (the old one stops working at once)")
    .option("-d, --description <text>", "new description ('' clears it)")
    .addHelpText(
      "after",
      examples("crude keys update ios --description 'iPhone app'", "crude keys update ios --group mobile-app --name ios-legacy"),
    )
    .action(
      action(io, async (ctx, nameOrId: string, options: { group?: string; name?: string; value?: string; description?: string }) => {
        if (options.name === undefined && options.value === undefined && options.description === undefined) {
          throw new UsageError("nothing to change: give --name, --value or --description");
        }
        const client = await ctx.client();
        const key = await findKey(client, nameOrId, options.group);
        const body = await client.put<SuccessBody>(`/api/keys/${encodeURIComponent(key.id)}`, {
          body: { name: options.name, value: options.value, description: options.description },
        });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(key.id, `Updated API key '${options.name ?? key.name}' in group '${key.groupName}'.`);
      }),
    );

  withYes(keys.command("delete"))
    .alias("rm")
    .description("Delete an API key (and the secrets scoped to it)")
    .argument("<key>", "key name or ID")
    .option("-g, --group <group>", "the key's group, when its name is used in several groups")
    .addHelpText("after", examples("crude keys delete ios", "crude keys delete ios --group mobile-app --yes"))
    .action(
      action(io, async (ctx, nameOrId: string, options: { group?: string; yes?: boolean }) => {
        const confirm = confirmation(ctx, options.yes, `delete API key '${nameOrId}'`);
        const client = await ctx.client();
        const key = await findKey(client, nameOrId, options.group);
        await confirm(`delete API key '${key.name}' of group '${key.groupName}'`);
        const body = await client.delete<SuccessBody>(`/api/keys/${encodeURIComponent(key.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(key.id, `Deleted API key '${key.name}' from group '${key.groupName}'.`);
      }),
    );
}

function registerGroups(keys: Command, io: Io): void {
  const groups = keys
    .command("groups")
    .description("Manage key groups (functions and management access are granted per group)")
    .addHelpText("after", examples("crude keys groups list", "crude keys groups create mobile-app", "crude keys groups delete mobile-app"));

  groups
    .command("list")
    .alias("ls")
    .description("List key groups")
    .addHelpText("after", examples("crude keys groups list", "crude keys groups list --json | jq -r '.groups[].name'"))
    .action(
      action(io, async (ctx) => {
        const body = await (await ctx.client()).get<KeyGroupsListBody>("/api/key-groups");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.groups.map((group) => group.id));
        await printTable(
          ctx,
          ["NAME", "ID", "DESCRIPTION"],
          body.groups.map((g) => [g.name, g.id, g.description ?? ""]),
        );
      }),
    );

  groups
    .command("get")
    .description("Show one key group")
    .argument("<group>", "group name or ID")
    .addHelpText("after", examples("crude keys groups get management"))
    .action(
      action(io, async (ctx, nameOrId: string) => {
        const client = await ctx.client();
        const body = await client.get<KeyGroup>(`/api/key-groups/${encodeURIComponent((await findGroup(client, nameOrId)).id)}`);
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(body.id);
        await printFields(ctx, [
          ["name", body.name],
          ["id", body.id],
          ["description", body.description ?? ""],
        ]);
      }),
    );

  groups
    .command("create")
    .description("Create a key group")
    .argument("<name>", "group name (lowercase letters, digits, - and _)")
    .option("-d, --description <text>", "what the group is for")
    .addHelpText(
      "after",
      examples("crude keys groups create mobile-app --description 'Phone clients'", "GROUP_ID=$(crude keys groups create partners -q)"),
    )
    .action(
      action(io, async (ctx, name: string, options: { description?: string }) => {
        const body = await (await ctx.client()).post<{ id: string; name: string }>("/api/key-groups", {
          body: { name, description: options.description },
        });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.id, `Created key group '${body.name}' (id ${body.id}).`);
      }),
    );

  groups
    .command("update")
    .description("Change a key group's description (names are fixed)")
    .argument("<group>", "group name or ID")
    .requiredOption("-d, --description <text>", "new description ('' clears it)")
    .addHelpText("after", examples("crude keys groups update mobile-app --description 'iOS and Android clients'"))
    .action(
      action(io, async (ctx, nameOrId: string, options: { description: string }) => {
        const client = await ctx.client();
        const group = await findGroup(client, nameOrId);
        const body = await client.put<SuccessBody>(`/api/key-groups/${encodeURIComponent(group.id)}`, {
          body: { description: options.description },
        });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(group.id, `Updated key group '${group.name}'.`);
      }),
    );

  withYes(groups.command("delete"))
    .alias("rm")
    .description("Delete an empty key group (and the secrets scoped to it)")
    .argument("<group>", "group name or ID")
    .addHelpText(
      "after",
      `${examples("crude keys groups delete mobile-app", "crude keys groups delete mobile-app --yes")}
The management group cannot be deleted; delete a group's keys first.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete key group '${nameOrId}'`);
        const client = await ctx.client();
        const group = await findGroup(client, nameOrId);
        await confirm(`delete key group '${group.name}'`);
        const body = await client.delete<SuccessBody>(`/api/key-groups/${encodeURIComponent(group.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(group.id, `Deleted key group '${group.name}'.`);
      }),
    );
}
