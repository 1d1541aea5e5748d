import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Source, SourcesListBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { startGitRemote } from "../helpers/git-remote.js";
import { createGitSource, idle, servesCommit, textHandler } from "../helpers/git-sources.js";
import { refusal } from "../helpers/refusal.js";
import { daemonPerFile, updateSettings } from "../helpers/run.js";

const daemon = daemonPerFile();

const SSH = "SSH URLs are not supported. Use the https:// URL of the repository, with typeSettings.authToken for a private one";
const PLAIN_HTTP =
  "Git source: plain http:// is allowed only for loopback hosts (127.0.0.0/8, ::1, localhost); use https://, or set sources.allow-insecure-http to true";
const TWO_REFS = "Git source: only one of branch, tag, or commit can be specified";

/** The records and both directories a refused request must leave as they were. */
async function snapshot(t: TestDaemon) {
  const { code, checkouts } = dataFiles(t.dataDir);
  const list = (dir: string) => (existsSync(dir) ? readdirSync(dir, { recursive: true }).sort() : []);
  return { sources: await t.socket.get<SourcesListBody>("/api/sources"), code: list(code), checkouts: list(checkouts) };
}

async function hook(t: TestDaemon, id: string, options: { header?: string; query?: string; body?: string } = {}) {
  const query = options.query === undefined ? "" : `?secret=${encodeURIComponent(options.query)}`;
  const response = await fetch(`${t.managementUrl}/api/sources/${id}/webhook${query}`, {
    method: "POST",
    headers: options.header === undefined ? {} : { "x-webhook-secret": options.header },
    body: options.body,
  });
  return [response.status, await response.json()];
}

