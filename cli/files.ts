import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { FileDeletedBody, FileWrittenBody, SourceFileBody, SourceFilesListBody } from "../src/api-types.js";
import { UsageError } from "../src/errors.js";
import { formatBytes } from "../src/format.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import { type Io, readStdinBytes } from "./io.js";
import { withProgress } from "./progress.js";
import { downloadFile, filesUrl, uploadFile } from "./source-files.js";
import { findSource } from "./source-lookup.js";
import { printTable } from "./table.js";

/** A local file's bytes, or standard input's when the name is "-" or missing (but then not from a terminal). */
async function readContent(io: Io, file: string | undefined): Promise<Buffer> {
  if (file !== undefined && file !== "-") {
    return readFile(file).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${file}: ${error.code ?? error.message}`);
    });
  }
  if (io.stdin.isTTY) throw new UsageError("give a file to upload, or pipe the content to standard input");
  return readStdinBytes(io);
}

export function registerFiles(program: Command, io: Io): void {
  const files = program
    .command("files")
    .description("Read and write the files of a code source")
    .addHelpText(
      "after",
      `${examples(
        "crude files list my-api",
        "crude files put my-api hello.ts ./hello.ts",
        "crude files get my-api hello.ts > hello.ts",
        "crude files delete my-api hello.ts",
      )}
Paths are relative to the source's directory and use / between directories. Saving a handler
takes effect with the next request (hot reload). To upload a whole directory, use
'crude sources push'.\n`,
    );

  files
    .command("list")
    .alias("ls")
    .description("List a source's files (all of them, or those below a directory)")
    .argument("<source>", "source name or ID")
    .argument("[path]", "only files below this directory")
    .addHelpText("after", examples("crude files list my-api", "crude files list my-api lib", "crude files list my-api -q | grep '\\.ts$'"))
    .action(
      action(io, async (ctx, nameOrId: string, below: string | undefined) => {
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        const body = await client.get<SourceFilesListBody>(filesUrl(source.id));
        const prefix = below?.replace(/\/+$/, "");
        const shown = prefix ? { files: body.files.filter((file) => file.path.startsWith(`${prefix}/`)) } : body;
        if (ctx.json) return ctx.printJson(shown);
        if (ctx.options.quiet) return ctx.outLines(shown.files.map((file) => file.path));
        await printTable(
          ctx,
          ["PATH", "SIZE", "MODIFIED"],
          shown.files.map((file) => [file.path, formatBytes(file.size), file.mtime]),
        );
      }),
    );

  files
    .command("get")
    .description("Print a file's content (byte for byte)")
    .argument("<source>", "source name or ID")
    .argument("<path>", "file path in the source")
    .addHelpText(
      "after",
      examples(
        "crude files get my-api hello.ts",
        "crude files get my-api logo.png > logo.png",
        "crude files get my-api hello.ts --json | jq .size",
      ),
    )
    .action(
      action(io, async (ctx, nameOrId: string, path: string) => {
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        if (ctx.json) return ctx.printJson(await client.get<SourceFileBody>(filesUrl(source.id, path)));
        ctx.io.stdout.write(await withProgress(ctx, `Downloading ${source.name}/${path}…`, () => downloadFile(client, source.id, path)));
      }),
    );

  files
    .command("put")
    .description("Create or replace a file with a local file's content or standard input")
    .argument("<source>", "source name or ID")
    .argument("<path>", "file path in the source (missing directories are created)")
    .argument("[file]", "local file to upload; '-' or none reads standard input")
    .addHelpText(
      "after",
      examples(
        "crude files put my-api hello.ts ./hello.ts",
        "crude files put my-api lib/util.ts < util.ts",
        "echo 'export default () => new Response(\"hi\")' | crude files put my-api hi.ts",
      ),
    )
    .action(
      action(io, async (ctx, nameOrId: string, path: string, file: string | undefined) => {
        const content = await readContent(ctx.io, file);
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        const body: FileWrittenBody = await withProgress(ctx, `Uploading ${source.name}/${path} (${formatBytes(content.length)})…`, () =>
          uploadFile(client, source.id, path, content),
        );
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.path, `${body.created ? "Created" : "Replaced"} ${source.name}/${body.path} (${formatBytes(content.length)}).`);
      }),
    );

  withYes(files.command("delete"))
    .alias("rm")
    .description("Delete a file (directories left empty stay)")
    .argument("<source>", "source name or ID")
    .argument("<path>", "file path in the source")
    .addHelpText("after", examples("crude files delete my-api old.ts", "crude files delete my-api old.ts --yes"))
    .action(
      action(io, async (ctx, nameOrId: string, path: string, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete ${nameOrId}/${path}`);
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        await confirm(`delete ${source.name}/${path}`);
        const body = await client.delete<FileDeletedBody>(filesUrl(source.id, path));
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.path, `Deleted ${source.name}/${body.path}.`);
      }),
    );
}
