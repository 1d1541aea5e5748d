import { readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { KeyFileError } from "../../daemon/crypto/key-file.js";
import type { ApiKeyCreatedBody, ApiKeysListBody, EncryptionRotateBody, EncryptionStatusBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { spawnDaemon, waitFor } from "../helpers/process-daemon.js";
import { refusal } from "../helpers/refusal.js";

const DAY_MS = 86_400_000;

function storedVersions(dataDir: string): string[] {
  const db = new Database(dataFiles(dataDir).database, { readonly: true });
  try {
    return (db.prepare("SELECT substr(value, 1, 1) AS v FROM api_keys ORDER BY id").pluck().all() as string[]).sort();
  } finally {
    db.close();
  }
}

async function createKeys(t: Pick<TestDaemon, "socket">, count: number): Promise<Map<string, string>> {
  const values = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const key = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: `k${i}` } });
    values.set(key.id, key.value);
  }
  return values;
}

async function decryptedValues(t: Pick<TestDaemon, "socket">): Promise<Map<string, string>> {
  const { keys } = await t.socket.get<ApiKeysListBody>("/api/keys?includeValues=true");
  return new Map(keys.map((key) => [key.id, key.value]));
}

describe("encryption keys", () => {
  it("creates an owner-only key file at first start and reports the rotation status", async () => {
    const t = await startTestDaemon();
    const path = dataFiles(t.dataDir).encryptionKeys;
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const file = JSON.parse(readFileSync(path, "utf8"));
    expect(Object.keys(file).sort()).toEqual(
      [
        "better_auth_secret",
        "current_key",
        "current_version",
        "hash_key",
        "last_rotation_finished_at",
        "phased_out_key",
        "phased_out_version",
      ].sort(),
    );
    const status = await t.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
    expect(status).toEqual({
      lastRotationAt: file.last_rotation_finished_at,
      daysSinceRotation: 0,
      nextRotationAt: new Date(Date.parse(file.last_rotation_finished_at) + 90 * DAY_MS).toISOString(),
      rotationIntervalDays: 90,
      currentVersion: "A",
      isInProgress: false,
    });
    await t.socket.put("/api/settings", { body: { settings: { "encryption.key-rotation.interval-days": "30" } } });
    const changed = await t.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
    expect(changed.rotationIntervalDays).toBe(30);
    expect(changed.nextRotationAt).toBe(new Date(Date.parse(file.last_rotation_finished_at) + 30 * DAY_MS).toISOString());
  });

  it("rotates by hand: every value re-encrypted under the next version, keys keep working", async () => {
    const t = await startTestDaemon();
    await t.socket.put("/api/settings", {
      body: { settings: { "encryption.key-rotation.batch-size": "10", "encryption.key-rotation.batch-sleep-ms": "0" } },
    });
    const values = await createKeys(t, 25);
    const result = await t.socket.post<EncryptionRotateBody>("/api/encryption-keys/rotation");
    expect(result).toEqual({
      success: true,
      message: "Key rotation completed successfully",
      currentVersion: "B",
      reencrypted: 25,
      failed: 0,
    });
    expect(storedVersions(t.dataDir)).toEqual(Array(25).fill("B"));
    expect(await decryptedValues(t)).toEqual(values);
    const [anyValue] = values.values();
    expect(await t.tcp(anyValue).get("/api/settings")).toHaveProperty("settings");
    const status = await t.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
    expect(status).toMatchObject({ currentVersion: "B", isInProgress: false, daysSinceRotation: 0 });
    expect(JSON.parse(readFileSync(dataFiles(t.dataDir).encryptionKeys, "utf8"))).toMatchObject({
      phased_out_key: null,
      phased_out_version: null,
    });
  });

  it("refuses a second rotation while one runs, and keeps answering meanwhile", async () => {
    const t = await startTestDaemon();
    await t.socket.put("/api/settings", {
      body: { settings: { "encryption.key-rotation.batch-size": "10", "encryption.key-rotation.batch-sleep-ms": "50" } },
    });
    await createKeys(t, 40);
    const first = t.socket.post<EncryptionRotateBody>("/api/encryption-keys/rotation");
    await waitFor("the rotation to start", async () => {
      const status = await t.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
      return status.progress ? status : undefined;
    });
    expect(await refusal(t.socket.post("/api/encryption-keys/rotation"))).toEqual({
      status: 409,
      body: { error: "Key rotation is already in progress" },
    });
    expect(await t.socket.get("/api/health")).toMatchObject({ status: "ok" });
    expect((await first).reencrypted).toBe(40);
  });

  it("reports a tampered value instead of returning garbage, and a rotation completes around it", async () => {
    const t = await startTestDaemon();
    const values = await createKeys(t, 3);
    const [victim] = values.keys();
    const db = new Database(dataFiles(t.dataDir).database);
    try {
      const stored = db.prepare("SELECT value FROM api_keys WHERE id = ?").pluck().get(victim) as string;
      const bytes = Buffer.from(stored.slice(1), "base64");
      bytes[20] = (bytes[20] ?? 0) ^ 0xff;
      db.prepare("UPDATE api_keys SET value = ? WHERE id = ?").run(`A${bytes.toString("base64")}`, victim);
    } finally {
      db.close();
    }
    const { keys } = await t.socket.get<ApiKeysListBody & { keys: { decryptionError?: string }[] }>("/api/keys?includeValues=true");
    const broken = keys.find((key) => key.id === victim);
    expect(broken).toMatchObject({ value: "", decryptionError: expect.stringMatching(/failed authentication/) });
    expect(t.log()).toMatch(new RegExp(`API key ${victim} does not decrypt`));
    const result = await t.socket.post<EncryptionRotateBody>("/api/encryption-keys/rotation");
    expect(result).toMatchObject({ reencrypted: 2, failed: 1 });
    expect(t.log()).toContain(`api_keys.value of row ${victim} does not decrypt`);
    for (const value of values.values()) expect(t.log()).not.toContain(value);
  });

  it("refuses to start when the key file is missing but encrypted values exist", async () => {
    const t = await startTestDaemon();
    await createKeys(t, 1);
    await t.daemon.stop();
    const path = dataFiles(t.dataDir).encryptionKeys;
    const original = readFileSync(path);
    rmSync(path);
    await expect(startTestDaemon({ dataDir: t.dataDir })).rejects.toThrow(KeyFileError);
    await expect(startTestDaemon({ dataDir: t.dataDir })).rejects.toThrow(/missing, but the database holds 1 encrypted value/);
    // Nothing was generated over the old data: restoring the file brings everything back.
    expect(() => statSync(path)).toThrow();
    writeFileSync(path, original, { mode: 0o600 });
    const restored = await startTestDaemon({ dataDir: t.dataDir });
    expect((await decryptedValues(restored)).size).toBe(1);
  });

  it("refuses another database's key file, and a corrupt one", async () => {
    const a = await startTestDaemon();
    await createKeys(a, 1);
    await a.daemon.stop();
    const b = await startTestDaemon();
    await b.daemon.stop();
    writeFileSync(dataFiles(a.dataDir).encryptionKeys, readFileSync(dataFiles(b.dataDir).encryptionKeys));
    await expect(startTestDaemon({ dataDir: a.dataDir })).rejects.toThrow(/belongs to another database/);
    writeFileSync(dataFiles(a.dataDir).encryptionKeys, "{}");
    await expect(startTestDaemon({ dataDir: a.dataDir })).rejects.toThrow(/current_key must be the base64 of 32 bytes/);
  });

  it("makes new keys when the key file is gone and nothing was encrypted yet", async () => {
    const t = await startTestDaemon();
    await t.daemon.stop();
    rmSync(dataFiles(t.dataDir).encryptionKeys);
    const again = await startTestDaemon({ dataDir: t.dataDir });
    expect(statSync(dataFiles(t.dataDir).encryptionKeys).mode & 0o777).toBe(0o600);
    expect(again.log()).toMatch(/created a new encryption key file/);
  });

  it("rotates automatically at start when the interval has passed", async () => {
    const t = await startTestDaemon();
    await createKeys(t, 2);
    await t.daemon.stop();
    const path = dataFiles(t.dataDir).encryptionKeys;
    const file = JSON.parse(readFileSync(path, "utf8"));
    file.last_rotation_finished_at = new Date(Date.now() - 91 * DAY_MS).toISOString();
    writeFileSync(path, JSON.stringify(file));
    const again = await startTestDaemon({ dataDir: t.dataDir });
    const status = await waitFor("the automatic rotation", async () => {
      const s = await again.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
      return s.currentVersion === "B" && !s.isInProgress ? s : undefined;
    });
    expect(status.daysSinceRotation).toBe(0);
    expect(storedVersions(t.dataDir)).toEqual(["B", "B"]);
  });

  it("rotates by itself when the interval comes due while it runs, also after the interval was changed", async () => {
    const t = await startTestDaemon();
    await createKeys(t, 1);
    await t.daemon.stop();
    const path = dataFiles(t.dataDir).encryptionKeys;
    const file = JSON.parse(readFileSync(path, "utf8"));
    // Due in 90 days by default; 20 days minus a few seconds have passed.
    file.last_rotation_finished_at = new Date(Date.now() - 20 * DAY_MS + 4000).toISOString();
    writeFileSync(path, JSON.stringify(file));
    const again = await startTestDaemon({ dataDir: t.dataDir });
    await again.socket.put("/api/settings", { body: { settings: { "encryption.key-rotation.interval-days": "20" } } });
    const before = await again.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
    expect(before).toMatchObject({ currentVersion: "A", rotationIntervalDays: 20, daysSinceRotation: 19 });
    const after = await waitFor(
      "the scheduled rotation",
      async () => {
        const status = await again.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
        return status.currentVersion === "B" && !status.isInProgress ? status : undefined;
      },
      20_000,
    );
    expect(after.nextRotationAt).toBe(new Date(Date.parse(after.lastRotationAt) + 20 * DAY_MS).toISOString());
    expect(storedVersions(t.dataDir)).toEqual(["B"]);
  });

  it("survives a daemon killed in the middle of a rotation: values decrypt and the rotation completes at the next start", async () => {
    const first = await spawnDaemon();
    await first.socket.put("/api/settings", {
      body: { settings: { "encryption.key-rotation.batch-size": "10", "encryption.key-rotation.batch-sleep-ms": "200" } },
    });
    const values = await createKeys(first, 60);
    void first.socket.post("/api/encryption-keys/rotation").catch(() => {});
    await waitFor("some values to be re-encrypted", async () => {
      const versions = storedVersions(first.dataDir);
      return versions.includes("A") && versions.includes("B") ? versions : undefined;
    });
    await first.kill9();
    const file = JSON.parse(readFileSync(dataFiles(first.dataDir).encryptionKeys, "utf8"));
    expect(file).toMatchObject({ current_version: "B", phased_out_version: "A" });

    const second = await spawnDaemon({ dataDir: first.dataDir });
    // Every value decrypts at once, whichever key it is under...
    expect(await decryptedValues(second)).toEqual(values);
    // ...and the rotation finishes by itself.
    await waitFor(
      "the resumed rotation to finish",
      async () => {
        const status = await second.socket.get<EncryptionStatusBody>("/api/encryption-keys/rotation");
        return status.isInProgress ? undefined : status;
      },
      30_000,
    );
    expect(storedVersions(first.dataDir)).toEqual(Array(60).fill("B"));
    expect(await decryptedValues(second)).toEqual(values);
    expect(second.output()).toMatch(/resuming the unfinished rotation/);
  });
});
