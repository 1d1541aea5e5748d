import type { Command } from "commander";
import type { SecretCreatedBody, SecretsListBody, SecretWithValue, SuccessBody } from "../src/api-types.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import { findFunction } from "./function-lookup.js";
import type { Io } from "./io.js";
import { findGroup, findKey } from "./key-lookup.js";
import { sensitiveValue } from "./secret-input.js";
import { findSecret, resolveScope, SCOPES, type ScopeFlags, scopeLabels, secretsNamed } from "./secret-scope.js";
import { printTable } from "./table.js";

function scopeOptions(command: Command): Command {
  return command
    .option("-s, --scope <scope>", `${SCOPES.join(", ")} (default: the most specific of --key, --group, --function; else global)`)
    .option("-f, --function <function>", "a function-scoped secret of this function (name or ID)")
    .option("-g, --group <group>", "a group-scoped secret of this key group (name or ID); with --key, the key's group")
    .option("-k, --key <key>", "a key-scoped secret of this API key (name or ID)");
}

export function registerSecrets(program: Command, io: Io): void {
  const secrets = program
    .command("secrets")
    .description("Manage encrypted secrets that handlers read with ctx.getSecret()")
    .addHelpText(
      "after",
      `${examples(
        "crude secrets set DB_URL --from-file db-url.txt",
        'echo -n "$TOKEN" | crude secrets set STRIPE_TOKEN --group mobile-app',
        "crude secrets list",
        "crude secrets get DB_URL",
      )}
Scopes: global, function, group (every key of a group) and key (one API key). A handler's
ctx.getSecret(name) takes the most specific one that applies to the request:
key > group > function > global.\n`,
    );

  scopeOptions(secrets.command("list").alias("ls").description("List secrets (values only with --show-values)"))
    .option("--show-values", "include decrypted values")
    .addHelpText(
      "after",
      examples("crude secrets list", "crude secrets list --group mobile-app", "crude secrets list --scope global --show-values --json"),
    )
    .action(
      action(io, async (ctx, flags: ScopeFlags & { showValues?: boolean }) => {
        const client = await ctx.client();
        const query: Record<string, string | undefined> = { scope: flags.scope };
        if (flags.function) query.functionId = (await findFunction(client, flags.function)).id;
        if (flags.key) query.keyId = (await findKey(client, flags.key, flags.group)).id;
        else if (flags.group) query.groupId = (await findGroup(client, flags.group)).id;
        if (flags.showValues) query.includeValues = "true";
        const body = await client.get<SecretsListBody>("/api/secrets", { query });
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.secrets.map((s) => s.id));
        const label = await scopeLabels(client, body.secrets);
        const head = ["NAME", "SCOPE", "COMMENT", "UPDATED", ...(flags.showValues ? ["VALUE"] : [])];
        await printTable(
          ctx,
          head,
          body.secrets.map((s) => {
            const row = [s.name, label(s), s.comment ?? "", s.updatedAt];
            if (!flags.showValues) return row;
            const { value, decryptionError } = s as SecretWithValue;
            return [...row, decryptionError ? `(does not decrypt: ${decryptionError})` : value];
          }),
        );
      }),
    );

  scopeOptions(secrets.command("get").description("Print a secret's value").argument("<secret>", "secret name"))
    .addHelpText(
      "after",
      `${examples("crude secrets get DB_URL", "crude secrets get STRIPE_TOKEN --group mobile-app", "crude secrets get DB_URL --json | jq .comment")}
When the name exists in several scopes, choose one with the scope flags.\n`,
    )
    .action(
      action(io, async (ctx, name: string, flags: ScopeFlags) => {
        // The by-name lookup already carries the value, in the shape GET /api/secrets/:id answers.
        const secret = await findSecret(await ctx.client(), name, flags);
        if (ctx.json) return ctx.printJson(secret);
        if (secret.decryptionError) throw new Error(`secret '${name}' does not decrypt: ${secret.decryptionError}`);
        ctx.out(secret.value);
      }),
    );

  scopeOptions(
    secrets
      .command("set")
      .description("Create a secret or change its value")
      .argument("<name>", "secret name (letters, digits, - and _; case-sensitive)")
      .argument("[value]", "the value; without it, --from-file, a prompt on a terminal, or standard input"),
  )
    .option("--from-file <path>", "read the value from a file ('-' for standard input)")
    .option("-c, --comment <text>", "a note about the secret")
    .addHelpText(
      "after",
      `${examples(
        "crude secrets set DB_URL            # prompts without echo",
        "crude secrets set DB_URL --from-file db-url.txt --comment 'primary database'",
        'printf %s "$TOKEN" | crude secrets set API_TOKEN --key ios --group mobile-app',
      )}
A value given as an argument lands in your shell history; prefer the prompt, a file or stdin.
One trailing newline of a file or stdin is dropped.\n`,
    )
    .action(
      action(io, async (ctx, name: string, argument: string | undefined, flags: ScopeFlags & { fromFile?: string; comment?: string }) => {
        const client = await ctx.client();
        const target = await resolveScope(client, flags);
        const value = await sensitiveValue(ctx.io, "value", argument, flags.fromFile);
        const existing = (await secretsNamed(client, name)).find((s) => s.scopeType === target.scope && s.scopeRef === target.ref);
        if (existing) {
          const body = await client.put<SuccessBody>(`/api/secrets/${encodeURIComponent(existing.id)}`, {
            body: { value, comment: flags.comment },
          });
          if (ctx.json) return ctx.printJson(body);
          return ctx.confirm(existing.id, `Updated ${target.label} secret '${name}'.`);
        }
        const ids = { function: { functionId: target.ref }, group: { groupId: target.ref }, key: { keyId: target.ref }, global: {} }[
          target.scope
        ];
        const body = await client.post<SecretCreatedBody>("/api/secrets", {
          body: { name, value, scopeType: target.scope, comment: flags.comment, ...ids },
        });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.id, `Created ${target.label} secret '${name}'.`);
      }),
    );

  withYes(scopeOptions(secrets.command("delete").alias("rm").description("Delete a secret").argument("<secret>", "secret name")))
    .addHelpText("after", examples("crude secrets delete DB_URL", "crude secrets delete API_TOKEN --key ios --yes"))
    .action(
      action(io, async (ctx, name: string, flags: ScopeFlags & { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete secret '${name}'`);
        const client = await ctx.client();
        const secret = await findSecret(client, name, flags);
        const label = (await scopeLabels(client, [secret]))(secret);
        await confirm(`delete ${label} secret '${name}'`);
        const body = await client.delete<SuccessBody>(`/api/secrets/${encodeURIComponent(secret.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(secret.id, `Deleted ${label} secret '${name}'.`);
      }),
    );
}
