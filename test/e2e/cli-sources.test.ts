import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import type { Source, SourcesListBody } from "../../src/api-types.js";
import { dataFiles } from "../../src/paths.js";
import { tempDir } from "../helpers/cleanup.js";
import { CRUDE_BIN } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";

const EVERY_BYTE = Buffer.from(Array.from({ length: 256 }, (_, i) => i));

describe("crude sources", () => {
  it("creates, shows, disables and deletes sources by name or ID", async () => {
    const { t, crude } = await daemonWithCli();
    const created = await crude(["sources", "create", "my-api"]);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    const [, id] = /^Created manual source 'my-api' \(id ([a-z0-9]{20})\)\.\n$/.exec(created.stdout) ?? [];
    expect(id).toBeDefined();

    const list = await crude(["sources", "list"]);
    expect(list.stdout).toMatch(/^NAME\s+TYPE\s+ENABLED\s+ID\s+CREATED\nmy-api\s+manual\s+yes\s+[a-z0-9]{20}\s+\S+Z\n$/);
    const byName = await crude(["sources", "get", "my-api"]);
    expect(byName.stdout).toMatch(/^type\s+manual$/m);
    expect(byName.stdout).toMatch(/^enabled\s+yes$/m);
    expect((await crude(["sources", "get", id as string, "-q"])).stdout).toBe(`${id}\n`);

    expect((await crude(["sources", "update", "my-api", "--disable"])).stdout).toBe("Disabled source 'my-api'.\n");
    expect((await t.socket.get<Source>(`/api/sources/${id}`)).enabled).toBe(false);
    expect((await crude(["sources", "update", id as string, "--enable", "-q"])).stdout).toBe(`${id}\n`);

    expect((await crude(["sources", "delete", "my-api", "--yes"])).stdout).toBe("Deleted source 'my-api' and its files.\n");
    expect((await crude(["sources", "list", "-q"])).stdout).toBe("");
  });

  it("prints the API's body with --json and only IDs with --quiet", async () => {
    const { t, crude } = await daemonWithCli();
    const id = (await crude(["sources", "create", "app", "-q"])).stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{20}$/);
    expect(JSON.parse((await crude(["sources", "list", "--json"])).stdout)).toEqual(await t.socket.get<SourcesListBody>("/api/sources"));
    expect(JSON.parse((await crude(["sources", "get", "app", "--json"])).stdout)).toEqual(await t.socket.get(`/api/sources/${id}`));
    expect(JSON.parse((await crude(["sources", "status", "app", "--json"])).stdout)).toEqual({
      isSyncable: false,
      isEditable: true,
      lastSyncAt: null,
      lastSyncStartedAt: null,
      lastSyncError: null,
      isSyncing: false,
      commit: null,
    });
    const disabled = JSON.parse((await crude(["sources", "update", "app", "--disable", "--json"])).stdout);
    expect(disabled).toMatchObject({ id, enabled: false, syncTriggered: false });
    expect(JSON.parse((await crude(["sources", "delete", "app", "--yes", "--json"])).stdout)).toEqual({ success: true });
  });

  it("shows status, and passes on the daemon's refusal to sync a manual source", async () => {
    const { crude } = await daemonWithCli();
    await crude(["sources", "create", "app"]);
    const status = await crude(["sources", "status", "app"]);
    expect(status.stdout).toMatch(/^editable\s+yes$/m);
    expect(status.stdout).toMatch(/^syncable\s+no$/m);
    expect(await crude(["sources", "sync", "app"])).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "crude: Source 'app' is a manual source and cannot be synced\n",
    });
  });

  it("refuses bad input with clear messages and exit codes, changing nothing", async () => {
    const { crude } = await daemonWithCli();
    await crude(["sources", "create", "app"]);
    const cases: [string[], number, string][] = [
      [
        ["sources", "create", "bad name"],
        1,
        "crude: Source name must be 1-64 chars, alphanumeric with hyphens/underscores, starting with alphanumeric\n",
      ],
      [["sources", "create", "app"], 1, "crude: Code source 'app' already exists\n"],
      [
        ["sources", "create", "repo", "--git", "git@github.com:acme/functions.git"],
        1,
        "crude: SSH URLs are not supported. Use the https:// URL of the repository, with typeSettings.authToken for a private one\n",
      ],
      [["sources", "create", "x", "--type", "svn"], 1, "crude: Invalid source type: svn. Must be 'manual' or 'git'\n"],
      [["sources", "get", "ghost"], 1, "crude: no source 'ghost'\n  list them with: crude sources list\n"],
      [["sources", "update", "app"], 2, "crude: nothing to change: give --enable, --disable or a git source's settings (see --help)\n"],
      [["sources", "update", "app", "--branch", "dev"], 2, "crude: --branch is for git sources; 'app' is a manual source\n"],
      [["sources", "update", "app", "--enable", "--disable"], 2, "crude: give --enable or --disable, not both\n"],
      [["sources", "delete"], 2, "crude: missing required argument 'source'\n"],
    ];
    for (const [args, code, stderr] of cases) expect(await crude(args), args.join(" ")).toMatchObject({ code, stderr });
    expect((await crude(["sources", "list", "-q"])).stdout.trim().split("\n")).toHaveLength(1);
  });
});

