import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import type { Source, SourceStatusBody, SourcesListBody, SourceUpdatedBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { idle } from "../helpers/git-sources.js";
import { rawRequest } from "../helpers/raw-request.js";
import { refusal } from "../helpers/refusal.js";

const createSource = (t: TestDaemon, body: Record<string, unknown>) => t.socket.post<Source>("/api/sources", { body });

/** Everything a refused request must leave as it was: the records and the code directory. */
async function snapshot(t: TestDaemon) {
  const code = dataFiles(t.dataDir).code;
  return { sources: await t.socket.get<SourcesListBody>("/api/sources"), code: existsSync(code) ? readdirSync(code).sort() : [] };
}

/** A git source stored as given, past the API's checks (as an older crude or the reference may have stored it). */
function insertGitSource(t: TestDaemon, name: string, typeSettings: string): string {
  const db = new Database(dataFiles(t.dataDir).database);
  try {
    const now = new Date().toISOString();
    db.prepare(
      `INSERT INTO sources (id, name, type, type_settings, sync_settings, enabled, last_sync_at, created_at, updated_at)
       VALUES (?, ?, 'git', ?, '{}', 1, ?, ?, ?)`,
    ).run(`git${name}`, name, typeSettings, now, now, now);
  } finally {
    db.close();
  }
  mkdirSync(join(dataFiles(t.dataDir).code, name), { recursive: true });
  return `git${name}`;
}

describe("code sources API", () => {
  it("creates a manual source with its directory and answers the bare record with 201", async () => {
    const t = await startTestDaemon();
    const response = await rawRequest(t.dataDir, "POST", "/api/sources", {
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "my-api", type: "manual" }),
    });
    expect(response.status).toBe(201);
    const source = response.json as Source;
    expect(source).toEqual({
      id: expect.stringMatching(/^[a-z0-9]{20}$/),
      name: "my-api",
      type: "manual",
      typeSettings: {},
      syncSettings: {},
      enabled: true,
      lastSyncAt: null,
      lastSyncStartedAt: null,
      lastSyncError: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      updatedAt: source.createdAt,
    });
    expect(readdirSync(dataFiles(t.dataDir).code)).toEqual(["my-api"]);
    expect(await t.socket.get(`/api/sources/${source.id}`)).toEqual(source);
    expect(await t.socket.get("/api/sources/by-name/my-api")).toEqual(source);
  });

  it("lists by name, case-sensitively, and keeps free-form manual settings", async () => {
    const t = await startTestDaemon();
    await createSource(t, { name: "beta", type: "manual", enabled: false });
    await createSource(t, { name: "alpha", type: "manual", typeSettings: { note: ["any", 1] } });
    await createSource(t, { name: "Beta", type: "manual", syncSettings: { intervalSeconds: 0, webhookEnabled: false } });
    const { sources } = await t.socket.get<SourcesListBody>("/api/sources");
    expect(sources.map((s) => s.name)).toEqual(["Beta", "alpha", "beta"]);
    expect(sources.map((s) => s.enabled)).toEqual([true, true, false]);
    expect(sources[1]?.typeSettings).toEqual({ note: ["any", 1] });
    expect(sources[0]?.syncSettings).toEqual({ intervalSeconds: 0, webhookEnabled: false });
    // An existing directory is adopted, files and all.
    mkdirSync(join(dataFiles(t.dataDir).code, "existing"), { recursive: true });
    writeFileSync(join(dataFiles(t.dataDir).code, "existing", "kept.ts"), "x");
    await createSource(t, { name: "existing", type: "manual" });
    expect(readdirSync(join(dataFiles(t.dataDir).code, "existing"))).toEqual(["kept.ts"]);
  });

  it("refuses bad input with the reference's messages, in its order, and changes nothing", async () => {
    const t = await startTestDaemon();
    await createSource(t, { name: "taken", type: "manual" });
    const before = await snapshot(t);
    const nameRule = "Source name must be 1-64 chars, alphanumeric with hyphens/underscores, starting with alphanumeric";
    const cases: [unknown, number, string][] = [
      [{}, 400, "Missing required field: name"],
      [{ name: "", type: "manual" }, 400, "Missing required field: name"],
      [{ name: "x" }, 400, "Missing required field: type"],
      [{ name: "x", type: "" }, 400, "Missing required field: type"],
      [{ name: "-x", type: "svn" }, 400, "Invalid source type: svn. Must be 'manual' or 'git'"],
      [{ name: "x", type: "MANUAL" }, 400, "Invalid source type: MANUAL. Must be 'manual' or 'git'"],
      [{ name: "-x", type: "manual" }, 400, nameRule],
      [{ name: "a/b", type: "manual" }, 400, nameRule],
      [{ name: "..", type: "manual" }, 400, nameRule],
      [{ name: "x".repeat(65), type: "manual" }, 400, nameRule],
      [{ name: 42, type: "manual" }, 400, nameRule],
      [{ name: "x", type: "manual", typeSettings: [] }, 400, "typeSettings must be an object"],
      [{ name: "x", type: "manual", typeSettings: "url" }, 400, "typeSettings must be an object"],
      [{ name: "x", type: "manual", syncSettings: 5 }, 400, "syncSettings must be an object"],
      [
        { name: "x", type: "manual", syncSettings: { intervalSeconds: -1 } },
        400,
        "syncSettings.intervalSeconds must be a non-negative number",
      ],
      [
        { name: "x", type: "manual", syncSettings: { intervalSeconds: "60" } },
        400,
        "syncSettings.intervalSeconds must be a non-negative number",
      ],
      [{ name: "x", type: "manual", syncSettings: { webhookEnabled: 1 } }, 400, "syncSettings.webhookEnabled must be a boolean"],
      [{ name: "x", type: "manual", syncSettings: { webhookSecret: true } }, 400, "syncSettings.webhookSecret must be a string"],
      [
        { name: "x", type: "manual", syncSettings: { webhookSecret: "s".repeat(16_385) } },
        400,
        "syncSettings.webhookSecret exceeds 16384 bytes",
      ],
      [{ name: "x", type: "manual", enabled: "yes" }, 400, "enabled must be a boolean"],
      [{ name: "x", type: "git" }, 400, "Git source: url is required"],
      [{ name: "taken", type: "manual" }, 409, "Code source 'taken' already exists"],
      [[], 400, "Request body must be a JSON object"],
    ];
    for (const [body, status, error] of cases) {
      expect(await refusal(createSource(t, body as Record<string, unknown>)), JSON.stringify(body).slice(0, 80)).toEqual({
        status,
        body: { error },
      });
    }
    const invalidJson = await rawRequest(t.dataDir, "POST", "/api/sources", {
      headers: { "content-type": "application/json" },
      body: "{nope",
    });
    expect([invalidJson.status, invalidJson.json]).toEqual([400, { error: "Invalid JSON body" }]);
    expect(await snapshot(t)).toEqual(before);
  });

  it("refuses a name whose directory cannot be made, leaving no record", async () => {
    const t = await startTestDaemon();
    mkdirSync(dataFiles(t.dataDir).code, { recursive: true });
    writeFileSync(join(dataFiles(t.dataDir).code, "blocked"), "a file where the directory would go");
    expect(await refusal(createSource(t, { name: "blocked", type: "manual" }))).toEqual({
      status: 409,
      body: { error: `Cannot create the directory of source 'blocked': ${join(dataFiles(t.dataDir).code, "blocked")} is not a directory` },
    });
    expect((await t.socket.get<SourcesListBody>("/api/sources")).sources).toEqual([]);
  });

  it("answers 400 for a malformed name and 404 for unknown sources", async () => {
    const t = await startTestDaemon();
    expect(await refusal(t.socket.get("/api/sources/by-name/-bad"))).toEqual({ status: 400, body: { error: "Invalid source name" } });
    expect(await refusal(t.socket.get("/api/sources/by-name/ghost"))).toEqual({ status: 404, body: { error: "Source not found" } });
    expect(await refusal(t.socket.get("/api/sources/ghost"))).toEqual({ status: 404, body: { error: "Source not found" } });
    expect(await refusal(t.socket.get("/api/sources/ghost/status"))).toEqual({ status: 404, body: { error: "Source not found" } });
    expect(await refusal(t.socket.delete("/api/sources/ghost"))).toEqual({ status: 404, body: { error: "Code source 'ghost' not found" } });
    expect(await refusal(t.socket.post("/api/sources/ghost/sync"))).toEqual({
      status: 404,
      body: { error: "Code source 'ghost' not found" },
    });
    // Existence comes before the body: an unknown source with an unparsable body is still 404.
    const put = await rawRequest(t.dataDir, "PUT", "/api/sources/ghost", { headers: { "content-type": "application/json" }, body: "{" });
    expect([put.status, put.json]).toEqual([404, { error: "Source not found" }]);
  });

  it("stores the webhook secret and a token encrypted, shows them redacted, and re-encrypts them in a rotation", async () => {
    const t = await startTestDaemon();
    const source = await createSource(t, {
      name: "hooked",
      type: "manual",
      typeSettings: { authToken: "tok-plain-1234" },
      syncSettings: { webhookEnabled: true, webhookSecret: "hook-plain-5678" },
    });
    expect(source.typeSettings).toEqual({ authToken: "***REDACTED***" });
    expect(source.syncSettings).toEqual({ webhookEnabled: true, webhookSecret: "***REDACTED***" });
    const stored = () => {
      const db = new Database(dataFiles(t.dataDir).database, { readonly: true });
      try {
        return db.prepare("SELECT * FROM sources").get() as Record<string, string>;
      } finally {
        db.close();
      }
    };
    const before = stored();
    expect(JSON.stringify(before)).not.toMatch(/tok-plain|hook-plain/);
    expect(before.auth_token).toMatch(/^A/);
    expect(before.webhook_secret).toMatch(/^A/);
    await t.socket.post("/api/encryption-keys/rotation");
    expect(stored().auth_token).toMatch(/^B/);
    expect(stored().webhook_secret).toMatch(/^B/);
    expect(await t.socket.get(`/api/sources/${source.id}`)).toMatchObject({ syncSettings: { webhookSecret: "***REDACTED***" } });
  });

  it("replaces settings as whole objects on update, ignores name and type, and answers syncTriggered", async () => {
    const t = await startTestDaemon();
    const source = await createSource(t, {
      name: "app",
      type: "manual",
      syncSettings: { intervalSeconds: 60, webhookEnabled: true, webhookSecret: "s3cret" },
    });
    const updated = await t.socket.put<SourceUpdatedBody>(`/api/sources/${source.id}`, {
      body: { name: "renamed", type: "git", enabled: false, syncSettings: { webhookEnabled: false } },
    });
    expect(updated).toMatchObject({
      name: "app",
      type: "manual",
      enabled: false,
      syncSettings: { webhookEnabled: false },
      syncTriggered: false,
    });
    expect(updated.updatedAt >= source.updatedAt).toBe(true);
    expect(await t.socket.get(`/api/sources/${source.id}`)).toEqual(
      Object.fromEntries(Object.entries(updated).filter(([key]) => key !== "syncTriggered")),
    );
    const retyped = await t.socket.put<SourceUpdatedBody>(`/api/sources/${source.id}`, { body: { typeSettings: { note: "n" } } });
    expect(retyped).toMatchObject({ typeSettings: { note: "n" }, syncSettings: { webhookEnabled: false }, enabled: false });
  });

  it("refuses a bad update and changes nothing", async () => {
    const t = await startTestDaemon();
    const source = await createSource(t, { name: "app", type: "manual", syncSettings: { intervalSeconds: 5 } });
    const cases: [unknown, string][] = [
      [{ typeSettings: [1] }, "typeSettings must be an object"],
      [{ syncSettings: null }, "syncSettings must be an object"],
      [{ syncSettings: { intervalSeconds: -5 } }, "syncSettings.intervalSeconds must be a non-negative number"],
      [{ enabled: false, syncSettings: { webhookEnabled: "no" } }, "syncSettings.webhookEnabled must be a boolean"],
      [{ enabled: 0 }, "enabled must be a boolean"],
    ];
    for (const [body, error] of cases) {
      expect(await refusal(t.socket.put(`/api/sources/${source.id}`, { body })), JSON.stringify(body)).toEqual({
        status: 400,
        body: { error },
      });
    }
    const invalidJson = await rawRequest(t.dataDir, "PUT", `/api/sources/${source.id}`, {
      headers: { "content-type": "application/json" },
      body: "nope",
    });
    expect([invalidJson.status, invalidJson.json]).toEqual([400, { error: "Invalid JSON body" }]);
    expect(await t.socket.get(`/api/sources/${source.id}`)).toEqual(source);
  });

  it("deletes the record and its whole directory", async () => {
    const t = await startTestDaemon();
    const source = await createSource(t, { name: "gone", type: "manual" });
    const keep = await createSource(t, { name: "kept", type: "manual" });
    const dir = join(dataFiles(t.dataDir).code, "gone");
    mkdirSync(join(dir, "deep", "er"), { recursive: true });
    writeFileSync(join(dir, "deep", "er", "f.ts"), "x");
    expect(await t.socket.delete(`/api/sources/${source.id}`)).toEqual({ success: true });
    expect(existsSync(dir)).toBe(false);
    expect((await t.socket.get<SourcesListBody>("/api/sources")).sources.map((s) => s.id)).toEqual([keep.id]);
    expect(await refusal(t.socket.get(`/api/sources/${source.id}`))).toEqual({ status: 404, body: { error: "Source not found" } });
    // The name is free again.
    expect((await createSource(t, { name: "gone", type: "manual" })).name).toBe("gone");
  });

  it("never syncs a manual source and reports it as editable", async () => {
    const t = await startTestDaemon();
    const source = await createSource(t, { name: "app", type: "manual" });
    expect(await refusal(t.socket.post(`/api/sources/${source.id}/sync`))).toEqual({
      status: 400,
      body: { error: "Source 'app' is a manual source and cannot be synced" },
    });
    expect(await t.socket.get<SourceStatusBody>(`/api/sources/${source.id}/status`)).toEqual({
      isSyncable: false,
      isEditable: true,
      lastSyncAt: null,
      lastSyncStartedAt: null,
      lastSyncError: null,
      isSyncing: false,
      commit: null,
    });
    expect(await t.socket.get(`/api/sources/${source.id}`)).toEqual(source);
  });

  it("reports a git source as syncable and read-only, and records a sync of one stored without a url as failed", async () => {
    const t = await startTestDaemon();
    const id = insertGitSource(t, "repo", "{}");
    const status = await t.socket.get<SourceStatusBody>(`/api/sources/${id}/status`);
    expect(status).toMatchObject({ isSyncable: true, isEditable: false, lastSyncError: null, isSyncing: false, commit: null });
    expect(status.lastSyncAt).toMatch(/Z$/);
    expect(await t.socket.post(`/api/sources/${id}/sync`)).toMatchObject({ message: "Sync triggered" });
    expect(await idle(t, id)).toMatchObject({ lastSyncError: "Git source: url is required", lastSyncAt: status.lastSyncAt });
    expect(await t.socket.put<SourceUpdatedBody>(`/api/sources/${id}`, { body: { enabled: false } })).toMatchObject({
      enabled: false,
      typeSettings: {},
      syncTriggered: false,
    });
  });
});
