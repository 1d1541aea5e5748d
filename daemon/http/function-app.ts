import { Hono } from "hono";
import { errorHandler, notFoundHandler, type ServerFaultLogger } from "./errors.js";

/**
 * `/run` and `/run/*`. Routing to user handlers arrives with the functions domain; until a
 * function matches, every request gets the spec's "not found" answer.
 */
export function mountRun(app: Hono): void {
  const notFound = notFoundHandler("Function not found");
  app.all("/run", notFound);
  app.all("/run/*", notFound);
}

/** The function port: `/run*` only; other paths are 404 (JSON, unlike the reference's plain text). */
export function buildFunctionApp(logFault: ServerFaultLogger): Hono {
  const app = new Hono();
  app.onError(errorHandler(logFault));
  app.notFound(notFoundHandler());
  mountRun(app);
  return app;
}
