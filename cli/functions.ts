import { type Command, Option } from "commander";
import type { FunctionBody, FunctionDefinition, FunctionsListBody } from "../src/api-types.js";
import { CrudeError, UsageError } from "../src/errors.js";
import { formatDuration } from "../src/format.js";
import { action, examples } from "./action.js";
import { confirmation, withYes } from "./confirm.js";
import type { CommandContext } from "./context.js";
import { changesSomething, collect, type FunctionFlags, functionBody, parseMaxAgeFlag, parseTimeoutFlag } from "./function-body.js";
import type { InvokeFlags } from "./function-invoke.js";
import { findFunction, groupNamer } from "./function-lookup.js";
import type { Io } from "./io.js";
import { printFields, printTable } from "./table.js";

/** What the handler check found: the function is saved all the same. */
function warn(ctx: CommandContext, body: FunctionBody): void {
  for (const warning of body.warnings ?? []) ctx.err(`crude: warning: ${warning}`);
}

/** The flags `create` and `update` share; `update` changes only what is given. */
function definitionOptions(command: Command): Command {
  return command
    .option("-d, --description <text>", "what the function does")
    .option("--keys <groups>", "key groups whose keys may call it, comma-separated names or IDs")
    .option("--cors-origin <origin>", "answer CORS requests from this origin (a URL, or '*'); repeat for more", collect)
    .option("--cors-credentials", "send Access-Control-Allow-Credentials (not with origin '*')")
    .option("--cors-max-age <seconds>", "how long browsers may cache a preflight", parseMaxAgeFlag)
    .option("--cors-allow-headers <list>", "request headers to allow, comma-separated")
    .option("--cors-expose-headers <list>", "response headers scripts may read, comma-separated")
    .option("--timeout <duration>", "how long a call may run, e.g. 500ms, 5s, 1m", parseTimeoutFlag);
}

function describeCors(fn: FunctionDefinition): string {
  const { cors } = fn;
  if (!cors) return "none";
  return [
    `origins ${cors.origins.join(", ")}`,
    ...(cors.credentials ? ["credentials"] : []),
    ...(cors.maxAge === undefined ? [] : [`max-age ${cors.maxAge}s`]),
    ...(cors.allowHeaders ? [`allow-headers ${cors.allowHeaders.join(", ")}`] : []),
    ...(cors.exposeHeaders ? [`expose-headers ${cors.exposeHeaders.join(", ")}`] : []),
  ].join("; ");
}

