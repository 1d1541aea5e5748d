import type { IncomingMessage } from "node:http";
import type { Context } from "hono";
import type { User } from "../../src/api-types.js";
import type { LoginThrottle } from "./login-throttle.js";
import type { UsersService } from "./service.js";

/** A sign-in refused: wrong credentials (401) or too many recent failures (429, with the seconds to wait). */
export class SignInRefusal extends Error {
  constructor(
    readonly status: 401 | 429,
    message: string,
    readonly code: "INVALID_EMAIL_OR_PASSWORD" | "TOO_MANY_ATTEMPTS",
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = "SignInRefusal";
  }
}

/** The address the request came from; the socket's local owner (no address) counts as one client. */
function clientAddress(c: Context): string {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket.remoteAddress ?? "local";
}

/**
 * Email + password sign-in for the API and the web UI alike, behind the login throttle: the
 * user, or a SignInRefusal. An unknown email and a wrong password are answered the same way.
 */
export async function signInWithPassword(
  deps: { users: UsersService; loginThrottle: LoginThrottle },
  c: Context,
  email: string,
  password: string,
): Promise<User> {
  const attempt = { email, client: clientAddress(c) };
  const waitMs = deps.loginThrottle.waitMs(attempt);
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    throw new SignInRefusal(
      429,
      `Too many failed sign-in attempts. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`,
      "TOO_MANY_ATTEMPTS",
      seconds,
    );
  }
  const user = await deps.users.authenticate(email, password);
  if (!user) {
    deps.loginThrottle.failed(attempt);
    throw new SignInRefusal(401, "Invalid email or password", "INVALID_EMAIL_OR_PASSWORD");
  }
  deps.loginThrottle.succeeded(attempt);
  return user;
}
