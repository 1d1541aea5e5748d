/** Where a `/run` request's API key was found. */
export type KeySource = "header" | "authorization" | "query";

const KEY_HEADERS = ["x-api-key", "x-auth-token", "api-key", "x-access-token"];
const QUERY_NAMES = ["api_key", "apiKey"];
/** Authorization scheme words that never carry a key by themselves. */
const KNOWN_SCHEMES = new Set([
  "bearer",
  "basic",
  "digest",
  "hoba",
  "mutual",
  "negotiate",
  "oauth",
  "scram-sha-1",
  "scram-sha-256",
  "vapid",
]);

/**
 * The API key of a `/run` request, in DESIGN §8's order: the key headers (`X-API-Key`,
 * `X-Auth-Token`, `Api-Key`, `X-Access-Token`), then `Authorization`, then the query
 * parameters `api_key` and `apiKey`. The first source that yields a value decides; a wrong
 * value found early is not retried with later sources.
 */
export function extractApiKey(
  header: (name: string) => string | undefined,
  query: (name: string) => string | undefined,
): { key: string; source: KeySource } | undefined {
  for (const name of KEY_HEADERS) {
    const value = header(name);
    if (value) return { key: value, source: "header" };
  }
  const authorization = header("authorization");
  const fromAuthorization = authorization ? keyFromAuthorization(authorization) : undefined;
  if (fromAuthorization) return { key: fromAuthorization, source: "authorization" };
  for (const name of QUERY_NAMES) {
    const value = query(name);
    if (value) return { key: value, source: "query" };
  }
  return undefined;
}

/** `Bearer <key>`, a plain value, Basic with an empty user name, or an unknown scheme's parameter. */
export function keyFromAuthorization(value: string): string | undefined {
  if (value.startsWith("Bearer ")) return value.slice("Bearer ".length) || undefined;
  const space = value.indexOf(" ");
  if (space < 0) return KNOWN_SCHEMES.has(value.toLowerCase()) ? undefined : value;
  const scheme = value.slice(0, space).toLowerCase();
  const rest = value.slice(space + 1);
  if (scheme === "basic") return keyFromBasic(rest);
  if (KNOWN_SCHEMES.has(scheme)) return undefined;
  return rest || undefined;
}

/** Basic credentials `:<key>` (empty user name); anything else carries no key. */
function keyFromBasic(encoded: string): string | undefined {
  const trimmed = encoded.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || trimmed.length % 4 !== 0) return undefined;
  const decoded = Buffer.from(trimmed, "base64").toString("utf8");
  return decoded.startsWith(":") && decoded.length > 1 ? decoded.slice(1) : undefined;
}
