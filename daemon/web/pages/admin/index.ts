import { Hono } from "hono";
import type { WebDeps, WebEnv } from "../../env.js";
import { passwordPage } from "./password.js";
import { queryPage } from "./query.js";
import { settingsPage } from "./settings.js";
import { userPages } from "./users.js";

/** /web/users, /web/password, /web/settings and /web/query: the daemon's accounts and configuration. */
export function adminPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.route("/users", userPages(deps));
  app.route("/password", passwordPage(deps));
  app.route("/settings", settingsPage(deps));
  app.route("/query", queryPage(deps));
  return app;
}
