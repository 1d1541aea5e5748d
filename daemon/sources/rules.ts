import type { SourceType, SyncSettings } from "../../src/api-types.js";
import { MAX_PLAINTEXT_BYTES } from "../crypto/keyring.js";
import { invalid } from "../domain-error.js";

export const SOURCE_TYPES: readonly SourceType[] = ["manual", "git"];

/** Also the directory name under the code directory, so it can never hold a path separator or start with a dot. */
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;

/** What API responses show instead of a stored token or webhook secret. */
export const REDACTED = "***REDACTED***";

const isAbsent = (value: unknown) => value === undefined || value === null || value === "";

export function isSourceName(value: string): boolean {
  return NAME_PATTERN.test(value);
}

/** Presence of both required fields is checked before either is validated, in the reference's order. */
export function checkRequired(input: { name?: unknown; type?: unknown }): void {
  if (isAbsent(input.name)) throw invalid("Missing required field: name");
  if (isAbsent(input.type)) throw invalid("Missing required field: type");
}

export function checkType(raw: unknown): SourceType {
  if (typeof raw === "string" && SOURCE_TYPES.includes(raw as SourceType)) return raw as SourceType;
  throw invalid(`Invalid source type: ${String(raw)}. Must be 'manual' or 'git'`);
}

export function checkName(raw: unknown): string {
  if (typeof raw !== "string" || !isSourceName(raw)) {
    throw invalid("Source name must be 1-64 chars, alphanumeric with hyphens/underscores, starting with alphanumeric");
  }
  return raw;
}

/** undefined when absent; `field` names the body field in the message. */
export function checkObject(raw: unknown, field: "typeSettings" | "syncSettings"): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalid(`${field} must be an object`);
  return raw as Record<string, unknown>;
}

/** Keeps the three known fields; the reference documents no others. */
export function checkSyncSettings(raw: unknown): SyncSettings | undefined {
  const settings = checkObject(raw, "syncSettings");
  if (!settings) return undefined;
  const { intervalSeconds, webhookEnabled, webhookSecret } = settings;
  if (intervalSeconds !== undefined && (typeof intervalSeconds !== "number" || !Number.isFinite(intervalSeconds) || intervalSeconds < 0)) {
    throw invalid("syncSettings.intervalSeconds must be a non-negative number");
  }
  if (webhookEnabled !== undefined && typeof webhookEnabled !== "boolean") throw invalid("syncSettings.webhookEnabled must be a boolean");
  if (webhookSecret !== undefined && typeof webhookSecret !== "string") throw invalid("syncSettings.webhookSecret must be a string");
  return {
    ...(intervalSeconds !== undefined && { intervalSeconds }),
    ...(webhookEnabled !== undefined && { webhookEnabled }),
    ...(webhookSecret !== undefined && { webhookSecret }),
  };
}

export function checkEnabled(raw: unknown): boolean | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== "boolean") throw invalid("enabled must be a boolean");
  return raw;
}

/**
 * Takes a sensitive string field out of a settings object, so it can be stored encrypted
 * apart from the rest. An empty string counts as not set; a non-string value (possible only
 * in free-form manual settings) stays where it is.
 */
export function splitSensitive(settings: Record<string, unknown>, field: string, label: string): [Record<string, unknown>, string | null] {
  const value = settings[field];
  if (typeof value !== "string") return [settings, null];
  const { [field]: _taken, ...rest } = settings;
  if (value === "") return [rest, null];
  // Checked here rather than left to the keyring, so an oversized value is the caller's 400 and not a fault.
  if (Buffer.byteLength(value, "utf8") > MAX_PLAINTEXT_BYTES) throw invalid(`${label} exceeds ${MAX_PLAINTEXT_BYTES} bytes`);
  return [rest, value];
}
