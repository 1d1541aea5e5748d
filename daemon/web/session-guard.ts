import type { Context, MiddlewareHandler } from "hono";
import { currentSession } from "../users/session-auth.js";
import type { WebDeps, WebEnv } from "./env.js";

const HOME = "/web";
const SETUP = "/web/setup";
const LOGIN = "/web/login";
/** Resolves relative callback URLs; any other origin means the URL was not relative. */
const PROBE_ORIGIN = "http://crude.invalid";

/**
 * Where to go after signing in: a relative URL of a page under /web, else the dashboard. An
 * absolute or protocol-relative URL (`https://evil.com`, `//evil.com`, `/\evil.com`) would make
 * the login page an open redirect.
 */
export function safeCallbackUrl(value: unknown): string {
  if (typeof value !== "string" || !value.startsWith("/")) return HOME;
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return HOME;
  }
  if (url.origin !== PROBE_ORIGIN) return HOME;
  const { pathname } = url;
  if (pathname !== HOME && !pathname.startsWith(`${HOME}/`)) return HOME;
  if ([SETUP, LOGIN, "/web/logout"].includes(pathname)) return HOME;
  return `${pathname}${url.search}${url.hash}`;
}

/** The login page, asked to come back to this request's page (GET only: a form post cannot be replayed). */
function loginUrl(c: Context): string {
  if (c.req.method !== "GET") return LOGIN;
  const url = new URL(c.req.url);
  return `${LOGIN}?${new URLSearchParams({ callbackUrl: `${url.pathname}${url.search}` })}`;
}

/**
 * /web/* is for signed-in users only (session cookie; API keys are never accepted here). While
 * no user exists every page leads to first-run setup; once one does, setup leads to the login.
 */
export function sessionGuard(deps: Pick<WebDeps, "users" | "sessions">): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const session = await currentSession(c, deps.sessions);
    if (session) {
      c.set("session", session);
      c.set("user", await deps.users.get(session.userId));
    }
    const path = c.req.path;
    // A live session means a user exists: only anonymous requests need the count.
    const noUserYet = !session && (await deps.users.count()) === 0;
    if (path === SETUP) return noUserYet ? next() : c.redirect(LOGIN);
    if (noUserYet) return c.redirect(SETUP);
    if (session || path === LOGIN) return next();
    return c.redirect(loginUrl(c));
  };
}
