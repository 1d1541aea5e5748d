import type { Command } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type { SuccessBody, User, UsersListBody } from "../src/api-types.js";
import { CrudeError } from "../src/errors.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { promptHidden, readStdin } from "./secret-input.js";
import { printTable } from "./table.js";

const PASSWORD_HELP = `The password is asked for twice without echo on a terminal, or read from standard input
when it is piped (one trailing newline dropped); it is never a command-line flag, so it stays
out of shell history and process lists. At least 8 characters.\n`;

/** A new password: typed twice on a terminal, else piped in. */
async function newPassword(ctx: CommandContext): Promise<{ password: string; passwordConfirmation: string }> {
  if (!ctx.io.stdin.isTTY) {
    const password = await readStdin(ctx.io);
    return { password, passwordConfirmation: password };
  }
  const password = await promptHidden(ctx.io, "Password: ");
  const passwordConfirmation = await promptHidden(ctx.io, "Repeat password: ");
  return { password, passwordConfirmation };
}

/** A user by ID or email address (case-insensitive, as emails are unique that way). */
async function findUser(client: ApiClient, emailOrId: string): Promise<User> {
  const { users } = await client.get<UsersListBody>("/api/users");
  const user = users.find((u) => u.id === emailOrId) ?? users.find((u) => u.email.toLowerCase() === emailOrId.toLowerCase());
  if (!user) throw new CrudeError(`no user '${emailOrId}'`, undefined, ["list them with: crude users list"]);
  return user;
}

export function registerUsers(program: Command, io: Io): void {
  const users = program
    .command("users")
    .description("Manage the accounts that sign in to the web UI and the management API")
    .addHelpText(
      "after",
      `${examples("crude users create admin@example.com --name Admin", "crude users list", "crude users update admin@example.com", "crude users delete old@example.com")}
Every signed-in user may do everything; the first account (created by sign-up) cannot be deleted.\n`,
    );

  users
    .command("list")
    .alias("ls")
    .description("List users, newest first")
    .addHelpText("after", examples("crude users list", "crude users list --json | jq -r '.users[].email'"))
    .action(
      action(io, async (ctx) => {
        const body = await (await ctx.client()).get<UsersListBody>("/api/users");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.users.map((u) => u.id));
        await printTable(
          ctx,
          ["EMAIL", "NAME", "ID", "CREATED"],
          body.users.map((u) => [u.email, u.name ?? "", u.id, u.createdAt]),
        );
      }),
    );

  users
    .command("create")
    .description("Create a user")
    .argument("<email>", "the user's email address (their sign-in name)")
    .option("-n, --name <name>", "display name")
    .addHelpText(
      "after",
      `${examples("crude users create ops@example.com --name Ops", "pass show crude/ops | crude users create ops@example.com")}\n${PASSWORD_HELP}`,
    )
    .action(
      action(io, async (ctx, email: string, options: { name?: string }) => {
        const client = await ctx.client();
        const body = await client.post<User>("/api/users", { body: { email, name: options.name, ...(await newPassword(ctx)) } });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.id, `Created user ${body.email} (id ${body.id}).`);
      }),
    );

  users
    .command("update")
    .description("Set a user's password")
    .argument("<user>", "email address or ID")
    .addHelpText(
      "after",
      `${examples("crude users update ops@example.com", 'printf %s "$NEW" | crude users update ops@example.com')}\n${PASSWORD_HELP}`,
    )
    .action(
      action(io, async (ctx, emailOrId: string) => {
        const client = await ctx.client();
        const user = await findUser(client, emailOrId);
        const body = await client.put<SuccessBody>(`/api/users/${encodeURIComponent(user.id)}`, { body: await newPassword(ctx) });
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(user.id, `Changed the password of ${user.email}.`);
      }),
    );

  withYes(users.command("delete"))
    .alias("rm")
    .description("Delete a user (not yourself, not the first administrator)")
    .argument("<user>", "email address or ID")
    .addHelpText("after", examples("crude users delete ops@example.com", "crude users delete ops@example.com --yes"))
    .action(
      action(io, async (ctx, emailOrId: string, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete user ${emailOrId}`);
        const client = await ctx.client();
        const user = await findUser(client, emailOrId);
        await confirm(`delete user ${user.email}`);
        const body = await client.delete<SuccessBody>(`/api/users/${encodeURIComponent(user.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(user.id, `Deleted user ${user.email}.`);
      }),
    );
}
