import type { Context } from "hono";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1"]);

/** The first value of an `X-Forwarded-*` header (a chain of proxies appends theirs after it). */
function forwarded(c: Context, name: "proto" | "host"): string | undefined {
  return c.req.header(`x-forwarded-${name}`)?.split(",")[0]?.trim() || undefined;
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Directly, or behind a proxy that terminated TLS and says so. */
export function cameOverHttps(c: Context): boolean {
  return forwarded(c, "proto")?.toLowerCase() === "https" || new URL(c.req.url).protocol === "https:";
}

/**
 * Whether a page from `origin` may post to `/api/auth/*`: loopback pages on any port, the
 * daemon's own origin (also as a reverse proxy presents it), and `AUTH_BASE_URL`'s origin.
 * Stops other sites from signing a browser in or out behind its user's back.
 */
export function isTrustedOrigin(origin: string, c: Context, authBaseUrl: string | undefined): boolean {
  const claimed = originOf(origin);
  if (claimed === undefined) return false;
  const { protocol, hostname } = new URL(claimed);
  if (protocol === "http:" && LOOPBACK_HOSTS.has(hostname)) return true;
  const own = new URL(c.req.url);
  const trusted = [own.origin, authBaseUrl && originOf(authBaseUrl)];
  const proto = forwarded(c, "proto");
  const host = forwarded(c, "host");
  if (proto || host) trusted.push(originOf(`${proto ?? own.protocol.slice(0, -1)}://${host ?? own.host}`));
  return trusted.includes(claimed);
}
