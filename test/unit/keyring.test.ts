import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { KeyFileError, newKeyFile, nextVersion, readKeyFile, writeKeyFile } from "../../daemon/crypto/key-file.js";
import { DecryptionError, Keyring, MAX_PLAINTEXT_BYTES, PlaintextTooLargeError } from "../../daemon/crypto/keyring.js";
import { tempDir } from "../helpers/cleanup.js";

function freshKeyring() {
  const path = join(tempDir(), "encryption-keys.json");
  const file = newKeyFile();
  writeKeyFile(path, file);
  return { path, keyring: new Keyring(path, file) };
}

describe("Keyring", () => {
  it("round-trips values with a fresh IV each time, in the spec's format", () => {
    const { keyring } = freshKeyring();
    const a = keyring.encrypt("héllo wörld");
    const b = keyring.encrypt("héllo wörld");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^A[A-Za-z0-9+/]+=*$/);
    // 12-byte IV + 12 UTF-8 bytes + 16-byte tag.
    expect(Buffer.from(a.slice(1), "base64")).toHaveLength(12 + Buffer.byteLength("héllo wörld") + 16);
    expect(keyring.decrypt(a)).toBe("héllo wörld");
    expect(keyring.decrypt(keyring.encrypt(""))).toBe("");
  });

  it("fails loudly on tampering, unknown versions and short payloads, never returning garbage", () => {
    const { keyring } = freshKeyring();
    const stored = keyring.encrypt("secret");
    const bytes = Buffer.from(stored.slice(1), "base64");
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    expect(() => keyring.decrypt(`A${bytes.toString("base64")}`)).toThrow(DecryptionError);
    expect(() => keyring.decrypt(`B${stored.slice(1)}`)).toThrow(/no key for encryption version 'B'/);
    expect(() => keyring.decrypt(`A${Buffer.alloc(27).toString("base64")}`)).toThrow(/too short/);
    const other = freshKeyring().keyring;
    expect(() => other.decrypt(stored)).toThrow(DecryptionError);
  });

  it("refuses plaintexts over 16 KiB", () => {
    const { keyring } = freshKeyring();
    expect(keyring.decrypt(keyring.encrypt("x".repeat(MAX_PLAINTEXT_BYTES)))).toHaveLength(MAX_PLAINTEXT_BYTES);
    expect(() => keyring.encrypt("é".repeat(MAX_PLAINTEXT_BYTES / 2 + 1))).toThrow(PlaintextTooLargeError);
  });

  it("keeps old ciphertexts readable during a rotation and drops the old key after it", () => {
    const { path, keyring } = freshKeyring();
    const old = keyring.encrypt("v1");
    const hash = keyring.lookupHash("key");
    const session = keyring.sessionSecret;
    keyring.beginRotation();
    expect(keyring.currentVersion).toBe("B");
    expect(keyring.phasedOutVersion).toBe("A");
    expect(keyring.decrypt(old)).toBe("v1");
    expect(keyring.encrypt("v2").charAt(0)).toBe("B");
    expect(keyring.sessionSecret.equals(session)).toBe(false);
    expect(keyring.lookupHash("key")).toBe(hash);
    // The file on disk already holds both keys: a crash here loses nothing.
    expect(readKeyFile(path)).toMatchObject({ current_version: "B", phased_out_version: "A" });
    keyring.finishRotation();
    expect(readKeyFile(path)).toMatchObject({ current_version: "B", phased_out_version: null, phased_out_key: null });
    expect(() => keyring.decrypt(old)).toThrow(DecryptionError);
  });

  it("wraps versions from Z to A", () => {
    expect(nextVersion("A")).toBe("B");
    expect(nextVersion("Z")).toBe("A");
  });
});

describe("the key file", () => {
  it("is written atomically, owner-only, pretty-printed", () => {
    const { path } = freshKeyring();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, "utf8")).toMatch(/^\{\n {2}"current_key": "/);
  });

  it("adds a missing hash_key and refuses structurally invalid files", () => {
    const { path } = freshKeyring();
    const valid = JSON.parse(readFileSync(path, "utf8"));
    const { hash_key: _dropped, ...withoutHash } = valid;
    writeFileSync(path, JSON.stringify(withoutHash));
    expect(readKeyFile(path)?.hash_key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(JSON.parse(readFileSync(path, "utf8")).hash_key).toBeDefined();

    const broken: [unknown, RegExp][] = [
      ["{not json", /not valid JSON/],
      [[], /not a JSON object/],
      [{ ...valid, current_key: "short" }, /current_key/],
      [{ ...valid, current_version: "a" }, /current_version/],
      [{ ...valid, phased_out_key: valid.current_key }, /set or null together/],
      [{ ...valid, phased_out_key: valid.current_key, phased_out_version: valid.current_version }, /must differ/],
      [{ ...valid, last_rotation_finished_at: "yesterday" }, /ISO timestamp/],
      [{ ...valid, better_auth_secret: 1 }, /better_auth_secret/],
    ];
    for (const [content, message] of broken) {
      writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
      expect(() => readKeyFile(path)).toThrow(KeyFileError);
      expect(() => readKeyFile(path)).toThrow(message);
    }
  });

  it("reads as undefined when it does not exist", () => {
    expect(readKeyFile(join(tempDir(), "missing.json"))).toBeUndefined();
  });
});
