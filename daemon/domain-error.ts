/**
 * A refusal by a domain service, independent of HTTP: the management API maps the kind to a
 * status (400, 401, 403, 404, 409, 413) and sends `{"error": message, ...extra}`.
 */
export type RefusalKind = "invalid" | "unauthorized" | "forbidden" | "not-found" | "conflict" | "too-large";

export class DomainError extends Error {
  constructor(
    readonly kind: RefusalKind,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export const invalid = (message: string) => new DomainError("invalid", message);
export const notFound = (message: string) => new DomainError("not-found", message);
export const conflict = (message: string) => new DomainError("conflict", message);
export const forbidden = (message: string) => new DomainError("forbidden", message);
/** A credential the domain checks itself (a webhook's secret) did not match. */
export const unauthorized = (message: string) => new DomainError("unauthorized", message);
