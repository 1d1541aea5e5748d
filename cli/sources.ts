import type { Command } from "commander";
import type { Source, SourceStatusBody, SourceSyncBody, SourcesListBody, SourceUpdatedBody, SuccessBody } from "../src/api-types.js";
import { ApiError, UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import type { Io } from "./io.js";
import { type GitSourceFlags, gitSettingsChanges, gitSourceSettings, parseIntervalFlag } from "./source-git.js";
import { findSource } from "./source-lookup.js";
import { registerPush } from "./source-push.js";
import { syncedMessage, waitForSync } from "./source-sync.js";
import { printFields, printTable } from "./table.js";

const yesNo = (value: boolean) => (value ? "yes" : "no");
const settingsText = (settings: object) => (Object.keys(settings).length === 0 ? "" : JSON.stringify(settings));

export function registerSources(program: Command, io: Io): void {
  const sources = program
    .command("sources")
    .description("Manage code sources: the directories under <data>/code that hold handler files")
    .addHelpText(
      "after",
      `${examples(
        "crude sources create my-api",
        "crude sources push my-api ./functions",
        "crude sources push my-api ./functions --watch",
        "crude sources list",
      )}
A source named my-api is the directory <data>/code/my-api; a function's handler path starts
with the source name (my-api/hello.ts). Manual sources are edited with 'crude files' and
'crude sources push'.\n`,
    );

  sources
    .command("list")
    .alias("ls")
    .description("List code sources")
    .addHelpText("after", examples("crude sources list", "crude sources list --json | jq -r '.sources[].name'"))
    .action(
      action(io, async (ctx) => {
        const body = await (await ctx.client()).get<SourcesListBody>("/api/sources");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.sources.map((source) => source.id));
        await printTable(
          ctx,
          ["NAME", "TYPE", "ENABLED", "ID", "CREATED"],
          body.sources.map((s) => [s.name, s.type, yesNo(s.enabled), s.id, s.createdAt]),
        );
      }),
    );

  sources
    .command("get")
    .description("Show one code source")
    .argument("<source>", "source name or ID")
    .addHelpText("after", examples("crude sources get my-api", "crude sources get my-api --json | jq .syncSettings"))
    .action(
      action(io, async (ctx, nameOrId: string) => {
        const client = await ctx.client();
        const body = await client.get<Source>(`/api/sources/${encodeURIComponent((await findSource(client, nameOrId)).id)}`);
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(body.id);
        await printFields(ctx, [
          ["name", body.name],
          ["id", body.id],
          ["type", body.type],
          ["enabled", yesNo(body.enabled)],
          ["type settings", settingsText(body.typeSettings)],
          ["sync settings", settingsText(body.syncSettings)],
          ["last sync", body.lastSyncAt ?? ""],
          ["last sync error", body.lastSyncError ?? ""],
          ["created", body.createdAt],
          ["updated", body.updatedAt],
        ]);
      }),
    );

  sources
    .command("create")
    .description("Create a code source: a directory of files, or a checkout of a git repository")
    .argument("<name>", "source name: letters, digits, - and _, starting with a letter or digit (at most 64)")
    .option("--type <type>", "manual (files uploaded with crude files / crude sources push) or git", "manual")
    .option("--git <url>", "a git source: the repository's https:// URL")
    .option("--branch <branch>", "the branch to check out (default main)")
    .option("--tag <tag>", "a tag to check out instead of a branch")
    .option("--commit <sha>", "a commit to check out instead of a branch")
    .option("--token-from-file <file>", "an access token for the repository, read from a file (- for standard input)")
    .option("--interval <duration>", "pull every so often, e.g. 30s, 5m, 1h (0 = off, the default)", parseIntervalFlag)
    .option("--webhook", "let POST /api/sources/<id>/webhook start a sync")
    .option("--webhook-secret <secret>", "the secret webhook calls must send (X-Webhook-Secret); implies --webhook")
    .option("--wait", "wait for the first sync of a git source and report it")
    .option("--disabled", "create it disabled (stops syncing only; its handlers still run)")
    .addHelpText(
      "after",
      `${examples(
        "crude sources create my-api",
        "SOURCE_ID=$(crude sources create my-api -q)",
        "crude sources create app --git https://github.com/acme/functions.git --wait",
        "crude sources create app --git https://git.example.com/app.git --branch prod --token-from-file ~/.app-token --interval 5m",
        'crude sources create app --git https://github.com/acme/functions.git --webhook-secret "$(openssl rand -hex 20)"',
      )}
A git source is checked out into <data>/code/<name> at once and then on every sync; its files
are read-only through crude (edit the repository and push instead).\n`,
    )
    .action(
      action(io, async (ctx, name: string, options: GitSourceFlags & { type: string; disabled?: boolean; wait?: boolean }) => {
        const git = await gitSourceSettings(ctx.io, options.type, options);
        if (options.wait && !git) throw new UsageError("--wait is for git sources: a manual source has nothing to sync");
        const client = await ctx.client();
        const started = Date.now();
        const body = await client.post<Source>("/api/sources", { body: { name, type: options.type, ...git, enabled: !options.disabled } });
        const status = options.wait ? await waitForSync(ctx, client, body) : undefined;
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.id, `Created ${body.type} source '${body.name}' (id ${body.id}).`);
        if (status && !ctx.options.quiet) ctx.out(syncedMessage(body, status, Date.now() - started));
        else if (git && !ctx.options.quiet) ctx.out(`Its first sync runs now; see it with: crude sources status ${body.name}`);
      }),
    );

  sources
    .command("update")
    .description("Enable or disable a code source, or change what a git source checks out and when it syncs")
    .argument("<source>", "source name or ID")
    .option("--enable", "enable it")
    .option("--disable", "disable it (stops syncing only; its handlers still run and its files stay editable)")
    .option("--git <url>", "another repository URL (git sources)")
    .option("--branch <branch>", "check out this branch (git sources)")
    .option("--tag <tag>", "check out this tag (git sources)")
    .option("--commit <sha>", "check out this commit (git sources)")
    .option("--token-from-file <file>", "a new access token, read from a file (- for standard input)")
    .option("--interval <duration>", "pull every so often, e.g. 30s, 5m, 1h; 0 turns it off", parseIntervalFlag)
    .option("--webhook", "let the webhook start syncs")
    .option("--no-webhook", "refuse webhook calls (403)")
    .option("--webhook-secret <secret>", "a new secret for webhook calls; implies --webhook")
    .addHelpText(
      "after",
      `${examples(
        "crude sources update my-api --disable",
        "crude sources update app --branch release",
        "crude sources update app --interval 0 --no-webhook",
      )}
The stored token and webhook secret are kept unless new ones are given. A changed repository
or ref starts a sync at once.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, options: GitSourceFlags & { enable?: boolean; disable?: boolean }) => {
        if (options.enable && options.disable) throw new UsageError("give --enable or --disable, not both");
        const client = await ctx.client();
        const source = await client.get<Source>(`/api/sources/${encodeURIComponent((await findSource(client, nameOrId)).id)}`);
        const changes: Record<string, unknown> = await gitSettingsChanges(ctx.io, source, options);
        if (options.enable || options.disable) changes.enabled = options.enable === true;
        if (Object.keys(changes).length === 0)
          throw new UsageError("nothing to change: give --enable, --disable or a git source's settings (see --help)");
        const body = await client.put<SourceUpdatedBody>(`/api/sources/${encodeURIComponent(source.id)}`, { body: changes });
        if (ctx.json) return ctx.printJson(body);
        const what = changes.enabled === undefined ? "Updated" : body.enabled ? "Enabled" : "Disabled";
        ctx.confirm(source.id, `${what} source '${source.name}'.${body.syncTriggered ? " A sync started." : ""}`);
      }),
    );

  withYes(sources.command("delete"))
    .alias("rm")
    .description("Delete a code source and every file in its directory")
    .argument("<source>", "source name or ID")
    .addHelpText(
      "after",
      `${examples("crude sources delete my-api", "crude sources delete my-api --yes")}
Functions whose handlers were in it stay, and answer 404 until their files exist again.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete source '${nameOrId}' and all its files`);
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        await confirm(`delete source '${source.name}' and all its files`);
        const body = await client.delete<SuccessBody>(`/api/sources/${encodeURIComponent(source.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(source.id, `Deleted source '${source.name}' and its files.`);
      }),
    );

  sources
    .command("sync")
    .description("Pull a git source now (manual sources have nothing to pull)")
    .argument("<source>", "source name or ID")
    .option("--wait", "wait until it has finished; exit 1 if it failed")
    .addHelpText("after", examples("crude sources sync my-repo --wait", "crude sources sync my-repo -q"))
    .action(
      action(io, async (ctx, nameOrId: string, options: { wait?: boolean }) => {
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        const started = Date.now();
        const body = await client.post<SourceSyncBody>(`/api/sources/${encodeURIComponent(source.id)}/sync`).catch((error: unknown) => {
          // Already syncing: with --wait, the running sync is as good as a new one.
          if (options.wait && error instanceof ApiError && error.status === 409) return undefined;
          throw error;
        });
        if (!options.wait) {
          if (ctx.json) return ctx.printJson(body);
          return ctx.confirm(body?.jobId ?? "", `Sync of '${source.name}' started (job ${body?.jobId}).`);
        }
        const status = await waitForSync(ctx, client, source);
        if (ctx.json) return ctx.printJson(status);
        ctx.confirm(status.commit ?? "", syncedMessage(source, status, Date.now() - started));
      }),
    );

  sources
    .command("status")
    .description("Show whether a source syncs, is being synced, and its files are editable")
    .argument("<source>", "source name or ID")
    .addHelpText("after", examples("crude sources status my-api", "crude sources status my-repo --json | jq .lastSyncError"))
    .action(
      action(io, async (ctx, nameOrId: string) => {
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        const body = await client.get<SourceStatusBody>(`/api/sources/${encodeURIComponent(source.id)}/status`);
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(source.id);
        await printFields(ctx, [
          ["editable", yesNo(body.isEditable)],
          ["syncable", yesNo(body.isSyncable)],
          ["syncing", yesNo(body.isSyncing)],
          ["commit", body.commit ?? ""],
          ["last sync", body.lastSyncAt ?? ""],
          ["last sync started", body.lastSyncStartedAt ?? ""],
          ["last sync error", body.lastSyncError ?? ""],
        ]);
      }),
    );

  registerPush(sources, io);
}
