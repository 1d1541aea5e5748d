import { describe, expect, it } from "vitest";
import type { ApiKeyCreatedBody } from "../../src/api-types.js";
import { startTestDaemon } from "../helpers/daemon.js";

const PROTECTED: [string, string][] = [
  ["GET", "/api/status"],
  ["GET", "/api/settings"],
  ["PUT", "/api/settings"],
  ["GET", "/api/key-groups"],
  ["POST", "/api/key-groups"],
  ["GET", "/api/keys"],
  ["POST", "/api/keys"],
  ["DELETE", "/api/keys/whatever"],
  ["GET", "/api/secrets"],
  ["POST", "/api/secrets"],
  ["GET", "/api/secrets/by-name/X"],
  ["PUT", "/api/secrets/whatever"],
  ["GET", "/api/users"],
  ["POST", "/api/users"],
  ["DELETE", "/api/users/whatever"],
  ["GET", "/api/encryption-keys/rotation"],
  ["POST", "/api/encryption-keys/rotation"],
  ["GET", "/api/no-such-route"],
];

async function call(url: string, method: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method, headers });
  return { status: response.status, body: await response.json() };
}

describe("management access over TCP", () => {
  it("accepts a key of an access group and refuses everything else alike on every protected route", async () => {
    const t = await startTestDaemon();
    const admin = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "admin" } });
    const apps = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "apps" } });
    const app = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: apps.id, name: "phone" } });

    const refused: [string, Record<string, string>][] = [
      ["no credentials", {}],
      ["an unknown key", { "x-api-key": "not-a-key" }],
      ["an empty key", { "x-api-key": "" }],
      ["a key of a group without management access", { "x-api-key": app.value }],
      ["a prefix of a valid key", { "x-api-key": admin.value.slice(0, -1) }],
      ["a valid key with one more character", { "x-api-key": `${admin.value}x` }],
      ["a valid key in another case", { "x-api-key": admin.value.toUpperCase() }],
      ["a valid key as a Bearer token (only X-API-Key counts here)", { authorization: `Bearer ${admin.value}` }],
    ];
    for (const [method, path] of PROTECTED) {
      for (const [why, headers] of refused) {
        expect(await call(`${t.managementUrl}${path}`, method, headers), `${method} ${path} with ${why}`).toEqual({
          status: 401,
          body: { error: "Unauthorized" },
        });
      }
    }
    expect((await call(`${t.managementUrl}/api/key-groups`, "GET", { "x-api-key": admin.value })).status).toBe(200);
    expect((await call(`${t.managementUrl}/api/no-such-route`, "GET", { "x-api-key": admin.value })).status).toBe(404);
    // Shutting the daemon down stays a local-owner privilege.
    expect((await call(`${t.managementUrl}/api/daemon/shutdown`, "POST", { "x-api-key": admin.value })).status).toBe(403);
  });

  it("follows api.access-groups at once, and a deleted key stops working at once", async () => {
    const t = await startTestDaemon();
    const apps = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "apps" } });
    const app = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: apps.id, name: "phone" } });
    const admin = await t.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "admin" } });
    const url = `${t.managementUrl}/api/settings`;

    await t.socket.put("/api/settings", { body: { settings: { "api.access-groups": `management,${apps.id}` } } });
    expect((await call(url, "GET", { "x-api-key": app.value })).status).toBe(200);
    await t.socket.put("/api/settings", { body: { settings: { "api.access-groups": apps.id } } });
    expect((await call(url, "GET", { "x-api-key": admin.value })).status).toBe(401);
    expect((await call(url, "GET", { "x-api-key": app.value })).status).toBe(200);

    await t.socket.delete(`/api/keys/${app.id}`);
    expect((await call(url, "GET", { "x-api-key": app.value })).status).toBe(401);
  });

  it("restores management access at start when the setting was emptied", async () => {
    const first = await startTestDaemon();
    await first.socket.put("/api/settings", { body: { settings: { "api.access-groups": "" } } });
    const admin = await first.socket.post<ApiKeyCreatedBody>("/api/keys", { body: { groupId: "management", name: "admin" } });
    expect((await call(`${first.managementUrl}/api/settings`, "GET", { "x-api-key": admin.value })).status).toBe(401);
    await first.daemon.stop();
    const again = await startTestDaemon({ dataDir: first.dataDir });
    expect((await call(`${again.managementUrl}/api/settings`, "GET", { "x-api-key": admin.value })).status).toBe(200);
  });
});
