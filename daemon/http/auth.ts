import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

/** Who made a management request. The socket's caller is the machine's owner. */
export type Principal = { kind: "local-owner" } | { kind: "api-key"; groupId: string; keyId: string } | { kind: "user"; userId: string };

/** Recognises one kind of credential on a TCP request; undefined = not this kind or not valid. */
export type Authenticator = (c: Context) => Promise<Principal | undefined> | Principal | undefined;

export type AuthVariables = { principal: Principal };

/** Paths under /api that answer without credentials: health, and sign-up/sign-in themselves. */
function isPublic(path: string): boolean {
  return path === "/api/health" || path.startsWith("/api/auth/");
}

/**
 * Over TCP every /api route except the public ones needs a credential one of the
 * authenticators accepts; every failure looks alike (401 Unauthorized) so callers cannot
 * probe which keys exist.
 */
export function requireTcpAuth(authenticators: readonly Authenticator[]): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    for (const authenticate of authenticators) {
      const principal = await authenticate(c);
      if (principal) {
        c.set("principal", principal);
        return next();
      }
    }
    throw new HttpError(401, "Unauthorized");
  };
}

export const trustLocalOwner: MiddlewareHandler<{ Variables: AuthVariables }> = (c, next) => {
  c.set("principal", { kind: "local-owner" });
  return next();
};
