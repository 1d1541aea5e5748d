import type { Command } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type { EncryptionRotateBody, EncryptionStatusBody } from "../src/api-types.js";
import { plural } from "../src/format.js";
import { action, examples } from "./action.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { printFields } from "./table.js";

const PROGRESS_POLL_MS = 250;

/** While the rotation request runs, a progress line on a terminal's stderr (nothing when piped). */
async function withProgress<T>(ctx: CommandContext, client: ApiClient, work: Promise<T>): Promise<T> {
  const stderr = ctx.io.stderr;
  if (!stderr.isTTY || ctx.options.quiet) return work;
  let done = false;
  const finished = work.finally(() => {
    done = true;
  });
  while (!done) {
    const status = await client.get<EncryptionStatusBody>("/api/encryption-keys/rotation").catch(() => undefined);
    if (status?.progress && !done) stderr.write(`\r\u001b[2KRe-encrypting… ${status.progress.done}/${status.progress.total}`);
    await Promise.race([finished.catch(() => {}), new Promise((resolve) => setTimeout(resolve, PROGRESS_POLL_MS))]);
  }
  stderr.write("\r\u001b[2K");
  return finished;
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
        const days = body.daysSinceRotation;
        await printFields(ctx, [
          ["key version", body.currentVersion],
          ["last rotation", `${body.lastRotationAt} (${days === 0 ? "today" : `${plural(days, "day")} ago`})`],
          ["next rotation", `${body.nextRotationAt} (every ${body.rotationIntervalDays} days)`],
          ["in progress", body.progress ? `yes (${body.progress.done}/${body.progress.total})` : body.isInProgress ? "yes" : "no"],
        ]);
      }),
    );

  encryption
    .command("rotate")
    .description("Rotate the encryption key now and re-encrypt every stored value")
    .addHelpText(
      "after",
      `${examples("crude encryption rotate", "crude encryption rotate --json")}
Waits until every secret and API key uses the new key (progress on a terminal). API keys keep
working; every login session ends, so web users sign in again. An unfinished rotation (the
daemon stopped during one) is completed instead of starting a new one.\n`,
    )
    .action(
      action(io, async (ctx) => {
        const client = await ctx.client();
        const body = await withProgress(ctx, client, client.post<EncryptionRotateBody>("/api/encryption-keys/rotation"));
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return;
        ctx.out(`Rotated to key version ${body.currentVersion}: ${plural(body.reencrypted, "value")} re-encrypted.`);
        if (body.failed > 0) ctx.err(`crude: ${body.failed} value(s) did not decrypt and stay unreadable; see crude daemon logs`);
      }),
    );
}
