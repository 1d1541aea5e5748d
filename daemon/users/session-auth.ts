import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AuthSession } from "../../src/api-types.js";
import type { Authenticator } from "../http/auth.js";
import { type CsrfTokens, setCsrfCookie } from "./csrf.js";
import { cameOverHttps } from "./request-origin.js";
import type { SessionStore } from "./sessions.js";

const SESSION_COOKIE = "crude_session";

/** HttpOnly: page scripts never see the token; Lax: sent on top-level navigation to the UI, not on cross-site posts. */
export function setSessionCookie(c: Context, token: string, session: AuthSession): void {
  const expires = new Date(session.expiresAt);
  setCookie(c, SESSION_COOKIE, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: cameOverHttps(c),
    expires,
    maxAge: Math.floor((expires.getTime() - Date.now()) / 1000),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax", secure: cameOverHttps(c) });
}

/** Signs `userId` in: a new session in its cookie, and a fresh CSRF token for the pages that follow. Returns the session token. */
export async function startSession(c: Context, deps: { sessions: SessionStore; csrf: CsrfTokens }, userId: string): Promise<string> {
  const { token, session } = await deps.sessions.create(userId);
  setSessionCookie(c, token, session);
  setCsrfCookie(c, deps.csrf.issue());
  return token;
}

/** Signs the request's session out, if it has one, and clears its cookie. */
export async function endSession(c: Context, sessions: SessionStore): Promise<void> {
  const token = sessionToken(c);
  if (token !== undefined) await sessions.delete(token);
  clearSessionCookie(c);
}

export function sessionToken(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE) || undefined;
}

/** The live session of the request's cookie; when its expiry moved, the cookie goes out again with it. */
export async function currentSession(c: Context, sessions: SessionStore): Promise<AuthSession | undefined> {
  const token = sessionToken(c);
  if (token === undefined) return undefined;
  const resolved = await sessions.resolve(token);
  if (resolved?.refreshed) setSessionCookie(c, token, resolved.session);
  return resolved?.session;
}

/** Management access by login session; tried before API keys (spec: a valid session wins). */
export function sessionAuthenticator(sessions: SessionStore): Authenticator {
  return async (c) => {
    const session = await currentSession(c, sessions);
    return session && { kind: "user", userId: session.userId };
  };
}
