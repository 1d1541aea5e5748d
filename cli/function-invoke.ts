import { readFileSync } from "node:fs";
import { type IncomingMessage, request } from "node:http";
import type { ApiClient } from "../src/api-client.js";
import type { FunctionDefinition, StatusBody } from "../src/api-types.js";
import { DaemonUnreachableError, UsageError } from "../src/errors.js";
import { ROUTE_PARAM } from "../src/route-pattern.js";
import type { CommandContext } from "./context.js";
import { type Io, readStdinBytes } from "./io.js";
import { withProgress } from "./progress.js";

export interface InvokeFlags {
  method?: string;
  path?: string;
  param?: string[];
  query?: string[];
  header?: string[];
  data?: string;
  key?: string;
  include?: boolean;
  functionUrl?: string;
}

/** What `--json` prints. */
export interface InvokeResult {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
}

/**
 * Calls a function the way its clients do: over HTTP on the function port, at `/run` plus a
 * path built from its route. Streams the body to stdout; resolves with the status line.
 */
export async function invokeFunction(
  ctx: CommandContext,
  client: ApiClient,
  fn: FunctionDefinition,
  flags: InvokeFlags,
): Promise<{ status: number; statusText: string }> {
  const path = `/run${requestPath(fn.route, flags)}`;
  const body = flags.data === undefined ? undefined : await readData(ctx.io, flags.data);
  const headers = parseHeaders(flags.header ?? []);
  if (flags.key !== undefined) headers.push(["X-API-Key", flags.key]);
  const method = flags.method?.toUpperCase() ?? defaultMethod(fn.methods, body !== undefined);
  const base = flags.functionUrl === undefined ? await functionPortUrl(client) : parseUrl(flags.functionUrl);
  // Until the answer starts; its body may stream for long, but then there is output to watch.
  const response = await withProgress(ctx, `Calling ${fn.name}: ${method} ${path}…`, () => send(base, method, path, headers, body));
  const status = response.statusCode ?? 0;
  const statusText = response.statusMessage ?? "";
  if (ctx.json) {
    const chunks: Buffer[] = [];
    for await (const chunk of response) chunks.push(chunk as Buffer);
    const result: InvokeResult = { status, headers: headerObject(response), body: Buffer.concat(chunks).toString("utf8") };
    ctx.printJson(result);
  } else {
    if (flags.include) ctx.io.stdout.write(`${statusLine(response)}\n${headerLines(response)}\n`);
    let last: Buffer | undefined;
    for await (const chunk of response) {
      last = chunk as Buffer;
      ctx.io.stdout.write(last);
    }
    // Keep the shell prompt off the body's last line on a terminal; pipes get the bytes as sent.
    if (ctx.io.stdout.isTTY && last && last.length > 0 && last[last.length - 1] !== 0x0a) ctx.io.stdout.write("\n");
  }
  return { status, statusText };
}

/**
 * `--path` as given, or the route with its parameters filled in from `--param`: a missing
 * required one is an error, a missing optional one drops its segment; `--query` is appended.
 */
export function requestPath(route: string, flags: Pick<InvokeFlags, "path" | "param" | "query">): string {
  const params = flags.param ?? [];
  if (flags.path !== undefined && params.length > 0) throw new UsageError("give either --path or --param, not both");
  if (flags.path !== undefined && !flags.path.startsWith("/")) throw new UsageError(`--path must start with / (got '${flags.path}')`);
  const path = flags.path ?? fillRoute(route, new Map(pairs(params, "--param")));
  const query = new URLSearchParams(pairs(flags.query ?? [], "--query")).toString();
  if (!query) return path;
  return `${path}${path.includes("?") ? "&" : "?"}${query}`;
}

function fillRoute(route: string, params: Map<string, string>): string {
  const used = new Set<string>();
  const segments = route.split("/").flatMap((segment) => {
    const param = ROUTE_PARAM.exec(segment);
    if (!param && segment.includes("*")) throw new UsageError(`the route ${route} has a wildcard: give the whole path with --path`);
    if (!param) return [segment];
    const [, name = "", optional] = param;
    const value = params.get(name);
    if (value === undefined) {
      if (optional) return [];
      throw new UsageError(`missing --param ${name}=VALUE (the route is ${route})`);
    }
    used.add(name);
    return [encodeURIComponent(value)];
  });
  const unknown = [...params.keys()].filter((name) => !used.has(name));
  if (unknown.length > 0) throw new UsageError(`the route ${route} has no parameter '${unknown[0]}'`);
  return segments.join("/") || "/";
}

