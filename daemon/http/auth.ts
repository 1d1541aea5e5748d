import type { Context, MiddlewareHandler } from "hono";
import { HttpError } from "./errors.js";

/** Who made a management request. The socket's caller is the machine's owner. */
export type Principal = { kind: "local-owner" } | { kind: "api-key"; groupId: string; keyId: string } | { kind: "user"; userId: string };

/** Recognises one kind of credential on a TCP request; undefined = not this kind or not valid. */
export type Authenticator = (c: Context) => Promise<Principal | undefined> | Principal | undefined;

export type AuthVariables = { principal: Principal };

/** Checks a request must also pass once authenticated as a principal of that kind (CSRF for sessions); they throw to refuse. */
export type PrincipalGuards = { [K in Principal["kind"]]?: (c: Context) => Promise<void> | void };

/**
 * Paths under /api that answer without credentials: health, sign-up/sign-in themselves, and
 * source webhooks (their route checks the webhook's own secret).
 */
function isPublic(path: string): boolean {
  return path === "/api/health" || path.startsWith("/api/auth/") || /^\/api\/sources\/[^/]+\/webhook$/.test(path);
}

/**
 * Over TCP every /api route except the public ones needs a credential one of the
 * authenticators accepts; every failure looks alike (401 Unauthorized) so callers cannot
 * probe which keys exist.
 */
export function requireTcpAuth(
  authenticators: readonly Authenticator[],
  guards: PrincipalGuards = {},
): MiddlewareHandler<{ Variables: AuthVariables }> {
  return async (c, next) => {
    if (isPublic(c.req.path)) return next();
    for (const authenticate of authenticators) {
      const principal = await authenticate(c);
      if (principal) {
        c.set("principal", principal);
        // After authentication, so a missing credential is 401 before any guard's 403.
        await guards[principal.kind]?.(c);
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
