import { describe, expect, it } from "vitest";
import { newKeyFile } from "../../daemon/crypto/key-file.js";
import { Keyring } from "../../daemon/crypto/keyring.js";
import { CsrfTokens } from "../../daemon/users/csrf.js";

// The key file path is only written on rotation, which these tests never do.
const keyring = () => new Keyring("/nonexistent/encryption-keys.json", newKeyFile());
const DAY_MS = 86_400_000;

describe("CSRF tokens", () => {
  it("are <random>.<timestamp ms>.<signature>, all URL-safe base64 without padding", () => {
    const token = new CsrfTokens(keyring()).issue(1_700_000_000_000);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.1700000000000\.[A-Za-z0-9_-]{43}$/);
  });

  it("sign with the hash key: the same keyring accepts them, another does not", () => {
    const own = keyring();
    const token = new CsrfTokens(own).issue();
    expect(new CsrfTokens(own).isValid(token)).toBe(true);
    expect(new CsrfTokens(keyring()).isValid(token)).toBe(false);
  });

  it("are valid for 24 hours", () => {
    const tokens = new CsrfTokens(keyring());
    const issuedAt = Date.now();
    const token = tokens.issue(issuedAt);
    expect(tokens.isValid(token, issuedAt + DAY_MS)).toBe(true);
    expect(tokens.isValid(token, issuedAt + DAY_MS + 1)).toBe(false);
  });

  it("refuse every tampered part and malformed tokens", () => {
    const tokens = new CsrfTokens(keyring());
    const token = tokens.issue();
    const [random = "", timestamp = "", signature = ""] = token.split(".");
    const flip = (text: string) => `${text.slice(0, -1)}${text.endsWith("A") ? "B" : "A"}`;
    for (const bad of [
      `${flip(random)}.${timestamp}.${signature}`,
      `${random}.${Number(timestamp) + 1}.${signature}`,
      `${random}.${timestamp}.${flip(signature)}`,
      `${random}.${timestamp}`,
      `${token}.extra`,
      `${random}.-1.${signature}`,
      `${random}.1e3.${signature}`,
      "",
      "..",
    ]) {
      expect(tokens.isValid(bad), bad).toBe(false);
    }
  });
});
