import type { MiddlewareHandler } from "hono";
import { type CsrfTokens, checkCsrf, ensureCsrfToken } from "../users/csrf.js";
import type { WebEnv } from "./env.js";

/**
 * Only the app's own files may run or style a page: no inline script or style anywhere (not
 * even a style="" attribute), no framing, no plugins, no <base> rewriting, forms post home.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join("; ");

/** Pages show live state and revealed values: nothing of /web may be kept by a cache or the back button. */
export const pageHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("Cache-Control", "no-store, no-cache, must-revalidate");
  c.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
};

/** Gives the response its CSRF token (c.var.csrfToken, renewing the cookie when needed), for every /web request. */
export function csrfToken(tokens: CsrfTokens): MiddlewareHandler<WebEnv> {
  return (c, next) => {
    c.set("csrfToken", ensureCsrfToken(c, tokens));
    return next();
  };
}

/** Every unsafe /web request echoes the token: `_csrf` form field or `X-CSRF-Token` header, else 403. */
export const csrfCheck: MiddlewareHandler<WebEnv> = async (c, next) => {
  await checkCsrf(c, c.get("csrfToken"));
  return next();
};
