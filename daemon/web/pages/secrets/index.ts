import { Hono } from "hono";
import type { WebDeps, WebEnv } from "../../env.js";
import { scopedSecretPages } from "./scoped-pages.js";
import { scopeResolvers } from "./scopes.js";

/**
 * Secrets of every scope, mounted at /web: /secrets (global), /functions/secrets/:functionId,
 * /keys/secrets/:groupId and /keys/:keyId/secrets, each with create, edit/:id, delete/:id and reveal/:id.
 */
export function secretPages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  for (const { path, resolve } of scopeResolvers(deps)) app.route(path, scopedSecretPages(deps, resolve));
  return app;
}
