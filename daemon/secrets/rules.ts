import type { SecretScope } from "../../src/api-types.js";
import { MAX_PLAINTEXT_BYTES } from "../crypto/keyring.js";
import { checkId } from "../db/ids.js";
import { invalid } from "../domain-error.js";

const SECRET_SCOPES: readonly SecretScope[] = ["global", "function", "group", "key"];

const NAME_PATTERN = /^[a-zA-Z0-9_-]+$/;

/** The body field that names a scoped secret's target, and how to say the target is unknown. */
export const SCOPE_TARGETS = {
  function: { field: "functionId", unknown: (id: string) => `Function '${id}' not found` },
  group: { field: "groupId", unknown: (id: string) => `Key group '${id}' not found` },
  key: { field: "keyId", unknown: (id: string) => `API key '${id}' not found` },
} as const;

const isAbsent = (value: unknown) => value === undefined || value === null || value === "";

/** `field` is `scope` for the list filter and `scopeType` for the body of a new secret. */
export function parseScope(raw: unknown, field: "scope" | "scopeType"): SecretScope {
  if (typeof raw === "string" && SECRET_SCOPES.includes(raw as SecretScope)) return raw as SecretScope;
  throw invalid(`Invalid ${field} '${String(raw)}'. Must be one of: ${SECRET_SCOPES.join(", ")}`);
}

/** Names are case-sensitive and kept exactly as given. */
export function checkName(raw: unknown): string {
  if (isAbsent(raw)) throw invalid("Missing required field: name");
  if (typeof raw !== "string" || !NAME_PATTERN.test(raw)) throw invalid("Invalid secret name. Must match pattern [a-zA-Z0-9_-]+");
  return raw;
}

export function checkNewValue(raw: unknown): string {
  if (isAbsent(raw)) throw invalid("Missing required field: value");
  return checkValue(raw);
}

/** Checked here rather than left to the keyring, so an oversized value is the caller's 400 and not a fault. */
export function checkValue(raw: unknown): string {
  if (typeof raw !== "string") throw invalid("Secret value must be a string");
  if (raw.trim() === "") throw invalid("Secret value cannot be empty");
  if (Buffer.byteLength(raw, "utf8") > MAX_PLAINTEXT_BYTES) throw invalid(`Secret value exceeds ${MAX_PLAINTEXT_BYTES} bytes`);
  return raw;
}

/** null clears a comment; "" is kept as an empty comment. */
export function checkComment(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "string") throw invalid("comment must be a string");
  return raw;
}

export function checkNewScope(input: { scopeType?: unknown; scope?: unknown }): SecretScope {
  // DESIGN §8: seed 000 names the field `scope`, the reference `scopeType`; the reference's name wins.
  const raw = input.scopeType ?? input.scope;
  if (isAbsent(raw)) throw invalid("Missing required field: scopeType");
  return parseScope(raw, "scopeType");
}

/** The target ID a scoped secret needs, format-checked; its existence is the service's business. */
export function requiredTargetId(scope: Exclude<SecretScope, "global">, raw: unknown): string {
  const { field } = SCOPE_TARGETS[scope];
  if (isAbsent(raw)) throw invalid(`${field} is required for ${scope}-scoped secrets`);
  // A non-string is checked as "", which never matches the ID format.
  return checkId(typeof raw === "string" ? raw : "", `Invalid ${field}`);
}
