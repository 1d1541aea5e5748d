import { type Context, Hono } from "hono";
import type { SecretScope } from "../../../src/api-types.js";
import { executionFailed, type FailureBody, handlerLoadFailed, handlerSyntaxError, invalidHandler } from "../failures.js";
import { headerPairs, type Outcome, type RunRequest } from "../protocol.js";
import { type Capture, requestScope } from "./isolation.js";
import { LightRequest } from "./light-web.js";

/** The spec's `ctx`, the second argument of every handler. */
export interface FunctionContext {
  route: RunRequest["route"];
  params: Record<string, string>;
  query: Record<string, string>;
  authenticatedKeyGroup: string | undefined;
  requestedAt: Date;
  requestId: string;
  getSecret(name: string, scope?: SecretScope): Promise<string | undefined>;
  getCompleteSecret(name: string): Promise<object | undefined>;
}

type Handler = (c: Context, ctx: FunctionContext) => unknown;
type Loaded = { handler: Handler } | { failure: (requestId: string) => FailureBody; fault?: string };
type Bindings = { handler: Handler; ctx: FunctionContext };

export interface Execution {
  response: Response;
  outcome: Outcome;
  durationUs: number;
  fault?: string;
}

export type SecretLookup = (request: RunRequest, name: string, scope: SecretScope | undefined, complete: boolean) => Promise<unknown>;

class NotAResponseError extends Error {
  constructor() {
    super("Handler must return a Response");
  }
}

const json = (body: FailureBody, status: number) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const stackOf = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error));

/**
 * Imports handler modules and runs requests through them, each inside its own request scope.
 * Every compiled version has its own URL, so the module map only grows: the pool replaces a
 * worker once it holds too many versions.
 */
export class HandlerRunner {
  private readonly modules = new Map<string, Promise<Loaded>>();
  /** One small Hono app per route pattern, so `c.req.param()` works as in the reference. */
  private readonly apps = new Map<string, Hono<{ Bindings: Bindings }>>();

  constructor(
    private readonly capture: Capture,
    private readonly lookupSecret: SecretLookup,
    private readonly production: boolean,
  ) {}

  get moduleCount(): number {
    return this.modules.size;
  }

  execute(request: RunRequest, body: ReadableStream<Uint8Array> | ArrayBuffer | undefined): Promise<Execution> {
    const scope = { requestId: request.requestId, functionId: request.functionId, env: {}, deadline: request.deadline };
    return requestScope.run(scope, async (): Promise<Execution> => {
      const started = performance.now();
      const elapsedUs = () => Math.round((performance.now() - started) * 1000);
      const loaded = await this.load(request.moduleUrl);
      if ("failure" in loaded) {
        const response = json(loaded.failure(request.requestId), 500);
        return { response, outcome: "load-error", durationUs: elapsedUs(), fault: loaded.fault };
      }
      const ctx = this.context(request);
      const incoming = new LightRequest(request.method, request.url, headerPairs(request.headers), body ?? null);
      try {
        const response = await this.appFor(request.route.route).fetch(incoming as unknown as Request, { handler: loaded.handler, ctx });
        return { response, outcome: "ok", durationUs: elapsedUs() };
      } catch (error) {
        const durationUs = elapsedUs();
        const fault = stackOf(error);
        this.capture(scope, "error", fault);
        return { response: json(executionFailed(error, this.production, request.requestId), 500), outcome: "error", durationUs, fault };
      }
    });
  }

  private load(moduleUrl: string): Promise<Loaded> {
    let loaded = this.modules.get(moduleUrl);
    if (!loaded) {
      loaded = import(moduleUrl).then(
        (module: { default?: unknown }) =>
          typeof module.default === "function" ? { handler: module.default as Handler } : { failure: invalidHandler },
        (error: unknown) =>
          error instanceof SyntaxError
            ? { failure: (requestId: string) => handlerSyntaxError(error.message, requestId) }
            : { failure: handlerLoadFailed, fault: stackOf(error) },
      );
      this.modules.set(moduleUrl, loaded);
    }
    return loaded;
  }

  private context(request: RunRequest): FunctionContext {
    return {
      route: request.route,
      params: {},
      // Repeated names: the last value wins, as in the reference.
      query: Object.fromEntries(new URL(request.url).searchParams),
      authenticatedKeyGroup: request.key?.groupName,
      requestedAt: new Date(),
      requestId: request.requestId,
      getSecret: (name, scope) => this.lookupSecret(request, name, scope, false) as Promise<string | undefined>,
      getCompleteSecret: (name) => this.lookupSecret(request, name, undefined, true) as Promise<object | undefined>,
    };
  }

  private appFor(pattern: string): Hono<{ Bindings: Bindings }> {
    let app = this.apps.get(pattern);
    if (!app) {
      app = new Hono<{ Bindings: Bindings }>();
      app.all(pattern, async (c) => {
        const { handler, ctx } = c.env;
        ctx.params = c.req.param() as Record<string, string>;
        const result = await handler(c, ctx);
        if (!(result instanceof Response)) throw new NotAResponseError();
        return result;
      });
      // Failures leave through fetch() so execute() answers them all in one place.
      app.onError((error) => {
        throw error;
      });
      this.apps.set(pattern, app);
    }
    return app;
  }
}
