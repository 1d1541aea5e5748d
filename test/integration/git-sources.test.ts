import { existsSync, lstatSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FileSearchBody, Source, SourceFilesListBody, SourceUpdatedBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { writeHandler } from "../helpers/functions.js";
import { startGitRemote } from "../helpers/git-remote.js";
import { createGitSource, idle, runAnswers, serve, servesCommit, sourceStatus, textHandler } from "../helpers/git-sources.js";
import { rawRequest } from "../helpers/raw-request.js";
import { daemonPerFile } from "../helpers/run.js";

const daemon = daemonPerFile();

const runText = async (route: string) => (await fetch(`${daemon().functionUrl}/run${route}`)).text();

/** A source's files without git's own, which differ from sync to sync. */
async function trackedFiles(id: string): Promise<string[]> {
  const { files } = await daemon().socket.get<SourceFilesListBody>(`/api/sources/${id}/files`);
  return files.map((file) => file.path).filter((path) => !path.startsWith(".git/"));
}

async function readFile(id: string, path: string): Promise<string> {
  return (await rawRequest(daemon().dataDir, "GET", `/api/sources/${id}/files/${path}`)).body.toString();
}

describe("git sources", () => {
  it("syncs a new source at once, serves its files and handlers, and keeps them read-only", async () => {
    const t = daemon();
    const { code, checkouts } = dataFiles(t.dataDir);
    const remote = await startGitRemote();
    const first = await remote.createRepo("app", {
      "hello.ts": textHandler("v1"),
      "lib/greet.ts": 'export const greet = (name: string) => "hi " + name;\n',
      "greet.ts":
        'import { greet } from "./lib/greet.ts";\nimport { who } from "../common/who.ts";\nexport default (c) => c.text(greet(who));\n',
    });
    // Handlers in a git source import across sources like any other.
    await t.socket.post("/api/sources", { body: { name: "common", type: "manual" } });
    writeHandler(t, "common/who.ts", 'export const who = "common";\n');

    const source = await createGitSource(t, "app", { url: remote.url("app") });
    expect(source).toMatchObject({ type: "git", typeSettings: { url: remote.url("app") }, lastSyncStartedAt: expect.stringMatching(/Z$/) });
    expect(await servesCommit(t, source.id, first.commit)).toEqual({
      isSyncable: true,
      isEditable: false,
      lastSyncAt: expect.stringMatching(/Z$/),
      lastSyncStartedAt: null,
      lastSyncError: null,
      isSyncing: false,
      commit: first.commit,
    });

    // `<code>/app` is a link to the checkout served; a manual source stays a plain directory.
    expect(lstatSync(join(code, "app")).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(code, "app")).startsWith(join(realpathSync(checkouts), source.id))).toBe(true);
    expect(lstatSync(join(code, "common")).isDirectory()).toBe(true);

    expect(await trackedFiles(source.id)).toEqual(["greet.ts", "hello.ts", "lib/greet.ts"]);
    expect(await readFile(source.id, "hello.ts")).toBe(textHandler("v1"));
    const search = await t.socket.get<FileSearchBody>("/api/files/search?q=app/hello");
    expect(search.matches[0]?.path).toBe("app/hello.ts");

    await serve(t, "hello", "app/hello.ts");
    await serve(t, "greet", "app/greet.ts");
    expect(await runText("/hello")).toBe("v1");
    expect(await runText("/greet")).toBe("hi common");

    const readOnly = { error: "Source 'app' (type: git) is not editable" };
    for (const [method, path] of [
      ["PUT", "hello.ts"],
      ["PUT", "new.ts"],
      ["POST", "new.ts"],
      ["DELETE", "hello.ts"],
    ] as const) {
      const body = method === "DELETE" ? undefined : "changed";
      const refused = await rawRequest(t.dataDir, method, `/api/sources/${source.id}/files/${path}`, { body });
      expect([refused.status, refused.json], `${method} ${path}`).toEqual([403, readOnly]);
    }
    expect(await trackedFiles(source.id)).toEqual(["greet.ts", "hello.ts", "lib/greet.ts"]);
    expect(await readFile(source.id, "hello.ts")).toBe(textHandler("v1"));
  });

  it("syncs a push by API, by webhook and by interval, and the next /run answers the new code", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const first = await remote.createRepo("flow", {
      "hello.ts": textHandler("v1"),
      "lib/message.ts": 'export const message = "m1";\n',
      "message.ts": 'import { message } from "./lib/message.ts";\nexport default (c) => c.text(message);\n',
    });
    const source = await createGitSource(t, "flow", { url: remote.url("flow") });
    await servesCommit(t, source.id, first.commit);
    await serve(t, "flow", "flow/hello.ts");
    await serve(t, "flow-message", "flow/message.ts");
    expect(await runText("/flow")).toBe("v1");
    expect(await runText("/flow-message")).toBe("m1");

    // By API: once the sync has ended, the very next request runs the new tree, imported helpers included.
    const second = await remote.push("flow", { "hello.ts": textHandler("v2"), "lib/message.ts": 'export const message = "m2";\n' });
    expect(await t.socket.post(`/api/sources/${source.id}/sync`)).toEqual({
      message: "Sync triggered",
      jobId: expect.stringMatching(/^[a-z0-9]{20}$/),
    });
    await servesCommit(t, source.id, second.commit);
    expect(await runText("/flow")).toBe("v2");
    expect(await runText("/flow-message")).toBe("m2");

    // By webhook: public (no API key over TCP), the body ignored.
    const updated = await t.socket.put<SourceUpdatedBody>(`/api/sources/${source.id}`, {
      body: { syncSettings: { webhookEnabled: true, webhookSecret: "hook-s3cret" } },
    });
    expect(updated).toMatchObject({ syncTriggered: false, syncSettings: { webhookEnabled: true, webhookSecret: "***REDACTED***" } });
    const third = await remote.push("flow", { "hello.ts": textHandler("v3") });
    const hook = await fetch(`${t.managementUrl}/api/sources/${source.id}/webhook`, {
      method: "POST",
      headers: { "x-webhook-secret": "hook-s3cret", "content-type": "application/json" },
      body: JSON.stringify({ ref: "refs/heads/main", after: third.commit }),
    });
    expect([hook.status, await hook.json()]).toEqual([200, { message: "Sync triggered", jobId: expect.stringMatching(/^[a-z0-9]{20}$/) }]);
    await runAnswers(t, "/flow", "v3");
    expect((await sourceStatus(t, source.id)).commit).toBe(third.commit);

    // By interval: nobody asks, the schedule fetches the push.
    await t.socket.put(`/api/sources/${source.id}`, { body: { syncSettings: { intervalSeconds: 1 } } });
    const fourth = await remote.push("flow", { "hello.ts": textHandler("v4") });
    await runAnswers(t, "/flow", "v4");
    expect(await servesCommit(t, source.id, fourth.commit)).toMatchObject({ lastSyncError: null });
    await t.socket.put(`/api/sources/${source.id}`, { body: { syncSettings: { intervalSeconds: 0 } } });
  });

  it("checks out a branch, a tag or a commit (also an abbreviated one), and main without a ref", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const url = remote.url("refs");
    const first = await remote.createRepo("refs", { "which.ts": textHandler("main-1") });
    const tagged = await remote.push("refs", { "which.ts": textHandler("tagged") }, { tag: "v1.0" });
    const dev = await remote.push("refs", { "which.ts": textHandler("dev") }, { branch: "dev" });
    const latest = await remote.push("refs", { "which.ts": textHandler("main-3") });

    const cases: [string, Record<string, unknown>, string, string][] = [
      ["refs-main", {}, latest.commit, "main-3"],
      ["refs-dev", { branch: "dev" }, dev.commit, "dev"],
      ["refs-tag", { tag: "v1.0" }, tagged.commit, "tagged"],
      ["refs-commit", { commit: first.commit }, first.commit, "main-1"],
      ["refs-short", { commit: first.commit.slice(0, 7) }, first.commit, "main-1"],
    ];
    const sources = new Map<string, Source>();
    for (const [name, ref] of cases) sources.set(name, await createGitSource(t, name, { url, ...ref }));
    for (const [name, , commit, text] of cases) {
      const id = sources.get(name)?.id as string;
      expect(await servesCommit(t, id, commit), name).toMatchObject({ lastSyncError: null });
      expect(await readFile(id, "which.ts"), name).toBe(textHandler(text));
    }

    // A tag or a commit stays where it is when the branch moves on.
    await remote.push("refs", { "which.ts": textHandler("main-4") });
    for (const name of ["refs-tag", "refs-commit"]) {
      const id = sources.get(name)?.id as string;
      const before = await sourceStatus(t, id);
      await t.socket.post(`/api/sources/${id}/sync`);
      const after = await idle(t, id);
      expect(after, name).toMatchObject({ commit: before.commit, lastSyncError: null });
      expect(after.lastSyncAt !== null && before.lastSyncAt !== null && after.lastSyncAt > before.lastSyncAt).toBe(true);
    }

    // Refs that do not exist fail with a message naming them, and leave no checkout behind.
    const missing: [string, Record<string, unknown>, string][] = [
      ["refs-nobranch", { branch: "nope" }, `branch 'nope' not found in ${url}`],
      ["refs-notag", { tag: "v9" }, `tag 'v9' not found in ${url}`],
      [
        "refs-nocommit",
        { commit: "0123456789abcdef0123456789abcdef01234567" },
        `commit 0123456789abcdef0123456789abcdef01234567 not found in ${url}`,
      ],
    ];
    for (const [name, ref, error] of missing) {
      const source = await createGitSource(t, name, { url, ...ref });
      expect(await idle(t, source.id), name).toMatchObject({ lastSyncError: error, commit: null, lastSyncAt: null });
      const checkouts = join(dataFiles(t.dataDir).checkouts, source.id);
      expect(existsSync(checkouts) ? readdirSync(checkouts) : [], name).toEqual([]);
    }
  });

  it("reports a refused or missing token as a failed sync, never showing the token", async () => {
    const t = daemon();
    const remote = await startGitRemote({ token: "tok-right-123" });
    const url = remote.url("private");
    const first = await remote.createRepo("private", { "a.ts": textHandler("private") });

    const good = await createGitSource(t, "private-good", { url, authToken: "tok-right-123" });
    expect(good.typeSettings).toEqual({ url, authToken: "***REDACTED***" });
    await servesCommit(t, good.id, first.commit);
    const bad = await createGitSource(t, "private-bad", { url, authToken: "tok-wrong-456" });
    expect(await idle(t, bad.id)).toMatchObject({
      lastSyncError: `authentication failed: ${url} refused typeSettings.authToken`,
      commit: null,
    });
    const none = await createGitSource(t, "private-none", { url });
    expect(await idle(t, none.id)).toMatchObject({
      lastSyncError: `authentication required: ${url} needs a token in typeSettings.authToken`,
    });

    const shown = JSON.stringify([
      await t.socket.get("/api/sources"),
      ...(await Promise.all([good, bad, none].map((source) => sourceStatus(t, source.id)))),
    ]);
    const checkout = realpathSync(join(dataFiles(t.dataDir).code, "private-good"));
    const onDisk = readdirSync(checkout, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => readFileSync(join(entry.parentPath, entry.name), "latin1"))
      .join("\n");
    for (const token of ["tok-right-123", "tok-wrong-456"]) {
      for (const form of [token, Buffer.from(`${token}:x-oauth-basic`).toString("base64"), Buffer.from(token).toString("base64")]) {
        expect(shown).not.toContain(form);
        expect(t.log()).not.toContain(form);
        expect(onDisk).not.toContain(form);
      }
    }
  });

  it("keeps serving the last good tree while the remote is unreachable", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const first = await remote.createRepo("offline", { "hello.ts": textHandler("v1") });
    const source = await createGitSource(t, "offline", { url: remote.url("offline") });
    const synced = await servesCommit(t, source.id, first.commit);
    await serve(t, "offline", "offline/hello.ts");

    await remote.stop();
    const second = await remote.push("offline", { "hello.ts": textHandler("v2") });
    await t.socket.post(`/api/sources/${source.id}/sync`);
    const failed = await idle(t, source.id);
    expect(failed).toMatchObject({ commit: first.commit, lastSyncAt: synced.lastSyncAt });
    expect(failed.lastSyncError).toMatch(/^git ls-remote failed: .*127\.0\.0\.1.*(Failed to connect|Couldn't connect)/);
    expect(await runText("/offline")).toBe("v1");
    expect(await readFile(source.id, "hello.ts")).toBe(textHandler("v1"));
    expect(readdirSync(join(dataFiles(t.dataDir).checkouts, source.id))).toHaveLength(1);

    await remote.start();
    await t.socket.post(`/api/sources/${source.id}/sync`);
    expect(await servesCommit(t, source.id, second.commit)).toMatchObject({ lastSyncError: null });
    expect(await runText("/offline")).toBe("v2");
  });

  it("starts a sync when an update changes the url or ref of an enabled source, and only then", async () => {
    const t = daemon();
    const remote = await startGitRemote();
    const url = remote.url("moves");
    const first = await remote.createRepo("moves", { "which.ts": textHandler("main") });
    const dev = await remote.push("moves", { "which.ts": textHandler("dev") }, { branch: "dev" });
    const source = await createGitSource(t, "moves", { url, authToken: "t1" });
    await servesCommit(t, source.id, first.commit);

    const put = (body: Record<string, unknown>) => t.socket.put<SourceUpdatedBody>(`/api/sources/${source.id}`, { body });
    expect(await put({ typeSettings: { url, authToken: "t2" } })).toMatchObject({ syncTriggered: false, lastSyncStartedAt: null });
    expect(await put({ enabled: false, typeSettings: { url, branch: "dev" } })).toMatchObject({ syncTriggered: false });
    expect(await sourceStatus(t, source.id)).toMatchObject({ commit: first.commit, isSyncing: false });
    expect(await put({ enabled: true, typeSettings: { url, branch: "dev" } })).toMatchObject({ syncTriggered: false });
    expect(await put({ typeSettings: { url } })).toMatchObject({ syncTriggered: true });
    await idle(t, source.id);
    expect(await put({ typeSettings: { url, branch: "dev" } })).toMatchObject({
      syncTriggered: true,
      lastSyncStartedAt: expect.stringMatching(/Z$/),
    });
    expect(await servesCommit(t, source.id, dev.commit)).toMatchObject({ lastSyncError: null });
    expect(existsSync(join(dataFiles(t.dataDir).code, "moves", "which.ts"))).toBe(true);
  });
});
