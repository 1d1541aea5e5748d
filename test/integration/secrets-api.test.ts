import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { SecretCreatedBody, SecretsByNameBody, SecretsListBody, SecretWithValue } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { refusal } from "../helpers/refusal.js";

const SCOPES_MESSAGE = "Must be one of: global, function, group, key";

function createSecret(t: TestDaemon, body: Record<string, unknown>) {
  return t.socket.post<SecretCreatedBody>("/api/secrets", { body });
}

function listSecrets(t: TestDaemon, query: Record<string, string> = {}) {
  return t.socket.get<SecretsListBody>("/api/secrets", { query });
}

/** A key group with one key, made through the keys API. */
async function groupWithKey(t: TestDaemon, name: string) {
  const group = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name } });
  const key = await t.socket.post<{ id: string }>("/api/keys", { body: { groupId: group.id, name: `${name}-key` } });
  return { groupId: group.id, keyId: key.id };
}

/** Direct access to the daemon's database file, as an attacker or a broken disk would have it. */
function openDbFile(t: TestDaemon, options: Database.Options = {}) {
  return new Database(dataFiles(t.dataDir).database, options);
}

describe("secrets API", () => {
  it("creates, reads, updates and deletes a global secret", async () => {
    const t = await startTestDaemon();
    const created = await createSecret(t, { name: "DATABASE_URL", value: "postgres://db", scopeType: "global", comment: "main db" });
    expect(created).toEqual({ id: expect.stringMatching(/^[a-z0-9]{20}$/), name: "DATABASE_URL", scopeType: "global" });

    const secret = await t.socket.get<SecretWithValue>(`/api/secrets/${created.id}`);
    expect(secret).toEqual({
      id: created.id,
      name: "DATABASE_URL",
      comment: "main db",
      scopeType: "global",
      scopeRef: null,
      createdAt: expect.any(String),
      updatedAt: secret.createdAt,
      value: "postgres://db",
      decryptionError: null,
    });
    expect(new Date(secret.createdAt).toISOString()).toBe(secret.createdAt);

    expect(await t.socket.put(`/api/secrets/${created.id}`, { body: { value: "postgres://other" } })).toEqual({ success: true });
    const updated = await t.socket.get<SecretWithValue>(`/api/secrets/${created.id}`);
    expect(updated).toMatchObject({ value: "postgres://other", comment: "main db" });
    expect(updated.updatedAt >= secret.updatedAt).toBe(true);

    // Name and scope in the body are ignored; a comment can be emptied or removed.
    await t.socket.put(`/api/secrets/${created.id}`, { body: { comment: "", name: "RENAMED", scopeType: "key" } });
    expect(await t.socket.get(`/api/secrets/${created.id}`)).toMatchObject({ name: "DATABASE_URL", scopeType: "global", comment: "" });
    await t.socket.put(`/api/secrets/${created.id}`, { body: { comment: null } });
    expect(await t.socket.get(`/api/secrets/${created.id}`)).not.toHaveProperty("comment");

    expect(await t.socket.delete(`/api/secrets/${created.id}`)).toEqual({ success: true });
    expect(await refusal(t.socket.get(`/api/secrets/${created.id}`))).toEqual({ status: 404, body: { error: "Secret not found" } });
    expect(await listSecrets(t)).toEqual({ secrets: [] });
  });

  it("accepts the seed's `scope` field for the scope, and scopeType wins when both are given", async () => {
    const t = await startTestDaemon();
    const { groupId } = await groupWithKey(t, "apps");
    expect(await createSecret(t, { name: "A", value: "1", scope: "global" })).toMatchObject({ scopeType: "global" });
    expect(await createSecret(t, { name: "B", value: "2", scope: "global", scopeType: "group", groupId })).toMatchObject({
      scopeType: "group",
    });
    expect(await refusal(createSecret(t, { name: "C", value: "3", scope: "nope" }))).toEqual({
      status: 400,
      body: { error: `Invalid scopeType 'nope'. ${SCOPES_MESSAGE}` },
    });
  });

  it("refuses bad bodies with the spec's messages and stores nothing", async () => {
    const t = await startTestDaemon();
    const { groupId, keyId } = await groupWithKey(t, "apps");
    const cases: [Record<string, unknown>, string][] = [
      [{ value: "v", scopeType: "global" }, "Missing required field: name"],
      [{ name: "", value: "v", scopeType: "global" }, "Missing required field: name"],
      [{ name: "has space", value: "v", scopeType: "global" }, "Invalid secret name. Must match pattern [a-zA-Z0-9_-]+"],
      [{ name: "ünï", value: "v", scopeType: "global" }, "Invalid secret name. Must match pattern [a-zA-Z0-9_-]+"],
      [{ name: 42, value: "v", scopeType: "global" }, "Invalid secret name. Must match pattern [a-zA-Z0-9_-]+"],
      [{ name: "N", scopeType: "global" }, "Missing required field: value"],
      [{ name: "N", value: " \n\t ", scopeType: "global" }, "Secret value cannot be empty"],
      [{ name: "N", value: 7, scopeType: "global" }, "Secret value must be a string"],
      [{ name: "N", value: "v" }, "Missing required field: scopeType"],
      [{ name: "N", value: "v", scopeType: "planet" }, `Invalid scopeType 'planet'. ${SCOPES_MESSAGE}`],
      [{ name: "N", value: "v", scopeType: "function" }, "functionId is required for function-scoped secrets"],
      [{ name: "N", value: "v", scopeType: "group", keyId }, "groupId is required for group-scoped secrets"],
      [{ name: "N", value: "v", scopeType: "key", groupId }, "keyId is required for key-scoped secrets"],
      [{ name: "N", value: "v", scopeType: "group", groupId: "bad id" }, "Invalid groupId"],
      [{ name: "N", value: "v", scopeType: "key", keyId: 12 }, "Invalid keyId"],
      [{ name: "N", value: "v", scopeType: "function", functionId: "nosuchfn" }, "Function 'nosuchfn' not found"],
      [{ name: "N", value: "v", scopeType: "group", groupId: "nosuchgroup" }, "Key group 'nosuchgroup' not found"],
      [{ name: "N", value: "v", scopeType: "key", keyId: "nosuchkey" }, "API key 'nosuchkey' not found"],
      [{ name: "N", value: "v", scopeType: "global", comment: 5 }, "comment must be a string"],
      [{ name: "N", value: "x".repeat(16_385), scopeType: "global" }, "Secret value exceeds 16384 bytes"],
      // 8193 characters, but 16386 bytes in UTF-8.
      [{ name: "N", value: "é".repeat(8193), scopeType: "global" }, "Secret value exceeds 16384 bytes"],
    ];
    for (const [body, error] of cases) {
      expect(await refusal(createSecret(t, body)), JSON.stringify(body).slice(0, 120)).toEqual({ status: 400, body: { error } });
    }
    expect(await listSecrets(t)).toEqual({ secrets: [] });

    expect(await refusal(t.socket.post("/api/secrets", { body: ["not", "an", "object"] }))).toEqual({
      status: 400,
      body: { error: "Request body must be a JSON object" },
    });

    // Exactly at the limit is fine.
    const atLimit = await createSecret(t, { name: "BIG", value: "x".repeat(16_384), scopeType: "global" });
    expect((await t.socket.get<SecretWithValue>(`/api/secrets/${atLimit.id}`)).value).toHaveLength(16_384);
  });

  it("keeps names unique per scope with the spec's conflict messages", async () => {
    const t = await startTestDaemon();
    const apps = await groupWithKey(t, "apps");
    const web = await groupWithKey(t, "web");
    const bodies = [
      { name: "TOKEN", value: "g", scopeType: "global" },
      { name: "TOKEN", value: "a", scopeType: "group", groupId: apps.groupId },
      { name: "TOKEN", value: "w", scopeType: "group", groupId: web.groupId },
      { name: "TOKEN", value: "k", scopeType: "key", keyId: apps.keyId },
    ];
    for (const body of bodies) await createSecret(t, body);
    // Names are case-sensitive.
    await createSecret(t, { name: "token", value: "lower", scopeType: "global" });

    expect(await refusal(createSecret(t, bodies[0] as Record<string, unknown>))).toEqual({
      status: 409,
      body: { error: "A global secret with name 'TOKEN' already exists" },
    });
    expect(await refusal(createSecret(t, { ...bodies[1], value: "again" }))).toEqual({
      status: 409,
      body: { error: "A secret with name 'TOKEN' already exists for this group" },
    });
    expect(await refusal(createSecret(t, { ...bodies[3], value: "again" }))).toEqual({
      status: 409,
      body: { error: "A secret with name 'TOKEN' already exists for this key" },
    });
    expect((await listSecrets(t)).secrets).toHaveLength(5);
  });

  it("lists sorted by name, filters by scope and by one ID with precedence, and shows values only for includeValues=true", async () => {
    const t = await startTestDaemon();
    const apps = await groupWithKey(t, "apps");
    await createSecret(t, { name: "ZETA", value: "z", scopeType: "global" });
    await createSecret(t, { name: "ALPHA", value: "a", scopeType: "group", groupId: apps.groupId, comment: "for apps" });
    await createSecret(t, { name: "MID", value: "m", scopeType: "key", keyId: apps.keyId });

    const all = await listSecrets(t);
    expect(all.secrets.map((s) => s.name)).toEqual(["ALPHA", "MID", "ZETA"]);
    expect(all.secrets[0]).toEqual({
      id: expect.any(String),
      name: "ALPHA",
      comment: "for apps",
      scopeType: "group",
      scopeRef: apps.groupId,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(all.secrets[2]).not.toHaveProperty("comment");
    for (const secret of all.secrets) expect(secret).not.toHaveProperty("value");
    for (const notExactlyTrue of ["1", "TRUE", "yes", ""]) {
      const { secrets } = await listSecrets(t, { includeValues: notExactlyTrue });
      expect(secrets[0], notExactlyTrue).not.toHaveProperty("value");
    }
    const withValues = (await listSecrets(t, { includeValues: "true" })).secrets as SecretWithValue[];
    expect(withValues.map((s) => [s.name, s.value, s.decryptionError])).toEqual([
      ["ALPHA", "a", null],
      ["MID", "m", null],
      ["ZETA", "z", null],
    ]);

    expect((await listSecrets(t, { scope: "global" })).secrets.map((s) => s.name)).toEqual(["ZETA"]);
    expect((await listSecrets(t, { groupId: apps.groupId })).secrets.map((s) => s.name)).toEqual(["ALPHA"]);
    expect((await listSecrets(t, { keyId: apps.keyId })).secrets.map((s) => s.name)).toEqual(["MID"]);
    // Only the first ID filter given applies: functionId > groupId > keyId.
    expect((await listSecrets(t, { groupId: apps.groupId, keyId: apps.keyId })).secrets.map((s) => s.name)).toEqual(["ALPHA"]);
    expect(await listSecrets(t, { functionId: "somefn", groupId: apps.groupId })).toEqual({ secrets: [] });
    // ID filters compare scopeRef only, and combine with scope by AND.
    expect(await listSecrets(t, { scope: "key", groupId: apps.groupId })).toEqual({ secrets: [] });

    expect(await refusal(listSecrets(t, { scope: "planet" }))).toEqual({
      status: 400,
      body: { error: `Invalid scope 'planet'. ${SCOPES_MESSAGE}` },
    });
    for (const field of ["functionId", "groupId", "keyId"]) {
      expect(await refusal(listSecrets(t, { [field]: "bad id!" })), field).toEqual({ status: 400, body: { error: `Invalid ${field}` } });
    }
    // Every ID filter is checked, also those that precedence would ignore.
    expect(await refusal(listSecrets(t, { groupId: apps.groupId, keyId: "bad/id" }))).toEqual({
      status: 400,
      body: { error: "Invalid keyId" },
    });
  });

  it("finds a name across scopes, sorted by scope type then ID, with values", async () => {
    const t = await startTestDaemon();
    const apps = await groupWithKey(t, "apps");
    await createSecret(t, { name: "API_TOKEN", value: "key-level", scopeType: "key", keyId: apps.keyId });
    await createSecret(t, { name: "API_TOKEN", value: "global-level", scopeType: "global" });
    await createSecret(t, { name: "API_TOKEN", value: "group-level", scopeType: "group", groupId: apps.groupId });
    await createSecret(t, { name: "api_token", value: "other name", scopeType: "global" });

    const found = await t.socket.get<SecretsByNameBody>("/api/secrets/by-name/API_TOKEN");
    expect(found.name).toBe("API_TOKEN");
    expect(found.secrets.map((s) => [s.scopeType, s.value, s.decryptionError])).toEqual([
      ["global", "global-level", null],
      ["group", "group-level", null],
      ["key", "key-level", null],
    ]);
    const groupOnly = await t.socket.get<SecretsByNameBody>("/api/secrets/by-name/API_TOKEN", { query: { scope: "group" } });
    expect(groupOnly.secrets.map((s) => s.scopeRef)).toEqual([apps.groupId]);

    expect(await refusal(t.socket.get("/api/secrets/by-name/NOPE"))).toEqual({
      status: 404,
      body: { error: "No secrets found with name 'NOPE'" },
    });
    expect(await refusal(t.socket.get("/api/secrets/by-name/API_TOKEN", { query: { scope: "function" } }))).toEqual({
      status: 404,
      body: { error: "No secrets found with name 'API_TOKEN'" },
    });
    expect(await refusal(t.socket.get("/api/secrets/by-name/API_TOKEN", { query: { scope: "all" } }))).toEqual({
      status: 400,
      body: { error: `Invalid scope 'all'. ${SCOPES_MESSAGE}` },
    });
  });

  it("refuses bad updates and unknown IDs without changing anything", async () => {
    const t = await startTestDaemon();
    const { id } = await createSecret(t, { name: "KEEP", value: "original", scopeType: "global", comment: "c" });
    const cases: [Record<string, unknown>, string][] = [
      [{}, "At least one field (value or comment) must be provided"],
      [{ name: "OTHER" }, "At least one field (value or comment) must be provided"],
      [{ value: "" }, "Secret value cannot be empty"],
      [{ value: "   " }, "Secret value cannot be empty"],
      [{ value: "x".repeat(16_385) }, "Secret value exceeds 16384 bytes"],
      [{ comment: 3 }, "comment must be a string"],
      [{ value: "fine", comment: [] }, "comment must be a string"],
    ];
    for (const [body, error] of cases) {
      expect(await refusal(t.socket.put(`/api/secrets/${id}`, { body })), JSON.stringify(body).slice(0, 80)).toEqual({
        status: 400,
        body: { error },
      });
    }
    expect(await t.socket.get(`/api/secrets/${id}`)).toMatchObject({ value: "original", comment: "c" });

    expect(await refusal(t.socket.put("/api/secrets/missing", { body: { value: "v" } }))).toEqual({
      status: 404,
      body: { error: "Secret with ID missing not found" },
    });
    expect(await refusal(t.socket.delete("/api/secrets/missing"))).toEqual({
      status: 404,
      body: { error: "Secret with ID missing not found" },
    });
    // IDs in paths are not format-checked: an odd one is simply not found.
    expect(await refusal(t.socket.get("/api/secrets/not%20an%20id"))).toEqual({ status: 404, body: { error: "Secret not found" } });
  });

  it("deletes a key's and a group's secrets with them, and keeps every other scope", async () => {
    const t = await startTestDaemon();
    const apps = await groupWithKey(t, "apps");
    const web = await groupWithKey(t, "web");
    await createSecret(t, { name: "S", value: "global", scopeType: "global" });
    await createSecret(t, { name: "S", value: "apps group", scopeType: "group", groupId: apps.groupId });
    await createSecret(t, { name: "S", value: "apps key", scopeType: "key", keyId: apps.keyId });
    await createSecret(t, { name: "T", value: "apps key too", scopeType: "key", keyId: apps.keyId });
    await createSecret(t, { name: "S", value: "web key", scopeType: "key", keyId: web.keyId });

    const scopesOfS = async () => (await t.socket.get<SecretsByNameBody>("/api/secrets/by-name/S")).secrets.map((s) => s.value).sort();

    await t.socket.delete(`/api/keys/${apps.keyId}`);
    expect(await scopesOfS()).toEqual(["apps group", "global", "web key"]);
    expect(await listSecrets(t, { keyId: apps.keyId })).toEqual({ secrets: [] });

    await t.socket.delete(`/api/key-groups/${apps.groupId}`);
    expect(await scopesOfS()).toEqual(["global", "web key"]);
    expect((await listSecrets(t)).secrets.map((s) => s.scopeRef)).toEqual([null, web.keyId]);
  });

  it("stores values encrypted and reports a tampered ciphertext without failing the listing or logging the value", async () => {
    const t = await startTestDaemon();
    const plaintext = "sk_live_very-secret-value-4711";
    const { id } = await createSecret(t, { name: "STRIPE", value: plaintext, scopeType: "global" });
    await createSecret(t, { name: "OTHER", value: "other-secret-value-0815", scopeType: "global" });

    const readOnly = openDbFile(t, { readonly: true });
    const stored = readOnly.prepare("SELECT value FROM secrets WHERE id = ?").pluck().get(id) as string;
    readOnly.close();
    expect(stored).toMatch(/^[A-Z][A-Za-z0-9+/]+={0,2}$/);
    expect(stored).not.toContain(plaintext);
    expect(Buffer.from(stored.slice(1), "base64").toString("latin1")).not.toContain(plaintext);

    // Flip one ciphertext byte: the authentication tag no longer matches.
    const sealed = Buffer.from(stored.slice(1), "base64");
    sealed[14] = (sealed[14] ?? 0) ^ 0xff;
    const writable = openDbFile(t);
    writable.prepare("UPDATE secrets SET value = ? WHERE id = ?").run(stored[0] + sealed.toString("base64"), id);
    writable.close();

    const { secrets } = await listSecrets(t, { includeValues: "true" });
    const byName = Object.fromEntries((secrets as SecretWithValue[]).map((s) => [s.name, s]));
    expect(byName.STRIPE).toMatchObject({ value: "", decryptionError: expect.stringMatching(/failed authentication/) });
    expect(byName.OTHER).toMatchObject({ value: "other-secret-value-0815", decryptionError: null });
    expect(await t.socket.get(`/api/secrets/${id}`)).toMatchObject({ value: "", decryptionError: expect.any(String) });

    expect(t.log()).toMatch(new RegExp(`Secret ${id} does not decrypt: ciphertext failed authentication`));
    expect(t.log()).not.toContain(plaintext);
    expect(t.log()).not.toContain("other-secret-value-0815");

    // An update replaces the broken ciphertext.
    await t.socket.put(`/api/secrets/${id}`, { body: { value: "sk_live_replacement-9000" } });
    expect(await t.socket.get(`/api/secrets/${id}`)).toMatchObject({ value: "sk_live_replacement-9000", decryptionError: null });
    expect(t.log()).not.toContain("sk_live_replacement-9000");
  });

  it("keeps secrets readable across a restart and refuses to start without the key file once secrets exist", async () => {
    const first = await startTestDaemon();
    const { id } = await createSecret(first, { name: "PERSISTED", value: "still-here", scopeType: "global" });
    await first.daemon.stop();

    const second = await startTestDaemon({ dataDir: first.dataDir });
    expect(await second.socket.get(`/api/secrets/${id}`)).toMatchObject({ value: "still-here", decryptionError: null });
    await second.daemon.stop();

    rmSync(dataFiles(first.dataDir).encryptionKeys);
    await expect(startTestDaemon({ dataDir: first.dataDir })).rejects.toThrow(/encrypted value/);
  });

  it("re-encrypts secrets during key rotation", async () => {
    const t = await startTestDaemon();
    const { id } = await createSecret(t, { name: "ROTATED", value: "rotate-me", scopeType: "global" });
    const versionOf = () => {
      const db = openDbFile(t, { readonly: true });
      const value = db.prepare("SELECT value FROM secrets WHERE id = ?").pluck().get(id) as string;
      db.close();
      return value[0];
    };
    expect(versionOf()).toBe("A");
    await t.socket.post("/api/encryption-keys/rotation");
    expect(versionOf()).toBe("B");
    expect(await t.socket.get(`/api/secrets/${id}`)).toMatchObject({ value: "rotate-me", decryptionError: null });
  });
});
