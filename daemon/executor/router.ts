import type { ServerResponse } from "node:http";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { getPath } from "hono/utils/url";
import type { ServerFaultLogger } from "../http/errors.js";
import { errorHandler } from "../http/errors.js";
import { type Invoker, invoker } from "./invoke.js";

/** What the router needs of a function (the functions domain's record has more). */
export interface RunnableFunction {
  id: string;
  name: string;
  description: string | null;
  handler: string;
  route: string;
  methods: string[];
  keys: string[] | null;
  cors: CorsSettings | null;
  timeoutMs: number | null;
  enabled: boolean;
}

export interface CorsSettings {
  origins: string[];
  credentials?: boolean;
  maxAge?: number;
  allowHeaders?: string[];
  exposeHeaders?: string[];
}

export interface FunctionTable {
  /** Every function ordered by name; read only after a change, never per request. */
  snapshot(): RunnableFunction[];
  onChange(listener: () => void): void;
}

/** The spec's fixed preflight list, whatever the function's own methods are. */
const PREFLIGHT_METHODS = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"];
const DEFAULT_MAX_AGE = 86_400;

/** `/run`, `/run/` and `/run/x…` are routed as `/`, `/` and `/x…`: the prefix goes once. */
function runPath(request: Request): string {
  const path = getPath(request);
  return path.length <= 4 ? "/" : path.slice(4);
}

/**
 * node-server gives every response without a Content-Type `text/plain`, but the spec's preflight
 * answer has none: it is written to the connection here and node-server is told it was sent.
 */
const preflightAnswer = (c: Context, response: Response): Response => {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (!outgoing || outgoing.headersSent) return response;
  outgoing.writeHead(response.status, Object.fromEntries(response.headers));
  outgoing.end();
  return RESPONSE_ALREADY_SENT;
};

function corsFor(settings: CorsSettings): MiddlewareHandler {
  const wildcard = settings.origins.length === 1 && settings.origins[0] === "*";
  const middleware = cors({
    origin: wildcard ? "*" : settings.origins,
    credentials: settings.credentials,
    maxAge: settings.maxAge ?? DEFAULT_MAX_AGE,
    allowHeaders: settings.allowHeaders,
    exposeHeaders: settings.exposeHeaders,
    allowMethods: PREFLIGHT_METHODS,
  });
  // The middleware returns a response only when it answers a preflight itself.
  return async (c, next) => {
    const preflight = await middleware(c, next);
    return preflight ? preflightAnswer(c, preflight) : undefined;
  };
}

/**
 * The routing table of `/run`, rebuilt from the function table after a change (lazily, on the
 * next request), so answering a request never touches the database. Built as the reference
 * builds it: CORS middleware per pattern first (the function sorting first configures a
 * shared pattern), then every enabled function in name order — the first match wins — then
 * the "not found" catch-all.
 */
export class RunRouter {
  private app: Hono | undefined;

  constructor(
    private readonly functions: FunctionTable,
    private readonly invoke: Invoker,
    private readonly logFault: ServerFaultLogger,
  ) {
    functions.onChange(() => {
      this.app = undefined;
    });
  }

  readonly fetch = (request: Request, env: unknown): Response | Promise<Response> => {
    this.app ??= this.build();
    return this.app.fetch(request, env);
  };

  private build(): Hono {
    const enabled = this.functions.snapshot().filter((fn) => fn.enabled);
    const app = new Hono({ getPath: runPath });
    app.onError(errorHandler(this.logFault));
    const withCors = new Set<string>();
    for (const fn of enabled) {
      if (!fn.cors || withCors.has(fn.route)) continue;
      withCors.add(fn.route);
      app.use(fn.route, corsFor(fn.cors));
    }
    for (const fn of enabled) app.on(fn.methods, fn.route, invoker(fn, this.invoke));
    app.all("*", (c: Context) => c.json({ error: "Function not found" }, 404));
    return app;
  }
}
