import { Hono } from "hono";
import { errorHandler, notFoundHandler, type ServerFaultLogger } from "./errors.js";

/** Serves `/run` requests: the execution engine's router. */
export type RunFetch = (request: Request, env: unknown) => Response | Promise<Response>;

/** `/run` and `/run/*` on an app, handed to the engine with the node-server bindings. */
export function mountRun(app: Hono, run: RunFetch): void {
  const handler = (c: { req: { raw: Request }; env: unknown }) => run(c.req.raw, c.env);
  app.all("/run", handler);
  app.all("/run/*", handler);
}

/** The function port: `/run*` only; other paths are 404 (JSON, unlike the reference's plain text). */
export function buildFunctionApp(logFault: ServerFaultLogger, run: RunFetch): Hono {
  const app = new Hono();
  app.onError(errorHandler(logFault));
  app.notFound(notFoundHandler());
  mountRun(app, run);
  return app;
}
