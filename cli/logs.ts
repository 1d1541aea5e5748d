import { type Command, Help } from "commander";
import type { ApiClient } from "../src/api-client.js";
import type { FunctionsListBody, LogsBody, LogsDeletedBody, StoredLog } from "../src/api-types.js";
import { parseDuration } from "../src/duration.js";
import { UsageError } from "../src/errors.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import { findFunction } from "./function-lookup.js";
import type { Io } from "./io.js";
import { LogLines } from "./log-lines.js";
import { followLogs } from "./logs-follow.js";
import { findNamed } from "./lookup.js";

interface LogsFlags {
  function?: string;
  level?: string;
  limit?: number;
  since?: string;
  request?: string;
  follow?: boolean;
}

/** The API's filter query, shared by the history pages and the stream. */
export interface LogsQuery {
  functionId?: string;
  level?: string;
  requestId?: string;
  since?: string;
}

const DEFAULT_LIMIT = 50;
const PAGE_LIMIT = 1000;
const LOOK_BACK_MS = 5000;

function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`--limit must be a positive whole number, not '${text}'`);
  return value;
}

/** `--since`: an age (`10m`, `2h`, `7d`) or a date/time; sent as an ISO time. */
function parseSince(text: string): string {
  const age = parseDuration(text);
  const time = age === undefined ? Date.parse(text) : Date.now() - age;
  if (!Number.isFinite(time))
    throw new UsageError(`--since takes an age such as 30s, 10m, 2h, 7d or a date/time such as 2026-11-28T09:00, not '${text}'`);
  return new Date(time).toISOString();
}

export function registerLogs(program: Command, io: Io): void {
  const logs = program
    .command("logs")
    .description("Show handler logs: console output and request events, oldest first; --follow to watch live")
    .option("--function <function>", "only this function (name or ID)")
    .option(
      "-l, --level <levels>",
      "only these levels, comma-separated: log debug info warn error trace stdout stderr exec_start exec_end exec_reject",
    )
    .option("-n, --limit <n>", `how many of the newest entries to show (default ${DEFAULT_LIMIT}, or all with --since)`, parseLimit)
    .option("--since <age|time>", "only entries of the last AGE (30s, 10m, 2h, 7d) or since a date/time", parseSince)
    .option("--request <id>", "only one request: its id or its first characters, as shown in the fourth column")
    .option("-f, --follow", "keep printing new entries as they are stored, until Ctrl-C")
    .addHelpText(
      "after",
      `${examples(
        "crude logs --function hello",
        "crude logs --function hello --follow",
        "crude logs --level error,exec_reject --since 1h",
        "crude logs --request 3f2a9c1e",
        "crude logs --follow --json | jq -r 'select(.level == \"error\") | .message'",
      )}
Columns: local time, level (start/end/reject are the router's request events), function,
the request id's first 8 characters, message. --json prints one JSON object per line (NDJSON)
in the API's entry shape, oldest first. --follow survives daemon restarts: it reconnects and
resumes after the last entry it printed.\n`,
    )
    .action(
      action(io, async (ctx, flags: LogsFlags) => {
        const client = await ctx.client();
        const { functions } = await client.get<FunctionsListBody>("/api/functions");
        const query: LogsQuery = { level: flags.level, requestId: flags.request, since: flags.since };
        if (flags.function !== undefined) query.functionId = findNamed(functions, flags.function, "function", "crude functions list").id;
        const names = new Map(functions.map((fn) => [fn.id, fn.name]));
        const lines = new LogLines(ctx.style, (id) => names.get(id) ?? id.slice(0, 8), [...names.values()]);
        const print = (entry: StoredLog) => ctx.out(ctx.json ? JSON.stringify(entry) : lines.render(entry));

        const startedAt = Date.now();
        const limit = flags.limit ?? (flags.since === undefined ? DEFAULT_LIMIT : Number.POSITIVE_INFINITY);
        const history = await newestLogs(client, query, limit);
        for (const entry of history.reverse()) print(entry);
        if (!flags.follow) {
          if (history.length === 0 && !ctx.json) ctx.err(emptyHint(flags));
          return;
        }
        const last = history.at(-1);
        await followLogs(ctx, client, {
          query,
          // With nothing printed yet there is no id to resume after: a short look back covers
          // entries captured before the first read but stored after it (they wait up to a batch delay).
          resume: last ? { afterId: last.id } : { since: query.since ?? new Date(startedAt - LOOK_BACK_MS).toISOString() },
          print,
          unknownFunction: async (id) => {
            const fresh = await client.get<FunctionsListBody>("/api/functions");
            for (const fn of fresh.functions) names.set(fn.id, fn.name);
            return names.has(id);
          },
        });
      }),
    );

  withYes(logs.command("clear"))
    .description("Delete every stored log entry of one function (named with --function)")
    .configureHelp({
      ...logs.configureHelp(),
      // Of the flags of `crude logs` (given to it as to every subcommand), only --function applies here.
      visibleGlobalOptions(this: Help, command: Command) {
        return Help.prototype.visibleGlobalOptions
          .call(this, command)
          .filter((option) => !logs.options.includes(option) || option.long === "--function");
      },
    })
    .addHelpText(
      "after",
      `${examples("crude logs clear --function hello", "crude logs clear --function hello --yes")}
The function stays; only its log entries go (deleting a function deletes them too).\n`,
    )
    .action(
      action(io, async (ctx, flags: { yes?: boolean }) => {
        // --function is the one of `crude logs` (commander hands a parent's flags to its subcommands), and so are
        // the filters: refused, as `--since 1h` would read as "clear the last hour" but clears everything.
        const { function: nameOrId, ...logsFlags } = ctx.options as LogsFlags;
        const filters = (["level", "limit", "since", "request", "follow"] as const).filter((name) => logsFlags[name] !== undefined);
        if (filters.length > 0) throw new UsageError(`crude logs clear deletes all of a function's logs; drop --${filters.join(", --")}`);
        if (nameOrId === undefined) throw new UsageError("name the function whose logs to delete: crude logs clear --function NAME");
        const confirm = confirmation(ctx, flags.yes, `delete the logs of function '${nameOrId}'`);
        const client = await ctx.client();
        const fn = await findFunction(client, nameOrId);
        await confirm(`delete the logs of function '${fn.name}'`);
        const body = await client.delete<LogsDeletedBody>(`/api/logs/${encodeURIComponent(fn.id)}`);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(
          fn.id,
          `Deleted ${body.data.deleted === 1 ? "1 log entry" : `${body.data.deleted} log entries`} of function '${fn.name}'.`,
        );
      }),
    );
}

/** Up to `limit` of the newest matching entries, newest first, following the API's page links. */
export async function newestLogs(client: ApiClient, query: LogsQuery, limit: number): Promise<StoredLog[]> {
  const entries: StoredLog[] = [];
  let path: string | undefined = "/api/logs";
  let params: Record<string, string | number | undefined> | undefined = { ...query, limit: Math.min(limit, PAGE_LIMIT) };
  while (path !== undefined && entries.length < limit) {
    const { data }: LogsBody = await client.get<LogsBody>(path, { query: params });
    entries.push(...data.logs.slice(0, limit - entries.length));
    // The next link carries the filters and the cursor already.
    path = data.pagination.hasMore ? data.pagination.next : undefined;
    params = undefined;
  }
  return entries;
}

function emptyHint(flags: LogsFlags): string {
  if (flags.function || flags.level || flags.request || flags.since) return "crude: no log entries match";
  return "crude: no log entries yet; they appear when functions run (try: crude functions invoke NAME)";
}
