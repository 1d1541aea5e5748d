import { setTimeout as sleep } from "node:timers/promises";
import type { Command } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type { EncryptionRotateBody, EncryptionStatusBody } from "../src/api-types.js";
import { plural } from "../src/format.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { withProgress } from "./progress.js";
import { printFields } from "./table.js";

const PROGRESS_POLL_MS = 250;
const REENCRYPTING = "Re-encrypting…";

/** The rotation request, with how far it has got on the progress line (polled while it runs). */
function rotate(ctx: CommandContext, client: ApiClient): Promise<EncryptionRotateBody> {
  return withProgress(ctx, REENCRYPTING, async (progress) => {
    const request = client.post<EncryptionRotateBody>("/api/encryption-keys/rotation");
    // Polling only feeds the line: with none drawn there is nothing to ask for.
    if (!progress.visible) return request;
    let done = false;
    const finished = request.finally(() => {
      done = true;
    });
    while (!done) {
      const status = await client.get<EncryptionStatusBody>("/api/encryption-keys/rotation").catch(() => undefined);
      if (status?.progress) progress.update(`${REENCRYPTING} ${status.progress.done}/${status.progress.total}`);
      await Promise.race([finished.catch(() => {}), sleep(PROGRESS_POLL_MS)]);
    }
    return finished;
  });
}

export function registerEncryption(program: Command, io: Io): void {
  const encryption = program
    .command("encryption")
    .description("Inspect and rotate the keys that encrypt secrets and API keys at rest")
    .addHelpText(
      "after",
      `${examples("crude encryption status", "crude encryption rotate")}
Keys live in <data-dir>/encryption-keys.json: back it up, without it no secret can be read.\n`,
    );

  encryption
    .command("status")
    .description("Show the key version and when keys were and will be rotated")
    .addHelpText("after", examples("crude encryption status", "crude encryption status --json | jq .daysSinceRotation"))
    .action(
      action(io, async (ctx) => {
        const body = await (await ctx.client()).get<EncryptionStatusBody>("/api/encryption-keys/rotation");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(body.currentVersion);
        const days = body.daysSinceRotation;
        await printFields(ctx, [
          ["key version", body.currentVersion],
          ["last rotation", `${body.lastRotationAt} (${days === 0 ? "today" : `${plural(days, "day")} ago`})`],
          ["next rotation", `${body.nextRotationAt} (every ${body.rotationIntervalDays} days)`],
          ["in progress", body.progress ? `yes (${body.progress.done}/${body.progress.total})` : body.isInProgress ? "yes" : "no"],
        ]);
      }),
    );

  withYes(encryption.command("rotate"))
    .description("Rotate the encryption key now and re-encrypt every stored value (signs every web user out)")
    .addHelpText(
      "after",
      `${examples("crude encryption rotate", "crude encryption rotate --yes --json")}
Waits until every secret and API key uses the new key (progress on a terminal). API keys keep
working; every login session ends, so web users sign in again. An unfinished rotation (the
daemon stopped during one) is completed instead of starting a new one.\n`,
    )
    .action(
      action(io, async (ctx, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, "rotate the encryption key and sign every web user out");
        await confirm();
        const body = await rotate(ctx, await ctx.client());
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(
          body.currentVersion,
          `Rotated to key version ${body.currentVersion}: ${plural(body.reencrypted, "value")} re-encrypted.`,
        );
        if (body.failed > 0) ctx.err(`crude: ${body.failed} value(s) did not decrypt and stay unreadable; see crude daemon logs`);
      }),
    );
}
