import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { Keyring } from "../crypto/keyring.js";
import { HttpError } from "../http/errors.js";

const CSRF_COOKIE = "csrf_token";
const VALIDITY_MS = 86_400_000;
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * CSRF tokens `<random>.<timestamp ms>.<signature>` (spec §5): stateless, signed with the
 * never-rotated hash key, so they survive restarts and key rotations, and expire after 24 hours.
 */
export class CsrfTokens {
  constructor(private readonly keyring: Pick<Keyring, "sign">) {}

  issue(now = Date.now()): string {
    const payload = `${randomBytes(16).toString("base64url")}.${now}`;
    return `${payload}.${this.keyring.sign(payload)}`;
  }

  isValid(token: string, now = Date.now()): boolean {
    const [random, timestamp, signature, ...rest] = token.split(".");
    if (random === undefined || timestamp === undefined || signature === undefined || rest.length > 0) return false;
    if (!/^\d+$/.test(timestamp) || now - Number(timestamp) > VALIDITY_MS) return false;
    return sameText(signature, this.keyring.sign(`${random}.${timestamp}`));
  }
}

/** Readable by the page's scripts (not HttpOnly), which echo it in `X-CSRF-Token`; never sent cross-site. */
export function setCsrfCookie(c: Context, token: string): void {
  setCookie(c, CSRF_COOKIE, token, { path: "/", sameSite: "Strict" });
}

/**
 * Runs for session-authenticated requests only (API keys and the socket are exempt): keeps a
 * valid token in the cookie, and makes unsafe methods echo it. A browser sends the session
 * cookie along with a forged cross-site request, but another site cannot read this cookie.
 */
export function csrfGuard(tokens: CsrfTokens) {
  return async (c: Context): Promise<void> => {
    await checkCsrf(c, ensureCsrfToken(c, tokens));
  };
}

/** The request's valid token, or a new one set in the cookie: what forms and scripts of the response must echo. */
export function ensureCsrfToken(c: Context, tokens: CsrfTokens): string {
  const current = getCookie(c, CSRF_COOKIE);
  if (current !== undefined && tokens.isValid(current)) return current;
  const issued = tokens.issue();
  setCsrfCookie(c, issued);
  return issued;
}

/** Unsafe methods must echo `expected` in `X-CSRF-Token` or a `_csrf` form field; 403 otherwise. */
export async function checkCsrf(c: Context, expected: string): Promise<void> {
  if (SAFE_METHODS.has(c.req.method)) return;
  const submitted = c.req.header("x-csrf-token") ?? (await formToken(c));
  if (!submitted) throw new HttpError(403, "CSRF token missing");
  if (!sameText(submitted, expected)) throw new HttpError(403, "Invalid CSRF token");
}

/** The `_csrf` field of a form body (Hono caches the parsed body for the route that follows). */
async function formToken(c: Context): Promise<string | undefined> {
  const type = c.req.header("content-type")?.toLowerCase() ?? "";
  if (!FORM_TYPES.some((form) => type.startsWith(form))) return undefined;
  try {
    const field = (await c.req.parseBody())._csrf;
    return typeof field === "string" ? field : undefined;
  } catch {
    return undefined;
  }
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
