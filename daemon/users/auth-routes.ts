import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AuthSessionBody, SignInBody, SuccessBody, User } from "../../src/api-types.js";
import { DomainError } from "../domain-error.js";
import { HttpError, REFUSAL_STATUS } from "../http/errors.js";
import { readJsonObject } from "../http/json-body.js";
import type { CsrfTokens } from "./csrf.js";
import type { LoginThrottle } from "./login-throttle.js";
import { changeOwnPassword } from "./password-change.js";
import { SignInRefusal, signInWithPassword } from "./password-sign-in.js";
import { isTrustedOrigin } from "./request-origin.js";
import { requiredString } from "./rules.js";
import type { UsersService } from "./service.js";
import { currentSession, endSession, startSession } from "./session-auth.js";
import type { SessionStore } from "./sessions.js";

export interface AuthRoutesDeps {
  users: UsersService;
  sessions: SessionStore;
  csrf: CsrfTokens;
  loginThrottle: LoginThrottle;
  /** `AUTH_BASE_URL`: the public URL of the UI when a proxy hides the daemon's own. */
  authBaseUrl: string | undefined;
}

/** A refusal in the shape of the reference's auth library: `{"message", "code"?}` rather than `{"error"}`. */
class AuthRefusal extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "AuthRefusal";
  }
}

const signUpClosed = () =>
  new AuthRefusal(403, "Sign-up is closed: a user already exists. Ask an existing user to add you.", "SIGN_UP_CLOSED");

function renderRefusal(error: Error, c: Context) {
  if (error instanceof SignInRefusal) {
    if (error.retryAfterSeconds !== undefined) c.header("Retry-After", String(error.retryAfterSeconds));
    return c.json({ message: error.message, code: error.code }, error.status);
  }
  if (error instanceof AuthRefusal) return c.json({ message: error.message, ...(error.code && { code: error.code }) }, error.status);
  if (error instanceof DomainError) return c.json({ message: error.message, ...error.extra }, REFUSAL_STATUS[error.kind]);
  if (error instanceof HttpError) return c.json({ message: error.message }, error.status);
  throw error;
}

/** `/api/auth/*`: public, and not CSRF-checked (spec §4); posts from untrusted origins are refused instead. */
export function authRoutes(deps: AuthRoutesDeps) {
  const app = new Hono();
  app.onError(renderRefusal);
  app.use(async (c, next) => {
    const origin = c.req.header("origin");
    if (c.req.method === "POST" && origin !== undefined && !isTrustedOrigin(origin, c, deps.authBaseUrl)) {
      throw new AuthRefusal(403, "Invalid origin");
    }
    return next();
  });

  const signIn = (c: Context, user: User) => startSession(c, deps, user.id);

  // Open exactly while no user exists, checked per request (DESIGN §8), before any hashing.
  app.post("/sign-up/email", async (c) => {
    if ((await deps.users.count()) > 0) throw signUpClosed();
    const user = await deps.users.createFirstUser(await readJsonObject(c));
    if (!user) throw signUpClosed();
    return c.json({ token: await signIn(c, user), user } satisfies Omit<SignInBody, "redirect">);
  });

  app.post("/sign-in/email", async (c) => {
    const body = await readJsonObject(c);
    const user = await signInWithPassword(deps, c, requiredString(body.email, "email"), requiredString(body.password, "password"));
    return c.json({ redirect: false, token: await signIn(c, user), user } satisfies SignInBody);
  });

  app.post("/sign-out", async (c) => {
    await endSession(c, deps.sessions);
    return c.json({ success: true } satisfies SuccessBody);
  });

  app.get("/get-session", async (c) => {
    const session = await currentSession(c, deps.sessions);
    if (!session) return c.json(null);
    return c.json({ session, user: await deps.users.get(session.userId) } satisfies AuthSessionBody);
  });

  app.post("/change-password", async (c) => {
    const session = await currentSession(c, deps.sessions);
    if (!session) throw new AuthRefusal(401, "Unauthorized", "UNAUTHORIZED");
    const body = await readJsonObject(c);
    const user = await changeOwnPassword(deps, session, {
      currentPassword: body.currentPassword,
      newPassword: body.newPassword,
      revokeOtherSessions: body.revokeOtherSessions === true,
    });
    return c.json({ token: null, user });
  });

  return app;
}