describe("git sources: refused input", () => {
  it("refuses bad settings on create with the spec's status and message, creating nothing", async () => {
    const t = daemon();
    const before = await snapshot(t);
    const git = (typeSettings: unknown, more: Record<string, unknown> = {}) => ({ name: "x", type: "git", typeSettings, ...more });
    const url = "https://example.com/r.git";
    const cases: [Record<string, unknown>, string][] = [
      [{ name: "x", type: "git" }, "Git source: url is required"],
      [git({ branch: "main" }), "Git source: url is required"],
      [git([url]), "typeSettings must be an object"],
      [git({ url: "git@github.com:org/repo.git" }), SSH],
      [git({ url: "ssh://git@github.com/org/repo.git" }), SSH],
      [git({ url: "git://github.com/org/repo.git" }), "git:// URLs are not supported. Use the https:// URL of the repository"],
      [git({ url: "ftp://example.com/repo.git" }), "Git source: url must start with https://"],
      [git({ url: "/srv/git/repo.git" }), "Git source: url must start with https://"],
      [git({ url: "http://example.com/repo.git" }), PLAIN_HTTP],
      [
        git({ url: "https://me:tok@example.com/r.git" }),
        "Git source: url must not contain credentials; give the token as typeSettings.authToken",
      ],
      [git({ url, branch: "main", tag: "v1" }), TWO_REFS],
      [git({ url, branch: "main", tag: "v1", commit: "abcdef1" }), TWO_REFS],
      [git({ url, commit: "HEAD~1" }), "Git source: commit must be a commit ID (4 to 64 hexadecimal digits)"],
      [git({ url, branch: "-b" }), "Git source: invalid branch name '-b'"],
      [git({ url, authToken: 42 }), "Git source: authToken must be a string"],
      [git({ url }, { syncSettings: { intervalSeconds: -1 } }), "syncSettings.intervalSeconds must be a non-negative number"],
      [git({ url }, { syncSettings: { intervalSeconds: "60" } }), "syncSettings.intervalSeconds must be a non-negative number"],
      [git({ url }, { syncSettings: { webhookEnabled: "yes" } }), "syncSettings.webhookEnabled must be a boolean"],
      [git({ url }, { syncSettings: { webhookSecret: 1 } }), "syncSettings.webhookSecret must be a string"],
    ];
    for (const [body, error] of cases) {
      expect(await refusal(t.socket.post("/api/sources", { body })), JSON.stringify(body)).toEqual({ status: 400, body: { error } });
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it("takes plain http from any host once sources.allow-insecure-http allows it, and checks again at every sync", async () => {
    const t = daemon();
    await updateSettings(t, { "sources.allow-insecure-http": "true" });
    // Disabled: no initial sync, and nothing on this machine answers for example.com anyway.
    const source = await createGitSource(t, "insecure", { url: "http://example.com/r.git" }, { enabled: false });
    expect(source).toMatchObject({ typeSettings: { url: "http://example.com/r.git" }, lastSyncStartedAt: null });
    await updateSettings(t, { "sources.allow-insecure-http": "false" });
    // A disabled source still syncs by hand (spec); the stored URL is refused now.
    await t.socket.post(`/api/sources/${source.id}/sync`);
    expect(await idle(t, source.id)).toMatchObject({ lastSyncError: PLAIN_HTTP, commit: null });
    await t.socket.delete(`/api/sources/${source.id}`);
  });

  it("refuses bad updates of a git source, changing nothing", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const first = await remote.createRepo("kept", { "a.ts": textHandler("a") });
    const source = await createGitSource(t, "kept", { url: remote.url("kept") }, { syncSettings: { intervalSeconds: 0 } });
    await servesCommit(t, source.id, first.commit);
    const before = await snapshot(t);
    const cases: [Record<string, unknown>, string][] = [
      [{ typeSettings: { url: "git@github.com:org/repo.git" } }, SSH],
      [{ typeSettings: { url: "http://10.1.2.3/r.git" } }, PLAIN_HTTP],
      [{ typeSettings: { url: remote.url("kept"), branch: "a", commit: "abcd" } }, TWO_REFS],
      [{ typeSettings: {} }, "Git source: url is required"],
      [{ enabled: false, syncSettings: { intervalSeconds: -5 } }, "syncSettings.intervalSeconds must be a non-negative number"],
      [{ syncSettings: { webhookEnabled: 1 } }, "syncSettings.webhookEnabled must be a boolean"],
    ];
    for (const [body, error] of cases) {
      expect(await refusal(t.socket.put(`/api/sources/${source.id}`, { body })), JSON.stringify(body)).toEqual({
        status: 400,
        body: { error },
      });
    }
    expect(await snapshot(t)).toEqual(before);
  });

  it("checks a webhook's source, switch and secret in the spec's order, without management credentials", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const first = await remote.createRepo("hooked", { "a.ts": textHandler("a") });
    const off = await createGitSource(t, "hook-off", { url: remote.url("hooked") });
    const on = await createGitSource(
      t,
      "hook-on",
      { url: remote.url("hooked") },
      { syncSettings: { webhookEnabled: true, webhookSecret: "s3cret" } },
    );
    const open = await createGitSource(t, "hook-open", { url: remote.url("hooked") }, { syncSettings: { webhookEnabled: true } });
    const manual = await t.socket.post<Source>("/api/sources", {
      body: { name: "hook-manual", type: "manual", syncSettings: { webhookEnabled: true } },
    });
    for (const source of [off, on, open]) await servesCommit(t, source.id, first.commit);
    const before = await snapshot(t);

    const invalidSecret = [401, { error: "Invalid webhook secret" }];
    expect(await hook(t, "no-such-source")).toEqual([404, { error: "Code source 'no-such-source' not found" }]);
    expect(await hook(t, off.id, { header: "s3cret" })).toEqual([403, { error: "Webhooks disabled for this source" }]);
    expect(await hook(t, on.id)).toEqual(invalidSecret);
    expect(await hook(t, on.id, { header: "S3CRET" })).toEqual(invalidSecret);
    expect(await hook(t, on.id, { query: "s3cre" })).toEqual(invalidSecret);
    // The header is taken when both are given.
    expect(await hook(t, on.id, { header: "wrong", query: "s3cret" })).toEqual(invalidSecret);
    expect(await hook(t, manual.id)).toEqual([400, { error: "Source 'hook-manual' is a manual source and cannot be synced" }]);
    expect(await snapshot(t)).toEqual(before);

    const triggered = [200, { message: "Sync triggered", jobId: expect.stringMatching(/^[a-z0-9]{20}$/) }];
    expect(await hook(t, on.id, { header: "s3cret" })).toEqual(triggered);
    await idle(t, on.id);
    expect(await hook(t, on.id, { query: "s3cret", body: "x".repeat(2 * 1024 * 1024) })).toEqual(triggered);
    await idle(t, on.id);
    expect(await hook(t, open.id, { header: "anything" })).toEqual(triggered);
    await idle(t, open.id);
    await t.socket.put(`/api/sources/${on.id}`, { body: { enabled: false } });
    expect(await hook(t, on.id, { header: "s3cret" })).toEqual([200, { message: "Sync skipped (source disabled or already in progress)" }]);

    // Only the webhook is public: the management routes next to it are not.
    const sync = await fetch(`${t.managementUrl}/api/sources/${on.id}/sync`, { method: "POST" });
    expect([sync.status, await sync.json()]).toEqual([401, { error: "Unauthorized" }]);
  });
});
