import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { DomainError, type RefusalKind } from "../domain-error.js";

export const REFUSAL_STATUS: Record<RefusalKind, ContentfulStatusCode> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "too-large": 413,
};

/** An expected failure with its status and JSON body `{"error": message, ...extra}`. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export type ServerFaultLogger = (message: string, error: unknown) => void;

/** Every error leaves as JSON; only real faults are 5xx, and they never carry a stack. */
export function errorHandler(logFault: ServerFaultLogger) {
  return (error: Error, c: Context) => {
    if (error instanceof HttpError) return c.json({ error: error.message, ...error.extra }, error.status);
    if (error instanceof DomainError) return c.json({ error: error.message, ...error.extra }, REFUSAL_STATUS[error.kind]);
    if (error instanceof HTTPException) {
      const message = error.message || (error.status === 413 ? "Request body too large" : "Request failed");
      return c.json({ error: message }, error.status);
    }
    logFault(`${c.req.method} ${c.req.path} failed`, error);
    return c.json({ error: "Internal server error" }, 500);
  };
}

export function notFoundHandler(message = "Not found") {
  return (c: Context) => c.json({ error: message }, 404);
}
