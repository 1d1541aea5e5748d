import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SecretsListBody } from "../../src/api-types.js";
import { tempDir } from "../helpers/cleanup.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";

describe("crude secrets", () => {
  it("sets values from an argument, a file and stdin, and never lists values unless asked", async () => {
    const { t, crude } = await daemonWithCli();
    expect(await crude(["secrets", "set", "PLAIN", "from-argument"])).toMatchObject({
      code: 0,
      stdout: "Created global secret 'PLAIN'.\n",
    });
    const file = join(tempDir(), "value.txt");
    writeFileSync(file, "from-file\n");
    expect((await crude(["secrets", "set", "FILE", "--from-file", file, "--comment", "a file"])).code).toBe(0);
    expect((await crude(["secrets", "set", "PIPED"], "from-stdin\n")).code).toBe(0);
    expect((await crude(["secrets", "set", "DASH", "--from-file", "-"], "dash-stdin")).code).toBe(0);

    expect((await crude(["secrets", "get", "PLAIN"])).stdout).toBe("from-argument\n");
    expect((await crude(["secrets", "get", "FILE"])).stdout).toBe("from-file\n");
    expect((await crude(["secrets", "get", "PIPED"])).stdout).toBe("from-stdin\n");
    expect((await crude(["secrets", "get", "DASH"])).stdout).toBe("dash-stdin\n");

    const list = await crude(["secrets", "list"]);
    expect(list.stdout).toMatch(/^NAME\s+SCOPE\s+COMMENT\s+UPDATED$/m);
    expect(list.stdout).toMatch(/^FILE\s+global\s+a file\s+\S+$/m);
    for (const value of ["from-argument", "from-file", "from-stdin", "dash-stdin"]) expect(list.stdout).not.toContain(value);
    const json = JSON.parse((await crude(["secrets", "list", "--json"])).stdout) as SecretsListBody;
    expect(json.secrets.map((s) => s.name)).toEqual(["DASH", "FILE", "PIPED", "PLAIN"]);
    expect(JSON.stringify(json)).not.toContain("from-");
    const shown = await crude(["secrets", "list", "--show-values"]);
    expect(shown.stdout).toMatch(/^PLAIN\s+global\s+\S+\s+from-argument$/m);
    expect(t.log()).not.toContain("from-argument");
  });

  it("updates an existing secret in place and deletes it", async () => {
    const { crude } = await daemonWithCli();
    await crude(["secrets", "set", "TOKEN", "one"]);
    expect(await crude(["secrets", "set", "TOKEN", "two"])).toMatchObject({ code: 0, stdout: "Updated global secret 'TOKEN'.\n" });
    expect((await crude(["secrets", "get", "TOKEN"])).stdout).toBe("two\n");
    expect(JSON.parse((await crude(["secrets", "list", "--json"])).stdout).secrets).toHaveLength(1);
    expect(await crude(["secrets", "delete", "TOKEN", "--yes"])).toMatchObject({ code: 0, stdout: "Deleted global secret 'TOKEN'.\n" });
    expect(await crude(["secrets", "get", "TOKEN"])).toMatchObject({
      code: 1,
      stderr: "crude: no secret 'TOKEN'\n  list them with: crude secrets list\n",
    });
  });

  it("scopes secrets to groups and keys by name, and asks which one when a name is in several scopes", async () => {
    const { crude } = await daemonWithCli();
    await crude(["keys", "groups", "create", "mobile-app"]);
    await crude(["keys", "create", "--group", "mobile-app", "--name", "ios"]);
    await crude(["secrets", "set", "API_URL", "global-url"]);
    expect(await crude(["secrets", "set", "API_URL", "group-url", "--group", "mobile-app"])).toMatchObject({
      stdout: "Created group mobile-app secret 'API_URL'.\n",
    });
    expect(await crude(["secrets", "set", "API_URL", "key-url", "--key", "ios"])).toMatchObject({
      stdout: "Created key ios (mobile-app) secret 'API_URL'.\n",
    });

    expect(await crude(["secrets", "get", "API_URL"])).toMatchObject({
      code: 1,
      stderr:
        "crude: secret 'API_URL' exists in several scopes: global, group mobile-app, key ios (mobile-app)\n  choose one with --scope, --function, --group or --key\n",
    });
    expect((await crude(["secrets", "get", "API_URL", "--scope", "global"])).stdout).toBe("global-url\n");
    expect((await crude(["secrets", "get", "API_URL", "--group", "mobile-app"])).stdout).toBe("group-url\n");
    expect((await crude(["secrets", "get", "API_URL", "--key", "ios", "--group", "mobile-app"])).stdout).toBe("key-url\n");

    const byGroup = await crude(["secrets", "list", "--group", "mobile-app"]);
    expect(byGroup.stdout).toMatch(/^API_URL\s+group mobile-app\s/m);
    expect(byGroup.stdout).not.toMatch(/global|key ios/);

    // Deleting the key takes its secrets with it.
    await crude(["keys", "delete", "ios", "--yes"]);
    const names = JSON.parse((await crude(["secrets", "list", "--json"])).stdout).secrets.map((s: { scopeType: string }) => s.scopeType);
    expect(names.sort()).toEqual(["global", "group"]);
  });

  it("refuses bad input with clear messages and changes nothing", async () => {
    const { crude } = await daemonWithCli();
    const cases: [string[], number, string][] = [
      [["secrets", "set", "bad name", "v"], 1, "crude: Invalid secret name. Must match pattern [a-zA-Z0-9_-]+\n"],
      [["secrets", "set", "X", "   "], 1, "crude: Secret value cannot be empty\n"],
      [["secrets", "set", "X", "v", "--scope", "planet"], 2, "crude: unknown scope 'planet' (use global, function, group, key)\n"],
      [["secrets", "set", "X", "v", "--scope", "group"], 2, "crude: --scope group needs --group NAME\n"],
      [
        ["secrets", "set", "X", "v", "--scope", "global", "--group", "g"],
        2,
        "crude: --scope global takes no --function, --group or --key\n",
      ],
      [["secrets", "set", "X", "v", "--group", "nope"], 1, "crude: no key group 'nope'\n  list them with: crude keys groups list\n"],
      [
        ["secrets", "set", "X", "v", "--from-file", "/nonexistent/file"],
        2,
        "crude: give the value as an argument or with --from-file, not both\n",
      ],
      [["secrets", "set", "X", "--from-file", "/nonexistent/file"], 2, "crude: cannot read /nonexistent/file: ENOENT\n"],
      [["secrets", "set", "X", "v", "--function", "nofn"], 1, "crude: no function 'nofn'\n  list them with: crude functions list\n"],
      [["secrets", "delete", "X", "--yes"], 1, "crude: no secret 'X'\n  list them with: crude secrets list\n"],
    ];
    for (const [args, code, stderr] of cases) {
      expect(await crude(args), args.join(" ")).toMatchObject({ code, stderr });
    }
    expect(JSON.parse((await crude(["secrets", "list", "--json"])).stdout)).toEqual({ secrets: [] });
  });

  it("prints the API's bodies with --json and only IDs with --quiet", async () => {
    const { crude } = await daemonWithCli();
    const created = JSON.parse((await crude(["secrets", "set", "A", "1", "--json"])).stdout);
    expect(created).toEqual({ id: expect.any(String), name: "A", scopeType: "global" });
    expect(JSON.parse((await crude(["secrets", "set", "A", "2", "--json"])).stdout)).toEqual({ success: true });
    const got = JSON.parse((await crude(["secrets", "get", "A", "--json"])).stdout);
    expect(got).toMatchObject({ id: created.id, name: "A", value: "2", decryptionError: null, scopeType: "global", scopeRef: null });
    expect((await crude(["secrets", "list", "-q"])).stdout).toBe(`${created.id}\n`);
  });
});
