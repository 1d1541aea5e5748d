import { invalid } from "../domain-error.js";

export const ROLE_PERMANENT = "permanent";
export const ROLE_USER_MANAGEMENT = "userMgmt";
export const PASSWORD_MIN_LENGTH = 8;
// The reference's auth library's limit; also bounds the work of hashing.
const PASSWORD_MAX_LENGTH = 128;

const isAbsent = (value: unknown) => value === undefined || value === null || value === "";

/** A required string field: `Missing required field: <name>` when absent or empty. */
export function requiredString(value: unknown, field: string): string {
  if (isAbsent(value)) throw invalid(`Missing required field: ${field}`);
  if (typeof value !== "string") throw invalid(`${field} must be a string`);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  if (isAbsent(value)) return undefined;
  if (typeof value !== "string") throw invalid(`${field} must be a string`);
  return value;
}

/** Trimmed and lower-cased (as the reference's auth library stores it); the spec checks only for an `@`. */
export function normalizeEmail(value: unknown): string {
  const email = requiredString(value, "email").trim().toLowerCase();
  if (!email.includes("@")) throw invalid("Invalid email format");
  return email;
}

export function checkPasswordLength(password: string): string {
  if (password.length < PASSWORD_MIN_LENGTH) throw invalid(`Password must be at least ${PASSWORD_MIN_LENGTH} characters`);
  if (password.length > PASSWORD_MAX_LENGTH) throw invalid(`Password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  return password;
}

export function checkConfirmation(password: string, confirmation: string): void {
  if (password !== confirmation) throw invalid("Passwords do not match");
}

/**
 * The roles the reference gives administrators: `permanent` (the first account) and `userMgmt`
 * (every account added later). The API checks no roles (spec: any signed-in user may manage
 * users); the web UI's administration pages (users, the SQL console) ask for one of these.
 */
export const isAdministrator = (roles: readonly string[]) => roles.includes(ROLE_PERMANENT) || roles.includes(ROLE_USER_MANAGEMENT);

/** Why `actingUserId` (none for API keys and the socket) may not delete `target`; undefined when they may. */
export function deletionRefusal(target: { id: string; roles: readonly string[] }, actingUserId: string | undefined): string | undefined {
  if (target.id === actingUserId) return "Cannot delete your own account";
  if (target.roles.includes(ROLE_PERMANENT)) return "Cannot delete permanent admin user";
  return undefined;
}
