import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/** `<data>/encryption-keys.json`, field for field as the reference writes it. */
export interface KeyFile {
  current_key: string;
  current_version: string;
  phased_out_key: string | null;
  phased_out_version: string | null;
  last_rotation_finished_at: string;
  better_auth_secret: string;
  hash_key: string;
}

export class KeyFileError extends Error {
  constructor(path: string, problem: string) {
    super(`the encryption key file ${path} is unusable: ${problem}; restore it from a backup (crude never overwrites it)`);
    this.name = "KeyFileError";
  }
}

export const randomKey = () => randomBytes(32).toString("base64");

export function newKeyFile(now = new Date()): KeyFile {
  return {
    current_key: randomKey(),
    current_version: "A",
    phased_out_key: null,
    phased_out_version: null,
    last_rotation_finished_at: now.toISOString(),
    better_auth_secret: randomKey(),
    hash_key: randomKey(),
  };
}

/** The letter after `version`; Z wraps to A (old ciphertexts are all re-encrypted long before). */
export function nextVersion(version: string): string {
  return version === "Z" ? "A" : String.fromCharCode(version.charCodeAt(0) + 1);
}

/**
 * Reads and checks the key file; undefined when it does not exist. A file lacking only
 * `hash_key` (written by an older reference version) gets one, as the reference does.
 */
export function readKeyFile(path: string): KeyFile | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new KeyFileError(path, (error as Error).message);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new KeyFileError(path, "it is not valid JSON");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new KeyFileError(path, "it is not a JSON object");
  const file = parsed as Record<string, unknown>;
  let upgraded = false;
  if (file.hash_key === undefined) {
    file.hash_key = randomKey();
    upgraded = true;
  }
  const problem = structuralProblem(file);
  if (problem) throw new KeyFileError(path, problem);
  if (upgraded) writeKeyFile(path, file as unknown as KeyFile);
  return file as unknown as KeyFile;
}

function isKey(value: unknown): boolean {
  return typeof value === "string" && /^[A-Za-z0-9+/]{43}=$/.test(value) && Buffer.from(value, "base64").length === 32;
}

const isVersion = (value: unknown) => typeof value === "string" && /^[A-Z]$/.test(value);

function structuralProblem(file: Record<string, unknown>): string | undefined {
  for (const field of ["current_key", "better_auth_secret", "hash_key"]) {
    if (!isKey(file[field])) return `${field} must be the base64 of 32 bytes`;
  }
  if (!isVersion(file.current_version)) return "current_version must be one letter A-Z";
  const phasedKey = file.phased_out_key;
  const phasedVersion = file.phased_out_version;
  if ((phasedKey === null) !== (phasedVersion === null)) return "phased_out_key and phased_out_version must be set or null together";
  if (phasedKey !== null) {
    if (!isKey(phasedKey)) return "phased_out_key must be the base64 of 32 bytes";
    if (!isVersion(phasedVersion)) return "phased_out_version must be one letter A-Z";
    if (phasedVersion === file.current_version) return "phased_out_version must differ from current_version";
  }
  const at = file.last_rotation_finished_at;
  if (typeof at !== "string" || Number.isNaN(Date.parse(at))) return "last_rotation_finished_at must be an ISO timestamp";
  return undefined;
}

/** Atomic replace: a temp file in the same directory, fsynced, renamed over the target; mode 0600. */
export function writeKeyFile(path: string, file: KeyFile): void {
  const temp = join(dirname(path), `.${basename(path, ".json")}.tmp.${process.pid}.${randomBytes(4).toString("hex")}.json`);
  const fd = openSync(temp, "wx", 0o600);
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
  // The rename itself must survive a crash too.
  const dir = openSync(dirname(path), "r");
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
