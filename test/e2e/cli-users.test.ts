import { describe, expect, it } from "vitest";
import type { UsersListBody } from "../../src/api-types.js";
import { Browser } from "../helpers/browser.js";
import { isolatedEnv, runCrude } from "../helpers/cli.js";
import { daemonWithCli } from "../helpers/cli-daemon.js";

describe("crude users", () => {
  it("creates users with the password from stdin, lists them and lets them sign in", async () => {
    const { t, crude } = await daemonWithCli();
    const created = await crude(["users", "create", "Admin@Example.com", "--name", "Admin"], "first-password\n");
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created user admin@example\.com \(id [a-zA-Z0-9_-]+\)\.\n$/);
    await crude(["users", "create", "ops@example.com"], "ops-password");

    const list = await crude(["users", "list"]);
    expect(list.stdout).toMatch(/^EMAIL\s+NAME\s+ID\s+CREATED$/m);
    expect(list.stdout.indexOf("ops@example.com")).toBeLessThan(list.stdout.indexOf("admin@example.com"));
    const json = JSON.parse((await crude(["users", "list", "--json"])).stdout) as UsersListBody;
    expect(json.users.map((u) => u.email)).toEqual(["ops@example.com", "admin@example.com"]);
    expect(JSON.stringify(json)).not.toMatch(/password|roles|scrypt/);

    const browser = new Browser(t.managementUrl);
    expect((await browser.signIn("admin@example.com", "first-password")).status).toBe(200);
  });

  it("changes a password by email and deletes users, but never the first administrator", async () => {
    const { t, crude } = await daemonWithCli();
    await crude(["users", "create", "admin@example.com"], "admin-password");
    await crude(["users", "create", "ops@example.com"], "old-password");
    expect(await crude(["users", "update", "OPS@example.com"], "new-password\n")).toMatchObject({
      code: 0,
      stdout: "Changed the password of ops@example.com.\n",
    });
    const browser = new Browser(t.managementUrl);
    expect((await browser.signIn("ops@example.com", "old-password")).status).toBe(401);
    expect((await browser.signIn("ops@example.com", "new-password")).status).toBe(200);

    expect(await crude(["users", "delete", "ops@example.com", "--yes"])).toMatchObject({
      code: 0,
      stdout: "Deleted user ops@example.com.\n",
    });
    expect(await crude(["users", "delete", "admin@example.com", "--yes"])).toMatchObject({
      code: 1,
      stderr: "crude: Cannot delete permanent admin user\n",
    });
  });

  it("refuses bad input with the API's messages and creates nothing", async () => {
    const { crude } = await daemonWithCli();
    const cases: [string[], string | undefined, number, string][] = [
      [["users", "create", "not-an-email"], "password-1", 1, "crude: Invalid email format\n"],
      [["users", "create", "a@example.com"], "short", 1, "crude: Password must be at least 8 characters\n"],
      [["users", "create", "a@example.com"], "", 1, "crude: Missing required field: password\n"],
      [["users", "create"], "password-1", 2, "crude: missing required argument 'email'\n"],
      [["users", "create", "a@example.com", "--password", "x"], undefined, 2, "crude: unknown option '--password'\n"],
      [
        ["users", "update", "ghost@example.com"],
        "password-1",
        1,
        "crude: no user 'ghost@example.com'\n  list them with: crude users list\n",
      ],
      [["users", "delete", "ghost", "--yes"], undefined, 1, "crude: no user 'ghost'\n  list them with: crude users list\n"],
    ];
    for (const [args, input, code, stderr] of cases) {
      expect(await crude(args, input), args.join(" ")).toMatchObject({ code, stderr });
    }
    expect(JSON.parse((await crude(["users", "list", "--json"])).stdout)).toEqual({ users: [] });
  });

  it("works remotely with a management key, and the real binary reads a piped password", async () => {
    const { t, crude } = await daemonWithCli();
    const key = (await crude(["keys", "create", "-g", "management", "-n", "ops", "-q"])).stdout.trim();
    const remote = isolatedEnv({ CRUDE_URL: t.managementUrl, CRUDE_API_KEY: key });
    const created = await runCrude(["users", "create", "remote@example.com", "-q"], { env: remote, input: "remote-password\n" });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^[a-zA-Z0-9_-]+$/);
    expect((await new Browser(t.managementUrl).signIn("remote@example.com", "remote-password")).status).toBe(200);
  });
});
