import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { Source, SourceFilesListBody } from "../../src/api-types.js";
import { deferCleanup, tempDir } from "../helpers/cleanup.js";
import { CRUDE_BIN } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { waitFor } from "../helpers/process-daemon.js";

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

/** The source's files as path → content, read through the API. */
async function remoteTree(t: TestDaemon, source: Source): Promise<Record<string, string>> {
  const { files } = await t.socket.get<SourceFilesListBody>(`/api/sources/${source.id}/files`);
  const tree: Record<string, string> = {};
  for (const file of files) {
    tree[file.path] = (await t.socket.get<{ content: string }>(`/api/sources/${source.id}/files/${encodeURIComponent(file.path)}`)).content;
  }
  return tree;
}

/** A source `app` whose files differ from a local directory in every way a push handles. */
async function divergent() {
  const setup = await daemonWithCli();
  const { t } = setup;
  const source = await t.socket.post<Source>("/api/sources", { body: { name: "app", type: "manual" } });
  const put = (path: string, content: string) =>
    t.socket.put(`/api/sources/${source.id}/files/${encodeURIComponent(path)}`, { body: { content } });
  await put("same.ts", "unchanged");
  await put("lib/b.ts", "old-b"); // same size as the local "new-b": only the content differs
  await put("stale.ts", "gone soon");
  await put("node_modules/pkg/index.js", "installed on the server");
  const dir = tempDir();
  writeTree(dir, {
    "same.ts": "unchanged",
    "lib/b.ts": "new-b",
    "added.ts": "brand new",
    "node_modules/local/index.js": "never pushed",
    ".git/HEAD": "ref: refs/heads/main",
    ".env": "K=V",
  });
  return { ...setup, source, dir };
}

describe("crude sources push", () => {
  it("shows the plan with --dry-run and changes nothing", async () => {
    const { t, crude, source, dir } = await divergent();
    const before = await remoteTree(t, source);
    const dry = await crude(["sources", "push", "app", dir, "--dry-run"]);
    expect(dry).toMatchObject({ code: 0, stderr: "" });
    expect(dry.stdout).toBe(
      "+ .env\n+ added.ts\n~ lib/b.ts\n- stale.ts\nWould push to 'app': 2 added, 1 changed, 1 removed (dry run, nothing changed).\n",
    );
    expect(await remoteTree(t, source)).toEqual(before);
  });

  it("adds, changes and removes files to match the directory, skipping node_modules and .git on both sides", async () => {
    const { t, crude, source, dir } = await divergent();
    const pushed = await crude(["sources", "push", "app", dir]);
    expect(pushed).toMatchObject({ code: 0, stderr: "" });
    expect(pushed.stdout).toBe("+ .env\n+ added.ts\n~ lib/b.ts\n- stale.ts\nPushed to 'app': 2 added, 1 changed, 1 removed.\n");
    expect(await remoteTree(t, source)).toEqual({
      ".env": "K=V",
      "added.ts": "brand new",
      "lib/b.ts": "new-b",
      "node_modules/pkg/index.js": "installed on the server",
      "same.ts": "unchanged",
    });
    expect((await crude(["sources", "push", source.id, dir])).stdout).toBe("'app' is up to date.\n");
  });

  it("prints the plan as JSON with --json and nothing with --quiet", async () => {
    const { crude, dir } = await divergent();
    const json = JSON.parse((await crude(["sources", "push", "app", dir, "--dry-run", "--json"])).stdout);
    expect(json).toEqual({ source: "app", added: [".env", "added.ts"], changed: ["lib/b.ts"], removed: ["stale.ts"], dryRun: true });
    expect(await crude(["sources", "push", "app", dir, "-q"])).toMatchObject({ code: 0, stdout: "", stderr: "" });
  });

  it("refuses a missing directory, an unknown source and --dry-run with --watch", async () => {
    const { crude, dir } = await divergent();
    const cases: [string[], number, string][] = [
      [["sources", "push", "app", join(dir, "nope")], 2, `crude: not a directory: ${join(dir, "nope")}\n`],
      [["sources", "push", "app", join(dir, "same.ts")], 2, `crude: not a directory: ${join(dir, "same.ts")}\n`],
      [["sources", "push", "ghost", dir], 1, "crude: no source 'ghost'\n  list them with: crude sources list\n"],
      [["sources", "push", "app", dir, "--dry-run", "--watch"], 2, "crude: --dry-run and --watch cannot be used together\n"],
    ];
    for (const [args, code, stderr] of cases) expect(await crude(args), args.join(" ")).toMatchObject({ code, stderr });
  });

  it("keeps pushing with --watch until interrupted, then exits 0", async () => {
    const { t, env, source, dir } = await divergent();
    const child = execa(process.execPath, [CRUDE_BIN, "sources", "push", "app", dir, "--watch"], { env, extendEnv: false, reject: false });
    deferCleanup(async () => {
      child.kill("SIGKILL");
      await child;
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    await waitFor("the first push and the watch to start", async () => (output.includes("(Ctrl-C to stop)") ? true : undefined));
    expect(output).toContain("Pushed to 'app': 2 added, 1 changed, 1 removed.\n");

    writeTree(dir, { "added.ts": "edited", "lib/new/deep.ts": "created later" });
    rmSync(join(dir, "same.ts"));
    writeTree(dir, { "node_modules/local/other.js": "still never pushed" });
    const expected = {
      ".env": "K=V",
      "added.ts": "edited",
      "lib/b.ts": "new-b",
      "lib/new/deep.ts": "created later",
      "node_modules/pkg/index.js": "installed on the server",
    };
    await waitFor("the changes to reach the source", async () => {
      const tree = await remoteTree(t, source);
      return isDeepStrictEqual(tree, expected) ? tree : undefined;
    });

    child.kill("SIGINT");
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe("");
    expect(output).toMatch(/~ added\.ts\n/);
    expect(output).toMatch(/- same\.ts\n/);
  });
});