describe("crude files", () => {
  it("puts from a file or standard input, lists, gets byte for byte and deletes", async () => {
    const { t, env, crude } = await daemonWithCli();
    await crude(["sources", "create", "app"]);
    const local = join(tempDir(), "hello.ts");
    writeFileSync(local, 'export default () => new Response("hi");\n');
    expect(await crude(["files", "put", "app", "hello.ts", local])).toMatchObject({ code: 0, stdout: "Created app/hello.ts (41 B).\n" });
    expect(await crude(["files", "put", "app", "hello.ts", local])).toMatchObject({ code: 0, stdout: "Replaced app/hello.ts (41 B).\n" });
    expect(await crude(["files", "put", "app", "lib/util.ts"], "export const x = 1;\n")).toMatchObject({ code: 0 });
    expect(readFileSync(join(dataFiles(t.dataDir).code, "app", "lib", "util.ts"), "utf8")).toBe("export const x = 1;\n");

    const list = await crude(["files", "list", "app"]);
    expect(list.stdout).toMatch(/^PATH\s+SIZE\s+MODIFIED\nhello\.ts\s+41 B\s+\S+Z\nlib\/util\.ts\s+20 B\s+\S+Z\n$/);
    expect((await crude(["files", "list", "app", "-q"])).stdout).toBe("hello.ts\nlib/util.ts\n");
    expect((await crude(["files", "list", "app", "lib/", "-q"])).stdout).toBe("lib/util.ts\n");
    expect(JSON.parse((await crude(["files", "list", "app", "--json"])).stdout).files).toHaveLength(2);
    expect((await crude(["files", "get", "app", "lib/util.ts"])).stdout).toBe("export const x = 1;\n");
    expect(JSON.parse((await crude(["files", "get", "app", "hello.ts", "--json"])).stdout)).toMatchObject({
      path: "hello.ts",
      contentType: "text/typescript",
      encoding: "utf-8",
    });

    // Binary content survives both ways through pipes.
    const put = await execa(process.execPath, [CRUDE_BIN, "files", "put", "app", "blob.bin", "-"], {
      env,
      extendEnv: false,
      input: EVERY_BYTE,
    });
    expect(put.stdout).toBe("Created app/blob.bin (256 B).");
    const got = await execa(process.execPath, [CRUDE_BIN, "files", "get", "app", "blob.bin"], {
      env,
      extendEnv: false,
      encoding: "buffer",
    });
    expect(Buffer.from(got.stdout)).toEqual(EVERY_BYTE);

    expect(await crude(["files", "delete", "app", "blob.bin", "--yes"])).toMatchObject({ code: 0, stdout: "Deleted app/blob.bin.\n" });
    expect((await crude(["files", "delete", "app", "lib/util.ts", "-y", "-q"])).stdout).toBe("lib/util.ts\n");
    expect((await crude(["files", "list", "app", "-q"])).stdout).toBe("hello.ts\n");
  });

  it("refuses bad input with the daemon's messages and exit codes", async () => {
    const { crude } = await daemonWithCli();
    await crude(["sources", "create", "app"]);
    const cases: [string[], number, string][] = [
      [["files", "get", "app", "missing.ts"], 1, "crude: File not found\n"],
      [["files", "delete", "app", "missing.ts", "--yes"], 1, "crude: File not found\n"],
      [["files", "get", "app", "../other/x.ts"], 1, "crude: Path escapes base directory\n"],
      [["files", "put", "app", "../x.ts", "-"], 1, "crude: Path escapes base directory\n"],
      [["files", "put", "app", "x.ts", "/no/such/file"], 2, "crude: cannot read /no/such/file: ENOENT\n"],
      [["files", "list", "ghost"], 1, "crude: no source 'ghost'\n  list them with: crude sources list\n"],
    ];
    for (const [args, code, stderr] of cases) expect(await crude(args, "x"), args.join(" ")).toMatchObject({ code, stderr });
    expect((await crude(["files", "list", "app", "-q"])).stdout).toBe("");
  });
});
