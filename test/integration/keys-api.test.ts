import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { ApiKeyBody, ApiKeyCreatedBody, ApiKeysListBody, KeyGroup, KeyGroupsListBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { refusal } from "../helpers/refusal.js";

describe("key groups API", () => {
  it("starts with the built-in management group and lists groups by name", async () => {
    const t = await startTestDaemon();
    expect(await t.socket.get("/api/key-groups")).toEqual({
      groups: [{ id: "management", name: "management", description: "Management API keys" }],
    });
    const created = await t.socket.post<{ id: string; name: string }>("/api/key-groups", {
      body: { name: "  Mobile-App ", description: "phones" },
    });
    expect(created.name).toBe("mobile-app");
    expect(created.id).toMatch(/^[a-z0-9]{20}$/);
    await t.socket.post("/api/key-groups", { body: { name: "alpha" } });
    const { groups } = await t.socket.get<KeyGroupsListBody>("/api/key-groups");
    expect(groups.map((g) => g.name)).toEqual(["alpha", "management", "mobile-app"]);
    expect(await t.socket.get<KeyGroup>(`/api/key-groups/${created.id}`)).toEqual({
      id: created.id,
      name: "mobile-app",
      description: "phones",
    });
  });

  it("refuses bad names, duplicates and bad IDs, and changes nothing", async () => {
    const t = await startTestDaemon();
    const cases: [unknown, number, string][] = [
      [{}, 400, "Missing required field: name"],
      [{ name: "   " }, 400, "Missing required field: name"],
      [{ name: "has space" }, 400, "Invalid group name. Must be lowercase alphanumeric with dashes/underscores."],
      [{ name: "ünï" }, 400, "Invalid group name. Must be lowercase alphanumeric with dashes/underscores."],
      [{ name: 42 }, 400, "Invalid group name. Must be lowercase alphanumeric with dashes/underscores."],
      [{ name: "MANAGEMENT" }, 409, "Group 'management' already exists"],
      [{ name: "ok", description: 7 }, 400, "description must be a string"],
    ];
    for (const [body, status, error] of cases) {
      expect(await refusal(t.socket.post("/api/key-groups", { body })), JSON.stringify(body)).toEqual({ status, body: { error } });
    }
    expect(await refusal(t.socket.get("/api/key-groups/bad%20id"))).toEqual({ status: 400, body: { error: "Invalid group ID" } });
    expect(await refusal(t.socket.get("/api/key-groups/nope"))).toEqual({ status: 404, body: { error: "Group not found" } });
    expect(await refusal(t.socket.put("/api/key-groups/nope", { body: {} }))).toEqual({ status: 404, body: { error: "Group not found" } });
    expect((await t.socket.get<KeyGroupsListBody>("/api/key-groups")).groups).toHaveLength(1);
  });

  it("updates only the description, and protects management and non-empty groups from deletion", async () => {
    const t = await startTestDaemon();
    await t.socket.put("/api/key-groups/management", { body: { description: "ops" } });
    expect(await t.socket.get("/api/key-groups/management")).toMatchObject({ description: "ops" });
    await t.socket.put("/api/key-groups/management", { body: { name: "renamed" } });
    expect(await t.socket.get("/api/key-groups/management")).toEqual({ id: "management", name: "management", description: "" });

    expect(await refusal(t.socket.delete("/api/key-groups/management"))).toEqual({
      status: 403,
      body: { error: "Cannot delete management group" },
    });
    const group = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "apps" } });
    await t.socket.post("/api/keys", { body: { groupId: group.id, name: "one" } });
    await t.socket.post("/api/keys", { body: { groupId: group.id, name: "two" } });
    expect(await refusal(t.socket.delete(`/api/key-groups/${group.id}`))).toEqual({
      status: 409,
      body: { error: "Cannot delete group with 2 existing key(s). Delete keys first." },
    });
    const { keys } = await t.socket.get<ApiKeysListBody>(`/api/keys?groupId=${group.id}`);
    for (const key of keys) await t.socket.delete(`/api/keys/${key.id}`);
    expect(await t.socket.delete(`/api/key-groups/${group.id}`)).toEqual({ success: true });
    expect(await refusal(t.socket.delete(`/api/key-groups/${group.id}`))).toEqual({ status: 404, body: { error: "Group not found" } });
  });
});

