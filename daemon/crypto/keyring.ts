import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes } from "node:crypto";
import { type KeyFile, nextVersion, randomKey, writeKeyFile } from "./key-file.js";

/** The spec's plaintext limit per encrypted value. */
export const MAX_PLAINTEXT_BYTES = 16_384;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class DecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DecryptionError";
  }
}

/** Told which stored value (`what`, e.g. "Secret <id>") failed to decrypt, never the value. */
export type DecryptionFailureReporter = (what: string, error: DecryptionError) => void;

export class PlaintextTooLargeError extends Error {
  constructor(bytes: number) {
    super(`Value is ${bytes} bytes; at most ${MAX_PLAINTEXT_BYTES} bytes can be encrypted`);
    this.name = "PlaintextTooLargeError";
  }
}

/**
 * The keys of `encryption-keys.json` in memory. Values are stored as
 * `<version letter>` + base64(IV ‖ AES-256-GCM ciphertext ‖ tag); during a rotation the
 * phased-out key still decrypts, while everything new is written with the current key.
 */
export class Keyring {
  private keys = new Map<string, Buffer>();
  private hashKey: Buffer;

  constructor(
    private readonly path: string,
    private file: KeyFile,
    private readonly reportFailure: DecryptionFailureReporter = () => {},
  ) {
    this.hashKey = Buffer.from(file.hash_key, "base64");
    this.loadKeys();
  }

  get currentVersion(): string {
    return this.file.current_version;
  }

  /** The version being re-encrypted away from; set only while a rotation is unfinished. */
  get phasedOutVersion(): string | null {
    return this.file.phased_out_version;
  }

  get lastRotationFinishedAt(): Date {
    return new Date(this.file.last_rotation_finished_at);
  }

  /** Signs login sessions; replaced at every rotation, which ends every session. */
  get sessionSecret(): Buffer {
    return Buffer.from(this.file.better_auth_secret, "base64");
  }

  /** Identifies the never-rotated hash key without revealing it: tells whether a key file belongs to a database. */
  get fingerprint(): string {
    return createHash("sha256").update("crude key file fingerprint\0").update(this.hashKey).digest("hex").slice(0, 32);
  }

  encrypt(plaintext: string): string {
    const data = Buffer.from(plaintext, "utf8");
    if (data.length > MAX_PLAINTEXT_BYTES) throw new PlaintextTooLargeError(data.length);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.keyFor(this.file.current_version), iv);
    const sealed = Buffer.concat([iv, cipher.update(data), cipher.final(), cipher.getAuthTag()]);
    return this.file.current_version + sealed.toString("base64");
  }

  /** Throws DecryptionError for an unknown version, a short payload or a failed tag check: never garbage. */
  decrypt(stored: string): string {
    const key = this.keys.get(stored.charAt(0));
    if (!key) throw new DecryptionError(`no key for encryption version '${stored.charAt(0)}'`);
    const sealed = Buffer.from(stored.slice(1), "base64");
    if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("ciphertext is too short");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      throw new DecryptionError("ciphertext failed authentication (tampered, or encrypted with another key)");
    }
  }

  /**
   * For values that are shown or handed to handlers: one that does not decrypt comes back as ""
   * with the reason, and is reported, so a listing never fails on one damaged row.
   */
  reveal(stored: string, what: string): { value: string; decryptionError: string | null } {
    try {
      return { value: this.decrypt(stored), decryptionError: null };
    } catch (error) {
      this.reportFailure(what, error as DecryptionError);
      return { value: "", decryptionError: (error as Error).message };
    }
  }

  /** HMAC-SHA256 under the hash key, base64: the lookup hash of an API key value. */
  lookupHash(value: string): string {
    return createHmac("sha256", this.hashKey).update(value, "utf8").digest("base64");
  }

  /** HMAC-SHA256 under the hash key, URL-safe base64 without padding (CSRF token signatures). */
  sign(data: string): string {
    return createHmac("sha256", this.hashKey).update(data, "utf8").digest("base64url");
  }

  /** Rotation step 1: a new current key and session secret, the old key kept as phased-out; saved before any row changes. */
  beginRotation(): void {
    if (this.file.phased_out_version !== null) throw new Error("a rotation is already unfinished");
    this.save({
      ...this.file,
      phased_out_key: this.file.current_key,
      phased_out_version: this.file.current_version,
      current_key: randomKey(),
      current_version: nextVersion(this.file.current_version),
      better_auth_secret: randomKey(),
    });
  }

  /** Rotation step 3: every row is re-encrypted, the old key is dropped. */
  finishRotation(now = new Date()): void {
    this.save({ ...this.file, phased_out_key: null, phased_out_version: null, last_rotation_finished_at: now.toISOString() });
  }

  private save(file: KeyFile): void {
    writeKeyFile(this.path, file);
    this.file = file;
    this.loadKeys();
  }

  private loadKeys(): void {
    this.keys = new Map([[this.file.current_version, Buffer.from(this.file.current_key, "base64")]]);
    if (this.file.phased_out_key && this.file.phased_out_version) {
      this.keys.set(this.file.phased_out_version, Buffer.from(this.file.phased_out_key, "base64"));
    }
  }

  private keyFor(version: string): Buffer {
    const key = this.keys.get(version);
    if (!key) throw new Error(`no key loaded for version ${version}`);
    return key;
  }
}
