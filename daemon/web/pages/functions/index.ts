import { Hono } from "hono";
import type { WebDeps, WebEnv } from "../../env.js";
import { deleteFunctionPage } from "./delete.js";
import { functionFormPages } from "./form.js";
import { functionListPage } from "./list.js";
import { functionLogsPage } from "./logs.js";
import { functionMetricsPages } from "./metrics.js";

/**
 * Mounted at /web/functions: the list (with the enabled switches), create, edit/:id, delete/:id,
 * logs/:id, metrics/:id and metrics/global. A function's secrets (/web/functions/secrets/:id)
 * are the secrets pages' own.
 */
export function functionPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.route("/", functionListPage(deps));
  app.route("/", functionFormPages(deps));
  app.route("/", deleteFunctionPage(deps));
  app.route("/logs", functionLogsPage(deps));
  app.route("/metrics", functionMetricsPages(deps));
  return app;
}