describe("API keys API", () => {
  it("returns the full value once on create and masks it in list and get unless includeValues=true", async () => {
    const t = await startTestDaemon();
    const created = await t.socket.post<ApiKeyCreatedBody>("/api/keys", {
      body: { groupId: "management", name: " CI ", description: "pipeline" },
    });
    expect(created.name).toBe("ci");
    expect(created.value).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const masked = await t.socket.get<ApiKeysListBody>("/api/keys");
    expect(masked.keys).toEqual([
      {
        id: created.id,
        name: "ci",
        value: `********${created.value.slice(-6)}`,
        description: "pipeline",
        groupId: "management",
        groupName: "management",
      },
    ]);
    const full = await t.socket.get<ApiKeysListBody>("/api/keys?includeValues=true");
    expect(full.keys[0]?.value).toBe(created.value);
    expect(await t.socket.get<ApiKeyBody>(`/api/keys/${created.id}`)).toEqual({
      key: { id: created.id, name: "ci", value: `********${created.value.slice(-6)}`, description: "pipeline" },
      group: { id: "management", name: "management", description: "Management API keys" },
    });
    expect((await t.socket.get<ApiKeyBody>(`/api/keys/${created.id}?includeValues=true`)).key.value).toBe(created.value);
    // A short value would be mostly revealed by its last six characters: it is masked entirely.
    const short = await t.socket.post<ApiKeyCreatedBody>("/api/keys", {
      body: { groupId: "management", name: "short", value: "abc123def" },
    });
    expect((await t.socket.get<ApiKeyBody>(`/api/keys/${short.id}`)).key.value).toBe("********");
  });

  it("stores values encrypted plus an HMAC, never in plaintext", async () => {
    const t = await startTestDaemon();
    const created = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "ci" } });
    const db = new Database(dataFiles(t.dataDir).database, { readonly: true });
    try {
      const row = db.prepare("SELECT value, value_hash FROM api_keys WHERE id = ?").get(created.id) as {
        value: string;
        value_hash: string;
      };
      expect(row.value).toMatch(/^A[A-Za-z0-9+/]+=*$/);
      expect(row.value).not.toContain(created.value);
      expect(row.value_hash).toHaveLength(44);
      const everything = JSON.stringify(db.prepare("SELECT * FROM api_keys").all());
      expect(everything).not.toContain(created.value);
    } finally {
      db.close();
    }
    expect(t.log()).not.toContain(created.value);
  });

  it("sorts by group name then key name, and filters by group", async () => {
    const t = await startTestDaemon();
    const apps = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "apps" } });
    await t.socket.post("/api/keys", { body: { groupId: "management", name: "b" } });
    await t.socket.post("/api/keys", { body: { groupId: apps.id, name: "z" } });
    await t.socket.post("/api/keys", { body: { groupId: apps.id, name: "a" } });
    const all = await t.socket.get<ApiKeysListBody>("/api/keys");
    expect(all.keys.map((k) => `${k.groupName}/${k.name}`)).toEqual(["apps/a", "apps/z", "management/b"]);
    const filtered = await t.socket.get<ApiKeysListBody>(`/api/keys?groupId=${apps.id}`);
    expect(filtered.keys.map((k) => k.name)).toEqual(["a", "z"]);
    expect(await refusal(t.socket.get("/api/keys?groupId=a%20b"))).toEqual({ status: 400, body: { error: "Invalid groupId parameter" } });
    expect(await refusal(t.socket.get("/api/keys?groupId=nope"))).toEqual({ status: 404, body: { error: "Group not found" } });
  });

  it("refuses bad input in the spec's order with its messages, and writes nothing", async () => {
    const t = await startTestDaemon();
    await t.socket.post("/api/keys", { body: { groupId: "management", name: "taken" } });
    const cases: [unknown, number, string][] = [
      [{ name: "x" }, 400, "Missing required field: groupId"],
      [{ groupId: "bad id", name: "x" }, 400, "Invalid groupId"],
      [{ groupId: 5, name: "x" }, 400, "Invalid groupId"],
      [{ groupId: "nope", name: "x" }, 404, "Group not found"],
      [{ groupId: "management" }, 400, "Missing required field: name"],
      [{ groupId: "management", name: "no spaces" }, 400, "Invalid key name. Must be lowercase alphanumeric with dashes/underscores."],
      [{ groupId: "management", name: "ok", value: "has space" }, 400, "Invalid key value. Must be alphanumeric with dashes/underscores."],
      [{ groupId: "management", name: "ok", value: "" }, 400, "Invalid key value. Must be alphanumeric with dashes/underscores."],
      [{ groupId: "management", name: "Taken" }, 409, "A key with name 'taken' already exists in group 'management'"],
    ];
    for (const [body, status, error] of cases) {
      expect(await refusal(t.socket.post("/api/keys", { body })), JSON.stringify(body)).toEqual({ status, body: { error } });
    }
    expect((await t.socket.get<ApiKeysListBody>("/api/keys")).keys).toHaveLength(1);
    expect(await refusal(t.socket.get("/api/keys/bad%20id"))).toEqual({ status: 400, body: { error: "Invalid key ID" } });
    expect(await refusal(t.socket.get("/api/keys/nope"))).toEqual({ status: 404, body: { error: "Key not found" } });
    expect(await refusal(t.socket.delete("/api/keys/nope"))).toEqual({ status: 404, body: { error: "Key not found" } });
    expect(await refusal(t.socket.put("/api/keys/nope", { body: { name: "x" } }))).toEqual({
      status: 404,
      body: { error: "API key with id nope not found" },
    });
  });

  it("answers an existing value in the same group with that key's ID, as the reference does", async () => {
    const t = await startTestDaemon();
    const first = await t.socket.post<ApiKeyCreatedBody>("/api/keys", {
      body: { groupId: "management", name: "one", value: "same-value-123" },
    });
    const again = await t.socket.post<ApiKeyCreatedBody>("/api/keys", {
      body: { groupId: "management", name: "two", value: "same-value-123" },
    });
    expect(again.id).toBe(first.id);
    expect((await t.socket.get<ApiKeysListBody>("/api/keys")).keys).toHaveLength(1);
    const apps = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "apps" } });
    const elsewhere = await t.socket.post<ApiKeyCreatedBody>("/api/keys", {
      body: { groupId: apps.id, name: "one", value: "same-value-123" },
    });
    expect(elsewhere.id).not.toBe(first.id);
  });

  it("renames, changes the value and clears the description; the new value is the one that works", async () => {
    const t = await startTestDaemon();
    const key = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "ci", description: "d" } });
    await t.socket.post("/api/keys", { body: { groupId: "management", name: "other" } });
    expect(await refusal(t.socket.put(`/api/keys/${key.id}`, { body: { name: "OTHER" } }))).toEqual({
      status: 409,
      body: { error: "A key with name 'other' already exists in group 'management'" },
    });
    expect(await refusal(t.socket.put(`/api/keys/${key.id}`, { body: { value: "bad value" } }))).toMatchObject({ status: 400 });
    await t.socket.put(`/api/keys/${key.id}`, { body: { name: "deploy", value: "new-value-abcdefghijklmnopq", description: "" } });
    expect((await t.socket.get<ApiKeyBody>(`/api/keys/${key.id}?includeValues=true`)).key).toEqual({
      id: key.id,
      name: "deploy",
      value: "new-value-abcdefghijklmnopq",
      description: null,
    });
    expect(await t.tcp("new-value-abcdefghijklmnopq").get("/api/settings")).toHaveProperty("settings");
    expect(await refusal(t.tcp(key.value).get("/api/settings"))).toEqual({ status: 401, body: { error: "Unauthorized" } });
  });
});
