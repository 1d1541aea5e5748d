import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HttpError } from "./errors.js";

/**
 * Headers on every management-port response (spec: management API, common rules). A stricter
 * Content-Security-Policy set by the route (the web UI's pages) is kept.
 */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  if (!c.res.headers.has("Content-Security-Policy")) c.header("Content-Security-Policy", "frame-ancestors 'none'");
  c.header("Referrer-Policy", "no-referrer");
};

/** A body limit read per request, so changing the setting needs no restart. */
export function dynamicBodyLimit(maxBytes: () => number): MiddlewareHandler {
  return (c, next) => {
    const limit = maxBytes();
    return bodyLimit({
      maxSize: limit,
      onError: () => {
        throw new HttpError(413, `Request body too large (limit ${limit} bytes)`);
      },
    })(c, next);
  };
}
