import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { cameOverHttps } from "../users/request-origin.js";

export type FlashKind = "success" | "error" | "info";

/** A message for the next page, after an action redirected there. */
export interface Flash {
  kind: FlashKind;
  message: string;
}

const FLASH_COOKIE = "crude_flash";
const KINDS: readonly string[] = ["success", "error", "info"] satisfies FlashKind[];
const cookieOptions = (c: Context) => ({ path: "/web", httpOnly: true, sameSite: "Lax" as const, secure: cameOverHttps(c) });

export function setFlash(c: Context, message: string, kind: FlashKind = "success"): void {
  const value = Buffer.from(JSON.stringify({ kind, message })).toString("base64url");
  // Short-lived: a message the next page never showed must not pop up minutes later.
  setCookie(c, FLASH_COOKIE, value, { ...cookieOptions(c), maxAge: 60 });
}

/** The pending message, cleared as it is read (the layout shows it). */
export function takeFlash(c: Context): Flash | undefined {
  const value = getCookie(c, FLASH_COOKIE);
  if (value === undefined) return undefined;
  deleteCookie(c, FLASH_COOKIE, cookieOptions(c));
  try {
    const flash = JSON.parse(Buffer.from(value, "base64url").toString("utf8"));
    return KINDS.includes(flash?.kind) && typeof flash.message === "string" ? { kind: flash.kind, message: flash.message } : undefined;
  } catch {
    return undefined;
  }
}

/** Post/redirect/get: 303, so reloading the next page does not send the form again. */
export function redirectWithFlash(c: Context, location: string, message: string, kind: FlashKind = "success"): Response {
  setFlash(c, message, kind);
  return c.redirect(location, 303);
}
