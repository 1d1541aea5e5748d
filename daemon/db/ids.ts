import { randomBytes } from "node:crypto";
import { invalid } from "../domain-error.js";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
// The largest multiple of 36 below 256: bytes at or above it are skipped so every character is equally likely.
const UNBIASED_LIMIT = 252;

/** A new record ID: 20 lowercase alphanumerics from the CSPRNG, like the reference's IDs. */
export function newId(length = 20): string {
  let id = "";
  while (id.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= UNBIASED_LIMIT) continue;
      id += ALPHABET[byte % ALPHABET.length];
      if (id.length === length) break;
    }
  }
  return id;
}

/** The spec's "ID format" for IDs in paths and queries. */
export const ID_PATTERN = /^[a-zA-Z0-9_-]+$/;

/** An ID from a path or query, refused with `message` (the endpoint's wording) unless it has the ID format. */
export function checkId(value: string, message: string): string {
  if (!ID_PATTERN.test(value)) throw invalid(message);
  return value;
}