export function registerFunctions(program: Command, io: Io): void {
  const functions = program
    .command("functions")
    .description("Manage functions: routes under /run bound to handler files")
    .addHelpText(
      "after",
      `${examples(
        "crude functions create --name hello --handler my-api/hello.ts --route /hello",
        "crude functions create --name user --handler api/user.ts --route /users/:id --methods GET,PUT --keys mobile-app",
        "crude functions list",
        "crude functions invoke user --param id=42",
      )}
Handlers are paths relative to the code directory (<data-dir>/code). Functions are addressed
by name or ID.\n`,
    );

  functions
    .command("list")
    .alias("ls")
    .description("List functions")
    .addHelpText(
      "after",
      examples("crude functions list", "crude functions list --json | jq -r '.functions[] | select(.enabled) | .route'"),
    )
    .action(
      action(io, async (ctx) => {
        const client = await ctx.client();
        const body = await client.get<FunctionsListBody>("/api/functions");
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.outLines(body.functions.map((fn) => fn.id));
        const groups = await groupNamer(client, body.functions);
        await printTable(
          ctx,
          ["NAME", "ROUTE", "METHODS", "ENABLED", "HANDLER", "KEYS"],
          body.functions.map((fn) => [fn.name, fn.route, fn.methods.join(","), fn.enabled ? "yes" : "no", fn.handler, groups(fn.keys)]),
        );
      }),
    );

  functions
    .command("get")
    .description("Show one function")
    .argument("<function>", "function name or ID")
    .addHelpText("after", examples("crude functions get hello", "crude functions get hello --json | jq .function.route"))
    .action(
      action(io, async (ctx, nameOrId: string) => {
        const client = await ctx.client();
        const { id } = await findFunction(client, nameOrId);
        const body = await client.get<FunctionBody>(`/api/functions/${encodeURIComponent(id)}`);
        if (ctx.json) return ctx.printJson(body);
        if (ctx.options.quiet) return ctx.out(body.function.id);
        const fn = body.function;
        const groups = await groupNamer(client, [fn]);
        await printFields(ctx, [
          ["name", fn.name],
          ["id", fn.id],
          ["description", fn.description ?? ""],
          ["handler", fn.handler],
          ["route", fn.route],
          ["methods", fn.methods.join(", ")],
          ["keys", fn.keys ? groups(fn.keys) : "none (anyone may call it)"],
          ["cors", describeCors(fn)],
          ["timeout", fn.timeoutMs === null ? "default (setting functions.timeout-ms)" : formatDuration(fn.timeoutMs)],
          ["enabled", fn.enabled ? "yes" : "no"],
        ]);
      }),
    );

  definitionOptions(
    functions
      .command("create")
      .description("Create a function (enabled at once)")
      .requiredOption("-n, --name <name>", "function name, unique")
      .requiredOption("--handler <path>", "handler file relative to the code directory, e.g. my-api/hello.ts")
      .requiredOption("-r, --route <pattern>", "route under /run, e.g. /hello or /users/:id")
      .option("-m, --methods <list>", "HTTP methods, comma-separated (GET POST PUT DELETE PATCH HEAD OPTIONS)", "GET"),
  )
    .addHelpText(
      "after",
      `${examples(
        "crude functions create --name hello --handler my-api/hello.ts --route /hello",
        "crude functions create -n orders --handler shop/orders.ts -r '/orders/:id{[0-9]+}' -m GET,POST --keys partners --timeout 10s",
        "crude functions create -n public-api --handler api/index.ts -r /api --cors-origin https://app.example.com --cors-credentials",
      )}
The handler file need not exist yet; problems the daemon finds in it are printed as warnings.
Without --keys anyone may call it; a preflight may be cached for 86400 s unless --cors-max-age
says otherwise; without --timeout the setting functions.timeout-ms applies; without
--cors-allow-headers a preflight allows the headers the browser asks for.\n`,
    )
    .action(
      action(io, async (ctx, flags: FunctionFlags) => {
        const client = await ctx.client();
        const body = await client.post<FunctionBody>("/api/functions", { body: await functionBody(client, flags) });
        warn(ctx, body);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(body.function.id, `Created function '${body.function.name}' (id ${body.function.id}) at /run${body.function.route}.`);
      }),
    );

  definitionOptions(
    functions
      .command("update")
      .description("Change a function; what is not given stays as it is")
      .argument("<function>", "function name or ID")
      .option("-n, --name <name>", "new name")
      .option("--handler <path>", "new handler file, relative to the code directory")
      .option("-r, --route <pattern>", "new route")
      .option("-m, --methods <list>", "new methods, comma-separated"),
  )
    .option("--no-keys", "let anyone call it")
    .option("--no-cors", "remove the CORS configuration")
    .addOption(new Option("--no-cors-credentials", "stop sending Access-Control-Allow-Credentials"))
    .option("--no-timeout", "use the functions.timeout-ms setting again")
    .addHelpText(
      "after",
      `${examples(
        "crude functions update hello --route /hi --methods GET,POST",
        "crude functions update orders --keys partners,mobile-app --timeout 30s",
        "crude functions update hello --no-keys --no-cors --description ''",
      )}
--description '' clears the description.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, flags: FunctionFlags) => {
        if (!changesSomething(flags)) {
          throw new UsageError("nothing to change: give the flags to change (see crude functions update --help)");
        }
        const client = await ctx.client();
        const current = await findFunction(client, nameOrId);
        const body = await client.put<FunctionBody>(`/api/functions/${encodeURIComponent(current.id)}`, {
          body: await functionBody(client, flags, current),
        });
        warn(ctx, body);
        if (ctx.json) return ctx.printJson(body);
        ctx.confirm(current.id, `Updated function '${body.function.name}'.`);
      }),
    );

  withYes(functions.command("delete"))
    .alias("rm")
    .description("Delete a function, its function-scoped secrets and its logs (handler files stay)")
    .argument("<function>", "function name or ID")
    .addHelpText("after", examples("crude functions delete hello", "crude functions delete hello --yes"))
    .action(
      action(io, async (ctx, nameOrId: string, flags: { yes?: boolean }) => {
        const confirm = confirmation(ctx, flags.yes, `delete function '${nameOrId}'`);
        const client = await ctx.client();
        const fn = await findFunction(client, nameOrId);
        await confirm(`delete function '${fn.name}'`);
        // 204: there is no body for --json to print.
        await client.delete(`/api/functions/${encodeURIComponent(fn.id)}`);
        if (!ctx.json) ctx.confirm(fn.id, `Deleted function '${fn.name}'.`);
      }),
    );

  for (const [verb, enabled] of [
    ["enable", true],
    ["disable", false],
  ] as const) {
    functions
      .command(verb)
      .description(enabled ? "Enable a function" : "Disable a function: /run answers 404 for it as if it did not exist")
      .argument("<function>", "function name or ID")
      .addHelpText("after", examples(`crude functions ${verb} hello`))
      .action(
        action(io, async (ctx, nameOrId: string) => {
          const client = await ctx.client();
          const fn = await findFunction(client, nameOrId);
          const body = await client.put<FunctionBody>(`/api/functions/${encodeURIComponent(fn.id)}/${verb}`);
          if (ctx.json) return ctx.printJson(body);
          ctx.confirm(fn.id, `${enabled ? "Enabled" : "Disabled"} function '${fn.name}'.`);
        }),
      );
  }

  functions
    .command("invoke")
    .description("Call a function over HTTP on the function port and print its response")
    .argument("<function>", "function name or ID")
    .option(
      "-X, --method <method>",
      "HTTP method (default: GET if the function takes it; with --data the first of POST, PUT, PATCH it takes; else its first method)",
    )
    .option("-p, --param <name=value>", "a route parameter, e.g. id=42 for /users/:id; repeatable", collect)
    .option("--path <path>", "the path under /run instead of the route with --param, e.g. /users/42")
    .option("--query <name=value>", "a query parameter; repeatable", collect)
    .option("-H, --header <'Name: value'>", "a request header; repeatable", collect)
    .option("-d, --data <body>", "request body: text, @file, or @- for standard input (sent as is)")
    .option("--key <value>", "API key, sent as X-API-Key")
    .option("-i, --include", "print the status line and headers before the body")
    .option("--function-url <url>", "where the function port is reached (default: the daemon's host and function port)")
    .addHelpText(
      "after",
      `${examples(
        "crude functions invoke hello",
        "crude functions invoke user --param id=42 --query verbose=1 -i",
        "crude functions invoke orders -X POST -H 'Content-Type: application/json' --data @order.json --key $KEY",
        "crude functions invoke hello --json | jq .status",
      )}
The body is written to stdout as received; --json prints {"status", "headers", "body"} instead.
Exit status: 0 for a 2xx answer, 1 for any other status (the status goes to stderr), 3 when the
function port cannot be reached.\n`,
    )
    .action(
      action(io, async (ctx, nameOrId: string, flags: InvokeFlags) => {
        const client = await ctx.client();
        const fn = await findFunction(client, nameOrId);
        const { invokeFunction } = await import("./function-invoke.js");
        const { status, statusText } = await invokeFunction(ctx, client, fn, flags);
        if (status < 200 || status > 299) throw new CrudeError(`the function answered ${status} ${statusText}`.trimEnd());
      }),
    );
}
