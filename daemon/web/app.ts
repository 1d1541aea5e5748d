/**
 * The web UI: server-rendered pages under /web on the TCP management port (never the socket),
 * plus /static/* and /favicon.ico. Pages call the same services as the management API, so a
 * form refuses with the API's rules and messages.
 *
 * How a page group is built (see pages/auth.tsx and pages/dashboard.tsx):
 * - One file (or folder) per group under pages/, whose first line is the JSX pragma comment
 *   `@jsxImportSource hono/jsx` (the project's default JSX is React's, for the TUI), exporting
 *   `xxxPages(deps: WebDeps): Hono<WebEnv>` with paths relative to its mount point; mount it
 *   below with `web.route("/xxx", xxxPages(deps))`.
 * - Every request arrives here already guarded: signed in (`signedInUser(c)` is the user), CSRF
 *   checked for unsafe methods, with `Cache-Control: no-store` and a CSP that forbids inline
 *   scripts and styles (no `style=""` either: add classes to static/app.css).
 * - Render with `c.render(<Content />, { title, actions?, scripts? })` (layout.tsx: nav, flash,
 *   <h1>). Hono JSX escapes text and attributes; never use raw() or dangerouslySetInnerHTML.
 * - Forms (forms.ts, components/form.tsx): `<Form action form submitLabel>` holds the `_csrf`
 *   field; fields `<Input|TextArea|Select|CheckboxGroup|Checkbox form={state} name label />` show
 *   the kept value and the error of `state: FormState`. A POST reads `readForm(c)`, calls the
 *   service, and on a refusal re-renders with `refusal(error, FIELDS)` → `{status, errors}`;
 *   on success `return redirectWithFlash(c, location, message)` (flash.ts, 303).
 * - Deleting: GET `.../delete/:id` renders `<ConfirmDelete subject action cancelHref />`, the POST
 *   to the same path deletes and redirects with a flash.
 * - Values never appear in a page: `<MaskedValue masked revealUrl label />`, where revealUrl is
 *   a POST route of the group answering `c.json({ value })` (app.js fetches it with the CSRF header).
 * - Lists: `<Table columns rows empty={<EmptyState message action />} />`; charts: `<Chart kind
 *   points title />`; on/off in a row: `<ToggleForm action name checked label />`.
 * - Client code: daemon/web/client/<name>.ts (type-checked with the DOM's types by its own
 *   tsconfig.json), bundled by `npm run build` into dist/web/<name>.js (add the entry to the
 *   build script and to ASSETS in static-assets.ts), loaded with `scripts: ["<name>.js"]`.
 * - Uploads: add the route's path to OWN_BODY_LIMIT and put its own limit (limitUploads) in
 *   front of the CSRF check, like the API's file routes.
 */
import { Hono } from "hono";
import { except } from "hono/combine";
import { jsxRenderer } from "hono/jsx-renderer";
import { trimTrailingSlash } from "hono/trailing-slash";
import { dynamicBodyLimit } from "../http/middleware.js";
import type { WebDeps, WebEnv } from "./env.js";
import { notFoundPage, webErrorHandler } from "./error-page.js";
import { Layout } from "./layout.js";
import { csrfCheck, csrfToken, pageHeaders } from "./page-middleware.js";
import { adminPages } from "./pages/admin/index.js";
import { authPages } from "./pages/auth.js";
import { CODE_UPLOAD_ROUTES, codePages } from "./pages/code/index.js";
import { fileBodyLimit } from "./pages/code/upload-limit.js";
import { dashboardPage } from "./pages/dashboard.js";
import { functionPages } from "./pages/functions/index.js";
import { keyPages } from "./pages/keys/index.js";
import { secretPages } from "./pages/secrets/index.js";
import { sessionGuard } from "./session-guard.js";
import { staticRoutes } from "./static-assets.js";

/**
 * Full paths (`/web/...`) of routes that read a large body under a limit of their own (file
 * uploads: limitUploads, added before the guard below); every other request gets the API's.
 */
const OWN_BODY_LIMIT: string[] = CODE_UPLOAD_ROUTES.map((route) => `/web${route}`);

export function webApp(deps: WebDeps) {
  const web = new Hono<WebEnv>();
  web.onError(webErrorHandler(deps.logFault));
  // Order matters: the layout renders every answer below (error pages too), the body limit
  // precedes the CSRF check (which may read a form body), the guard precedes the CSRF check
  // (an anonymous post is sent to the login page, not refused).
  web.use(
    async (c, next) => {
      c.set("serverName", deps.settings.get("server.name"));
      await next();
    },
    pageHeaders,
    jsxRenderer(Layout, { docType: true }),
    trimTrailingSlash(),
    csrfToken(deps.csrf),
  );
  web.use(
    except(
      OWN_BODY_LIMIT,
      dynamicBodyLimit(() => deps.settings.getInteger("api.max-body-bytes")),
    ),
  );
  for (const route of CODE_UPLOAD_ROUTES) web.use(route, fileBodyLimit(deps));
  web.use(sessionGuard(deps), csrfCheck);

  web.route("/", authPages(deps));
  web.route("/", dashboardPage(deps));
  web.route("/functions", functionPages(deps));
  web.route("/keys", keyPages(deps));
  web.route("/code", codePages(deps));
  web.route("/", adminPages(deps));
  // Global, function, key group and API key secrets: /secrets, /functions/secrets/:id, /keys/secrets/:id, /keys/:id/secrets.
  web.route("/", secretPages(deps));
  web.all("*", notFoundPage);

  const app = new Hono();
  app.route("/", staticRoutes());
  app.route("/web", web);
  return app;
}
