import { statSync } from "node:fs";
import { relative, resolve, sep } from "node:path";
import type { Command } from "commander";
import type { Source } from "../src/api-types.js";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import type { CommandContext } from "./context.js";
import type { Io } from "./io.js";
import { withProgress } from "./progress.js";
import { findSource } from "./source-lookup.js";
import { isEmpty, isSkipped, type MirrorPlan, SourceMirror, summarize } from "./source-mirror.js";

/** Quiet time after the last change before a watched directory is pushed: one push per editor save. */
const SETTLE_MS = 100;

interface PushFlags {
  dryRun?: boolean;
  watch?: boolean;
}

export function registerPush(sources: Command, io: Io): void {
  sources
    .command("push")
    .description("Make a source's files equal to a local directory's (adds, changes, removes)")
    .argument("<source>", "source name or ID")
    .argument("<dir>", "the local directory")
    .option("--dry-run", "print what would change, change nothing")
    .option("-w, --watch", "after pushing, keep pushing every change until interrupted (Ctrl-C)")
    .addHelpText(
      "after",
      `${examples(
        "crude sources push my-api ./functions --dry-run",
        "crude sources push my-api ./functions",
        "crude sources push my-api ./functions --watch",
      )}
Lines start with + (added), ~ (changed) or - (removed: in the source but not in <dir>).
node_modules and .git directories are skipped on both sides. Contents are compared byte
for byte, so an unchanged file is never uploaded again.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, dir: string, flags: PushFlags) => {
        if (flags.dryRun && flags.watch) throw new UsageError("--dry-run and --watch cannot be used together");
        const root = resolve(dir);
        if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`not a directory: ${dir}`);
        const client = await ctx.client();
        const source = await findSource(client, nameOrId);
        const mirror = new SourceMirror(client, source.id, root);
        const plan = await mirrorOnce(ctx, source, mirror, flags.dryRun === true);
        report(ctx, source, plan, flags.dryRun === true);
        if (flags.watch) await watch(ctx, source, mirror, root);
      }),
    );
}

/** Compares, and unless it is a dry run uploads and removes, with a progress line while that takes. */
function mirrorOnce(ctx: CommandContext, source: Source, mirror: SourceMirror, dryRun: boolean): Promise<MirrorPlan> {
  return withProgress(ctx, `${dryRun ? "Comparing with" : "Pushing to"} '${source.name}'…`, async () => {
    const plan = await mirror.plan();
    if (!dryRun) await mirror.apply(plan);
    return plan;
  });
}

function report(ctx: CommandContext, source: Source, plan: MirrorPlan, dryRun: boolean, quietWhenEmpty = false): void {
  if (quietWhenEmpty && isEmpty(plan)) return;
  const summary = summarize(plan);
  if (ctx.json) {
    ctx.printJson({ source: source.name, ...summary, dryRun });
    return;
  }
  if (ctx.options.quiet) return;
  for (const path of summary.added) ctx.out(`+ ${path}`);
  for (const path of summary.changed) ctx.out(`~ ${path}`);
  for (const path of summary.removed) ctx.out(`- ${path}`);
  const counts = `${summary.added.length} added, ${summary.changed.length} changed, ${summary.removed.length} removed`;
  if (isEmpty(plan)) ctx.out(`'${source.name}' is up to date.`);
  else if (dryRun) ctx.out(`Would push to '${source.name}': ${counts} (dry run, nothing changed).`);
  else ctx.out(`Pushed to '${source.name}': ${counts}.`);
}

/**
 * Pushes again after every change below `root` until interrupted. Changes that arrive during a
 * push are collected into one more push after it; a failed push is reported and watching goes on.
 */
async function watch(ctx: CommandContext, source: Source, mirror: SourceMirror, root: string): Promise<void> {
  const { watch: watchFiles } = await import("chokidar");
  const watcher = watchFiles(root, { ignoreInitial: true, ignored: (path) => isSkipped(relative(root, path).split(sep).join("/")) });
  let timer: NodeJS.Timeout | undefined;
  let pushing: Promise<void> | undefined;
  let again = false;

  const push = async () => {
    do {
      again = false;
      try {
        const plan = await mirrorOnce(ctx, source, mirror, false);
        report(ctx, source, plan, false, true);
      } catch (error) {
        ctx.err(`crude: ${(error as Error).message}`);
      }
    } while (again);
    pushing = undefined;
  };
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (pushing) again = true;
      else pushing = push();
    }, SETTLE_MS);
  };

  watcher.on("all", changed);
  watcher.on("error", (error) => ctx.err(`crude: watching ${root}: ${(error as Error).message}`));
  await new Promise<void>((ready) => watcher.once("ready", ready));
  if (!ctx.json && !ctx.options.quiet) ctx.out(`Watching ${root} (Ctrl-C to stop).`);
  await ctx.io.interrupted();
  clearTimeout(timer);
  await watcher.close();
  await pushing;
}
