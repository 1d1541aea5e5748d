import { describe, expect, it } from "vitest";
import type { SettingsListBody } from "../../src/api-types.js";
import { ApiError } from "../../src/errors.js";
import { startTestDaemon } from "../helpers/daemon.js";

async function settingsMap(t: Awaited<ReturnType<typeof startTestDaemon>>) {
  const body = await t.socket.get<SettingsListBody>("/api/settings");
  return Object.fromEntries(body.settings.map((s) => [s.name, s.value]));
}

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe("settings API", () => {
  it("lists every reference setting with its default, management access restored at start", async () => {
    const t = await startTestDaemon();
    const body = await t.socket.get<SettingsListBody>("/api/settings");
    const byName = Object.fromEntries(body.settings.map((s) => [s.name, s]));
    expect(byName["log.level"]).toEqual({ name: "log.level", value: "info", default: "info" });
    expect(byName["log.trimming.retention-seconds"]).toEqual({
      name: "log.trimming.retention-seconds",
      value: "7776000",
      default: "7776000",
    });
    expect(byName["api.access-groups"]).toEqual({ name: "api.access-groups", value: "management", default: "" });
    for (const name of [
      "server.name",
      "log.trimming.interval-seconds",
      "log.trimming.max-per-function",
      "log.batching.max-batch-size",
      "log.batching.max-delay-ms",
      "metrics.aggregation-interval-seconds",
      "metrics.retention-days",
      "encryption.key-rotation.interval-days",
      "encryption.key-rotation.batch-size",
      "encryption.key-rotation.batch-sleep-ms",
      "files.max-size-bytes",
      "job.processor.polling-interval-seconds",
    ]) {
      expect(byName[name], name).toBeDefined();
    }
  });

  it("updates several settings at once and keeps them across a restart", async () => {
    const first = await startTestDaemon();
    const result = await first.socket.put("/api/settings", {
      body: { settings: { "metrics.retention-days": "30", "server.name": "Edge box", "log.level": "warn" } },
    });
    expect(result).toEqual({ success: true, updated: 3 });
    await first.daemon.stop();
    const second = await startTestDaemon({ dataDir: first.dataDir });
    expect(await settingsMap(second)).toMatchObject({ "metrics.retention-days": "30", "server.name": "Edge box", "log.level": "warn" });
  });

  it("rejects the whole update when one value is invalid, naming every bad key, and changes nothing", async () => {
    const t = await startTestDaemon();
    const before = await settingsMap(t);
    const error = await refusal(
      t.socket.put("/api/settings", {
        body: {
          settings: {
            "server.name": "changed",
            "no.such.key": "1",
            "metrics.retention-days": 30,
            "log.trimming.max-per-function": "99",
            "log.batching.max-batch-size": "501",
            "log.level": "verbose",
            "api.access-groups": "management, other",
            "files.max-size-bytes": "30abc",
          },
        },
      }),
    );
    expect(error.status).toBe(400);
    expect(error.body).toEqual({
      error: "Validation failed",
      details: [
        { name: "no.such.key", error: "Unknown setting name: no.such.key" },
        { name: "metrics.retention-days", error: "Must be a string (got number)" },
        { name: "log.trimming.max-per-function", error: "Must be at least 100" },
        { name: "log.batching.max-batch-size", error: "Must be at most 500" },
        { name: "log.level", error: "Invalid value. Must be one of: debug, info, warn, error, none" },
        { name: "api.access-groups", error: "Invalid format. Must be comma-separated alphanumeric IDs" },
        { name: "files.max-size-bytes", error: "Must be a valid number" },
      ],
    });
    expect(await settingsMap(t)).toEqual(before);
  });

  it("rejects bodies without a settings object", async () => {
    const t = await startTestDaemon();
    for (const body of [{}, { settings: [] }, { settings: "log.level=debug" }, { settings: null }]) {
      const error = await refusal(t.socket.put("/api/settings", { body }));
      expect(error.status).toBe(400);
      expect(error.body).toEqual({ error: "Missing or invalid 'settings' field (must be object)" });
    }
    const notObject = await refusal(t.socket.put("/api/settings", { body: [1, 2] }));
    expect(notObject.status).toBe(400);
  });

  it("accepts the boundaries of every integer range", async () => {
    const t = await startTestDaemon();
    const result = await t.socket.put("/api/settings", {
      body: {
        settings: { "log.trimming.retention-seconds": "0", "log.trimming.interval-seconds": "86400", "metrics.retention-days": "1" },
      },
    });
    expect(result).toEqual({ success: true, updated: 3 });
  });

  it("omits an emptied api.access-groups from the list, and restores management access at the next start", async () => {
    const first = await startTestDaemon();
    await first.socket.put("/api/settings", { body: { settings: { "api.access-groups": "" } } });
    expect(await settingsMap(first)).not.toHaveProperty("api.access-groups");
    await first.daemon.stop();
    const second = await startTestDaemon({ dataDir: first.dataDir });
    expect(await settingsMap(second)).toHaveProperty("api.access-groups", "management");
  });

  it("returns one setting with what it accepts, and 404 for an unknown name", async () => {
    const t = await startTestDaemon();
    expect(await t.socket.get("/api/settings/log.level")).toEqual({
      setting: {
        name: "log.level",
        value: "info",
        default: "info",
        description: expect.any(String),
        allowed: "one of debug, info, warn, error, none",
      },
    });
    const error = await refusal(t.socket.get("/api/settings/nope"));
    expect(error.status).toBe(404);
    expect(error.body).toEqual({ error: "Unknown setting name: nope" });
  });

  it("logs which settings changed, and applies log.level to the daemon's own log without a restart", async () => {
    const t = await startTestDaemon();
    await t.socket.put("/api/settings", { body: { settings: { "server.name": "secretive", "metrics.retention-days": "90" } } });
    expect(t.log()).toContain("settings changed: server.name\n");
    expect(t.log()).not.toContain("secretive");
    await t.socket.put("/api/settings", { body: { settings: { "log.level": "none" } } });
    const before = t.log();
    await t.daemon.stop();
    expect(t.log()).toBe(before);
  });
});
