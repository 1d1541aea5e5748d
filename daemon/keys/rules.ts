import { invalid } from "../domain-error.js";

export const MANAGEMENT_GROUP = "management";

const NAME_PATTERN = /^[a-z0-9_-]+$/;
const VALUE_PATTERN = /^[a-zA-Z0-9_-]+$/;
// Below this length the last six characters would give away too much of a key.
const MASK_REVEALS_FROM_LENGTH = 24;

/** Group and key names are trimmed and lower-cased, then must match `^[a-z0-9_-]+$`. */
export function normalizeName(raw: unknown, what: "group" | "key"): string {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) {
    throw invalid("Missing required field: name");
  }
  const name = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (!NAME_PATTERN.test(name)) throw invalid(`Invalid ${what} name. Must be lowercase alphanumeric with dashes/underscores.`);
  return name;
}

export function checkKeyValue(value: unknown): string {
  if (typeof value !== "string" || !VALUE_PATTERN.test(value))
    throw invalid("Invalid key value. Must be alphanumeric with dashes/underscores.");
  return value;
}

export function checkDescription(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalid("description must be a string");
  return value;
}

/** What list and get show unless values are asked for: the last six characters of a long key. */
export function maskKeyValue(value: string): string {
  return value.length >= MASK_REVEALS_FROM_LENGTH ? `********${value.slice(-6)}` : "********";
}
