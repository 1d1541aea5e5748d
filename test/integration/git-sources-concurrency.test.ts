import { existsSync, lstatSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { eventually } from "../helpers/functions.js";
import { startGitGate } from "../helpers/git-gate.js";
import { startGitRemote } from "../helpers/git-remote.js";
import { createGitSource, idle, runAnswers, serve, servesCommit, sourceStatus, textHandler } from "../helpers/git-sources.js";
import { refusal } from "../helpers/refusal.js";

const INTERRUPTED = "Sync interrupted: the daemon stopped before it finished";

/** A git source behind a gate that can hold its fetches, synced once. */
async function gatedSource(t: TestDaemon, name: string, syncSettings: Record<string, unknown> = {}) {
  const remote = await startGitRemote();
  const first = await remote.createRepo(name, { "hello.ts": textHandler("v1") });
  const gate = await startGitGate(remote.url(name));
  const source = await createGitSource(t, name, { url: gate.url }, { syncSettings });
  await servesCommit(t, source.id, first.commit);
  return { remote, gate, source, first };
}

/** Pushes a change and starts a sync whose fetch the gate holds: it runs until the gate is released. */
async function heldSync(t: TestDaemon, setup: Awaited<ReturnType<typeof gatedSource>>, text: string) {
  setup.gate.hold();
  const pushed = await setup.remote.push(setup.source.name, { "hello.ts": textHandler(text) });
  await t.socket.post(`/api/sources/${setup.source.id}/sync`);
  await eventually("the sync's fetch to be held", () => (setup.gate.held === 1 ? true : undefined));
  return pushed;
}

const webhook = (t: TestDaemon, id: string) => fetch(`${t.managementUrl}/api/sources/${id}/webhook`, { method: "POST" });

describe("git syncs, one at a time", () => {
  it("refuses a second manual sync with 409 and folds webhooks during a sync into exactly one follow-up", async () => {
    const t = await startTestDaemon();
    const setup = await gatedSource(t, "busy", { webhookEnabled: true });
    await serve(t, "busy", "busy/hello.ts");
    const second = await heldSync(t, setup, "v2");

    expect(await refusal(t.socket.post(`/api/sources/${setup.source.id}/sync`))).toEqual({
      status: 409,
      body: { message: "Sync already in progress" },
    });
    // Pushed while the sync runs: its fetch has already asked for the older commit.
    const third = await setup.remote.push("busy", { "hello.ts": textHandler("v3") });
    for (let i = 0; i < 3; i++) {
      const hook = await webhook(t, setup.source.id);
      expect([hook.status, await hook.json()]).toEqual([200, { message: "Sync skipped (source disabled or already in progress)" }]);
    }
    expect(await sourceStatus(t, setup.source.id)).toMatchObject({ isSyncing: true, commit: setup.first.commit });

    setup.gate.release();
    expect(await servesCommit(t, setup.source.id, third.commit)).toMatchObject({ lastSyncError: null });
    expect(await runAnswers(t, "/busy", "v3")).toBeGreaterThanOrEqual(0);
    // Two git commands (ls-remote, fetch) for each of: the first sync, the held one (which got
    // `second`) and its single follow-up. A second follow-up would have listed the refs again.
    expect(setup.gate.commands).toBe(6);
    expect(second.commit).not.toBe(third.commit);
  });

  it("cancels a running sync when its source is deleted, removes its checkouts and stops its interval", async () => {
    const t = await startTestDaemon();
    const setup = await gatedSource(t, "gone", { intervalSeconds: 1 });
    // The interval lists the remote's refs once a second.
    await eventually("two interval syncs", () => (setup.gate.commands >= 4 ? true : undefined));
    setup.gate.hold();
    await setup.remote.push("gone", { "hello.ts": textHandler("v2") });
    await eventually("an interval sync's fetch to be held", () => (setup.gate.held === 1 ? true : undefined));

    expect(await t.socket.delete(`/api/sources/${setup.source.id}`)).toEqual({ success: true });
    const { code, checkouts } = dataFiles(t.dataDir);
    expect(() => lstatSync(join(code, "gone"))).toThrow(/ENOENT/);
    expect(existsSync(join(checkouts, setup.source.id))).toBe(false);
    expect(await refusal(t.socket.get(`/api/sources/${setup.source.id}/status`))).toEqual({
      status: 404,
      body: { error: "Source not found" },
    });

    setup.gate.release();
    const commands = setup.gate.commands;
    // Three intervals' worth of quiet: the schedule is gone, not late.
    await sleep(3_000);
    expect(setup.gate.commands).toBe(commands);
    // The name is free for a new source, with a plain directory.
    await t.socket.post("/api/sources", { body: { name: "gone", type: "manual" } });
    expect(lstatSync(join(code, "gone")).isDirectory()).toBe(true);
  });
});

describe("git syncs across daemon restarts", () => {
  it("reports a sync cut short by a stop, or left running by a crash, as interrupted, keeping the tree", async () => {
    const t = await startTestDaemon();
    const setup = await gatedSource(t, "cut");
    await heldSync(t, setup, "v2");
    await t.daemon.stop();
    setup.gate.release();

    const again = await startTestDaemon({ dataDir: t.dataDir });
    expect(await sourceStatus(again, setup.source.id)).toMatchObject({
      isSyncing: false,
      lastSyncError: INTERRUPTED,
      commit: setup.first.commit,
    });
    await serve(again, "cut", "cut/hello.ts");
    expect(await (await fetch(`${again.functionUrl}/run/cut`)).text()).toBe("v1");
    await again.daemon.stop();

    // A crash leaves the start mark behind: the next daemon resets it.
    const db = new Database(dataFiles(t.dataDir).database);
    db.prepare("UPDATE sources SET last_sync_started_at = ?, last_sync_error = NULL").run(new Date().toISOString());
    db.close();
    const third = await startTestDaemon({ dataDir: t.dataDir });
    expect(await sourceStatus(third, setup.source.id)).toMatchObject({ isSyncing: false, lastSyncError: INTERRUPTED });
    expect(third.log()).toContain("1 source sync(s) were cut short when the daemon last stopped; marked as failed");
  });

  it("resumes interval syncs after a restart", async () => {
    const t = await startTestDaemon();
    const remote = await startGitRemote();
    const first = await remote.createRepo("ticks", { "hello.ts": textHandler("v1") });
    const source = await createGitSource(t, "ticks", { url: remote.url("ticks") }, { syncSettings: { intervalSeconds: 1 } });
    await servesCommit(t, source.id, first.commit);
    await t.daemon.stop();

    const second = await remote.push("ticks", { "hello.ts": textHandler("v2") });
    const again = await startTestDaemon({ dataDir: t.dataDir });
    expect(await servesCommit(again, source.id, second.commit)).toMatchObject({ lastSyncError: null });
    await idle(again, source.id);
  });
});
