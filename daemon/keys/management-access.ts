import type { Authenticator } from "../http/auth.js";
import type { KeysService } from "./service.js";

/** `api.access-groups`: comma-separated group IDs, each trimmed, empty items ignored. */
export function parseAccessGroups(setting: string): string[] {
  return setting
    .split(",")
    .map((id) => id.trim())
    .filter((id) => id !== "");
}

/**
 * Management access by API key: only the `X-API-Key` header, only keys of the groups listed in
 * `api.access-groups` (read per request, so a change applies at once).
 */
export function apiKeyAuthenticator(keys: KeysService, accessGroups: () => string): Authenticator {
  return (c) => {
    const value = c.req.header("x-api-key");
    if (!value) return undefined;
    const match = keys.validate(value, parseAccessGroups(accessGroups()));
    return match && { kind: "api-key", groupId: match.groupId, keyId: match.keyId };
  };
}
