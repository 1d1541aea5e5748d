import { Hono } from "hono";
import type { WebDeps, WebEnv } from "../../env.js";
import { filePages } from "./file-pages.js";
import { sourceCreatePages } from "./source-create.js";
import { sourceEditPages } from "./source-edit.js";
import { sourcePage } from "./source-page.js";
import { sourcesListPage } from "./sources-list.js";

/**
 * /web/code: code sources and their files, on SourcesService and FilesService (the API's
 * /api/sources and /api/sources/:id/files). Mounted at /code.
 */
export function codePages(deps: WebDeps) {
  const app = new Hono<WebEnv>();
  app.route("/", sourcesListPage(deps));
  // Before /sources/:id, which would take "new" for an ID.
  app.route("/sources/new", sourceCreatePages(deps));
  app.route("/sources", sourcePage(deps));
  app.route("/sources", sourceEditPages(deps));
  app.route("/sources", filePages(deps));
  return app;
}

/** The routes that take a file's bytes, each under files.max-size-bytes instead of api.max-body-bytes (app.ts). */
export const CODE_UPLOAD_ROUTES = ["/code/sources/:id/files/upload", "/code/sources/:id/files/edit"] as const;
