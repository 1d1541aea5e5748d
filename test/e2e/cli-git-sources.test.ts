import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cleanup.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";
import { startGitRemote } from "../helpers/git-remote.js";

const handler = (text: string) => `export default (c) => c.text(${JSON.stringify(text)});\n`;

describe("crude sources with git", () => {
  it("creates a git source, waits for its first sync, serves it, and syncs a push with --wait", async () => {
    const { crude } = await daemonWithCli();
    const remote = await startGitRemote();
    const first = await remote.createRepo("app", { "hello.ts": handler("v1") });

    const created = await crude(["sources", "create", "app", "--git", remote.url("app"), "--wait"]);
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(
      new RegExp(`^Created git source 'app' \\(id \\w+\\)\\.\\nSynced 'app' to ${first.commit.slice(0, 7)} in \\d+\\.\\ds\\.\\n$`),
    );
    expect((await crude(["functions", "create", "--name", "hello", "--handler", "app/hello.ts", "--route", "/hello"])).code).toBe(0);
    expect((await crude(["functions", "invoke", "hello"])).stdout).toBe("v1");

    const second = await remote.push("app", { "hello.ts": handler("v2") });
    const synced = await crude(["sources", "sync", "app", "--wait"]);
    expect(synced).toMatchObject({ code: 0, stdout: expect.stringMatching(`^Synced 'app' to ${second.commit.slice(0, 7)} in`) });
    expect((await crude(["functions", "invoke", "hello"])).stdout).toBe("v2");
    const status = await crude(["sources", "status", "app"]);
    expect(status.stdout).toMatch(new RegExp(`commit\\s+${second.commit}`));
    expect(JSON.parse((await crude(["sources", "status", "app", "--json"])).stdout)).toMatchObject({
      commit: second.commit,
      isEditable: false,
    });

    const put = await crude(["files", "put", "app", "x.ts"], "x");
    expect(put).toMatchObject({ code: 1, stderr: "crude: Source 'app' (type: git) is not editable\n" });
  });

  it("reads the token from a file, and reports a failed sync without showing the token", async () => {
    const { crude } = await daemonWithCli();
    const remote = await startGitRemote({ token: "tok-right-123" });
    await remote.createRepo("private", { "a.ts": handler("private") });
    const dir = tempDir();
    writeFileSync(join(dir, "right"), "tok-right-123\n");
    writeFileSync(join(dir, "wrong"), "tok-wrong-456\n");

    expect(
      (await crude(["sources", "create", "good", "--git", remote.url("private"), "--token-from-file", join(dir, "right"), "--wait"])).code,
    ).toBe(0);
    const bad = await crude([
      "sources",
      "create",
      "bad",
      "--git",
      remote.url("private"),
      "--token-from-file",
      join(dir, "wrong"),
      "--wait",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^crude: sync of 'bad' failed: .+/);
    expect(bad.stderr + bad.stdout).not.toContain("tok-wrong-456");
    expect(bad.stderr).not.toContain(Buffer.from("tok-wrong-456:x-oauth-basic").toString("base64"));
    const again = await crude(["sources", "sync", "bad", "--wait"]);
    expect(again.code).toBe(1);
  });

  it("updates what a git source checks out and when, keeping its token", async () => {
    const { crude } = await daemonWithCli();
    const remote = await startGitRemote({ token: "tok-kept-789" });
    await remote.createRepo("app", { "hello.ts": handler("main") });
    const release = await remote.push("app", { "hello.ts": handler("release") }, { branch: "release" });
    const tokenFile = join(tempDir(), "token");
    writeFileSync(tokenFile, "tok-kept-789");
    expect((await crude(["sources", "create", "app", "--git", remote.url("app"), "--token-from-file", tokenFile, "--wait"])).code).toBe(0);
    expect((await crude(["functions", "create", "--name", "hello", "--handler", "app/hello.ts", "--route", "/hello"])).code).toBe(0);
    expect((await crude(["functions", "invoke", "hello"])).stdout).toBe("main");

    // The PUT carries the stored token as the placeholder a read shows: it is kept.
    expect(await crude(["sources", "update", "app", "--branch", "release", "--interval", "1h", "--webhook-secret", "hook"])).toMatchObject({
      code: 0,
      stdout: "Updated source 'app'. A sync started.\n",
    });
    expect((await crude(["sources", "sync", "app", "--wait"])).stdout).toMatch(`Synced 'app' to ${release.commit.slice(0, 7)}`);
    expect((await crude(["functions", "invoke", "hello"])).stdout).toBe("release");
    const source = JSON.parse((await crude(["sources", "get", "app", "--json"])).stdout);
    expect(source.typeSettings).toEqual({ url: remote.url("app"), branch: "release", authToken: "***REDACTED***" });
    expect(source.syncSettings).toEqual({ intervalSeconds: 3600, webhookEnabled: true, webhookSecret: "***REDACTED***" });

    const moved = await crude(["sources", "update", "app", "--git", "https://elsewhere.example/app.git"]);
    expect(moved).toMatchObject({
      code: 1,
      stderr: "crude: typeSettings.authToken: give the token again (not ***REDACTED***) when the repository moves to another host\n",
    });
    expect((await crude(["sources", "update", "app", "--no-webhook", "--interval", "0"])).code).toBe(0);
    expect(JSON.parse((await crude(["sources", "get", "app", "--json"])).stdout).syncSettings).toEqual({
      intervalSeconds: 0,
      webhookEnabled: false,
      webhookSecret: "***REDACTED***",
    });
  });

  it("refuses contradictory or incomplete flags before asking the daemon", async () => {
    const { crude } = await daemonWithCli();
    expect((await crude(["sources", "create", "m"])).code).toBe(0);
    const cases: [string[], number, string][] = [
      [["sources", "create", "x", "--branch", "dev"], 2, "crude: --branch is for git sources: give the repository with --git URL\n"],
      [["sources", "create", "x", "--type", "git"], 2, "crude: a git source needs its repository: --git URL\n"],
      [
        ["sources", "create", "x", "--git", "https://h/r.git", "--branch", "a", "--tag", "b"],
        2,
        "crude: give one of --branch, --tag and --commit, not --branch and --tag\n",
      ],
      [
        ["sources", "create", "x", "--git", "https://h/r.git", "--interval", "1.5s"],
        2,
        "crude: invalid --interval '1.5s' (whole seconds, e.g. 30s, 5m, 1h; 0 = off)\n",
      ],
      [
        ["sources", "create", "x", "--git", "https://h/r.git", "--token-from-file", "/nonexistent/token"],
        2,
        "crude: cannot read /nonexistent/token: ENOENT\n",
      ],
      [["sources", "create", "x", "--wait"], 2, "crude: --wait is for git sources: a manual source has nothing to sync\n"],
      [["sources", "sync", "m", "--wait"], 1, "crude: Source 'm' is a manual source and cannot be synced\n"],
    ];
    for (const [args, code, stderr] of cases) expect(await crude(args), args.join(" ")).toMatchObject({ code, stderr });
    expect(JSON.parse((await crude(["sources", "list", "--json"])).stdout).sources.map((s: { name: string }) => s.name)).toEqual(["m"]);
  });
});