/** `name=value` items of a repeatable flag. */
function pairs(items: readonly string[], flag: string): [string, string][] {
  return items.map((item) => {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects name=value, got '${item}'`);
    return [item.slice(0, eq), item.slice(eq + 1)];
  });
}

function parseHeaders(items: readonly string[]): [string, string][] {
  return items.map((item) => {
    const colon = item.indexOf(":");
    const name = item.slice(0, colon).trim();
    if (colon <= 0 || name === "") throw new UsageError(`--header expects 'Name: value', got '${item}'`);
    return [name, item.slice(colon + 1).trim()];
  });
}

/** GET when the function takes it; with a body, the first of POST, PUT, PATCH it takes; else its first method. */
export function defaultMethod(methods: readonly string[], hasBody: boolean): string {
  const preferred = hasBody ? ["POST", "PUT", "PATCH"] : ["GET"];
  return preferred.find((method) => methods.includes(method)) ?? methods[0] ?? "GET";
}

/** `--data` as curl's `--data-binary` reads it: `@-` is stdin, `@file` a file, anything else the text itself. */
async function readData(io: Io, data: string): Promise<Buffer> {
  if (data === "@-") return readStdinBytes(io);
  if (!data.startsWith("@")) return Buffer.from(data);
  try {
    return readFileSync(data.slice(1));
  } catch (error) {
    throw new UsageError(`cannot read ${data.slice(1)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * The function port of the daemon the CLI talks to: its bind address for the local socket
 * (a wildcard address means this machine), the management URL's host for a remote daemon.
 */
export async function functionPortUrl(client: ApiClient): Promise<URL> {
  const status = await client.get<StatusBody>("/api/status");
  const { target } = client;
  const host = "url" in target ? new URL(target.url).hostname : localAddress(status.host);
  const url = new URL("http://localhost");
  url.hostname = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  url.port = String(status.functionPort);
  return url;
}

function parseUrl(text: string): URL {
  if (!URL.canParse(text) || !/^https?:$/.test(new URL(text).protocol))
    throw new UsageError(`--function-url must be an http(s) URL, got '${text}'`);
  return new URL(text);
}

function localAddress(bind: string): string {
  if (bind === "0.0.0.0" || bind === "") return "127.0.0.1";
  if (bind === "::" || bind === "[::]") return "::1";
  return bind;
}

/** One request to the function port, answered unread; an unreachable port is a DaemonUnreachableError. */
export async function send(
  base: URL,
  method: string,
  path: string,
  headers: [string, string][],
  body: Buffer | undefined,
): Promise<IncomingMessage> {
  const prefix = base.pathname.replace(/\/+$/, "");
  const open = base.protocol === "https:" ? (await import("node:https")).request : request;
  // Headers go as a flat list, keeping the user's spelling and repeats; node then adds no Host of its own.
  const given = new Set(headers.map(([name]) => name.toLowerCase()));
  const flat = [...(given.has("host") ? [] : ["Host", base.host]), ...headers.flat()];
  if (body !== undefined && !given.has("content-length")) flat.push("Content-Length", String(body.length));
  return new Promise((resolve, reject) => {
    const req = open({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[(.*)\]$/, "$1"),
      port: base.port || undefined,
      method,
      path: prefix + path,
      agent: false,
      headers: flat,
    });
    req.on("response", resolve);
    req.on("error", (error: NodeJS.ErrnoException) =>
      reject(error.code ? new DaemonUnreachableError(`${base.origin} (the function port)`, error.code, true) : error),
    );
    req.end(body);
  });
}

function statusLine(response: IncomingMessage): string {
  return `HTTP/${response.httpVersion} ${response.statusCode} ${response.statusMessage ?? ""}`.trimEnd();
}

function headerLines(response: IncomingMessage): string {
  let lines = "";
  for (let i = 0; i < response.rawHeaders.length; i += 2) lines += `${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}\n`;
  return lines;
}

function headerObject(response: IncomingMessage): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) headers[name] = value;
  return headers;
}
