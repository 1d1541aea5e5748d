import Database from "better-sqlite3";
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { SettingsListBody, User, UsersListBody } from "../../src/api-types.js";
import type { ApiError } from "../../src/errors.js";
import { dataFiles } from "../../src/paths.js";
import {
  ADMIN,
  csrfTokenOf,
  DESKTOP,
  fieldError,
  flash,
  heading,
  openPage,
  PHONE,
  pathOf,
  screenshot,
  scrollWidth,
  signInWithForm,
  submitForm,
  userSession,
  webPerFile,
} from "../helpers/chromium.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { groupWithKey, query } from "../helpers/run.js";

const web = webPerFile();
const { visit } = web;
let t: TestDaemon;
beforeAll(() => {
  t = web.t;
});

/** A new context signed in as `credentials` (over the API: the login form has tests of its own), at `path`. */
const signedInAs = async (credentials: { email: string; password: string }, path = "/web") =>
  visit(path, DESKTOP, await userSession(t.managementUrl, credentials));

const alert = (page: Page) => page.getByRole("alert").textContent();
const cells = (row: Locator) => row.getByRole("cell").allTextContents();

const users = async () => (await t.socket.get<UsersListBody>("/api/users")).users;
const userNamed = async (email: string) => (await users()).find((user) => user.email === email) as User;
const createUser = (email: string, password: string, name?: string) =>
  t.socket.post<User>("/api/users", { body: { email, password, passwordConfirmation: password, name } });
const settings = async () =>
  Object.fromEntries((await t.socket.get<SettingsListBody>("/api/settings")).settings.map((setting) => [setting.name, setting.value]));
const settingTimes = () =>
  Object.fromEntries(
    query<{ name: string; updated_at: string }>(t, "SELECT name, updated_at FROM settings").map((row) => [row.name, row.updated_at]),
  );
/** Whether a password signs in (over the API: no page, and a success clears nothing the tests rely on). */
const signsIn = async (email: string, password: string) =>
  (
    await fetch(`${t.managementUrl}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email, password }),
    })
  ).status === 200;

describe("users", () => {
  it("adds a user: refusals show the API's message by the field, keep what was typed and add nobody", async () => {
    const page = await visit("/web/users");
    const adminRow = page.getByRole("row", { name: new RegExp(ADMIN.email) });
    expect(await cells(adminRow)).toEqual([
      `${ADMIN.email}you`,
      ADMIN.name,
      "permanent, userMgmt",
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/),
      "Set password",
    ]);
    // Your own password is changed on the password page; you and the permanent admin cannot be deleted.
    expect(await adminRow.getByRole("link", { name: "Set password" }).getAttribute("href")).toBe("/web/password");
    expect(await adminRow.getByRole("link", { name: "Delete" }).count()).toBe(0);

    // A link drawn as a button (Pico's role="button").
    await page.getByRole("button", { name: "New user" }).click();
    expect(pathOf(page)).toBe("/web/users/create");
    const fill = async (email: string, password: string, again: string) => {
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Name (optional)").fill("Bob <b>Builder</b>");
      await page.getByLabel("Password", { exact: true }).fill(password);
      await page.getByLabel("Password again").fill(again);
    };
    const refusals: [string, string, string, number, string, string][] = [
      [ADMIN.email, "bob-password-1", "bob-password-1", 409, "email", `A user with email '${ADMIN.email}' already exists`],
      ["bob@example.com", "short", "short", 400, "password", "Password must be at least 8 characters"],
      ["bob@example.com", "bob-password-1", "bob-password-2", 400, "password", "Passwords do not match"],
    ];
    for (const [email, password, again, status, field, message] of refusals) {
      await fill(email, password, again);
      const response = await submitForm(page, "Add user");
      expect([message, response.status()]).toEqual([message, status]);
      expect(await fieldError(page, field)).toBe(message);
      expect(await page.getByLabel("Email").inputValue()).toBe(email);
      expect(await page.getByLabel("Name (optional)").inputValue()).toBe("Bob <b>Builder</b>");
      // Passwords are never sent back.
      expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    }
    expect((await users()).map((user) => user.email)).toEqual([ADMIN.email]);

    await fill("Bob@Example.com", "bob-password-1", "bob-password-1");
    await submitForm(page, "Add user");
    expect(pathOf(page)).toBe("/web/users");
    expect(await flash(page)).toBe("Added bob@example.com: they can sign in now.");
    const bobRow = page.getByRole("row", { name: /bob@example\.com/ });
    expect((await cells(bobRow)).slice(0, 3)).toEqual(["bob@example.com", "Bob <b>Builder</b>", "userMgmt"]);
    expect(await bobRow.getByRole("link", { name: "Delete" }).count()).toBe(1);
    expect(await userNamed("bob@example.com")).toMatchObject({ name: "Bob <b>Builder</b>" });
    await screenshot(page, "users");
    expect(page.problems).toEqual([]);
  });

  it("sets another user's password, which ends their sessions; then deletes them after a confirmation", async () => {
    await createUser("carl@example.com", "carl-password-1");
    const carl = await signedInAs({ email: "carl@example.com", password: "carl-password-1" }, "/web/users");
    const page = await visit("/web/users");
    await page
      .getByRole("row", { name: /carl@example\.com/ })
      .getByRole("link", { name: "Set password" })
      .click();
    expect(await heading(page)).toBe("Set password");

    for (const [password, again, message] of [
      ["carl-new-pass", "carl-other-pass", "Passwords do not match"],
      ["short", "short", "Password must be at least 8 characters"],
    ] as const) {
      await page.getByLabel("New password", { exact: true }).fill(password);
      await page.getByLabel("New password again").fill(again);
      expect((await submitForm(page, "Set password")).status()).toBe(400);
      expect(await fieldError(page, "password")).toBe(message);
    }
    // Nothing changed: Carl is still signed in, with the old password.
    await carl.goto(`${t.managementUrl}/web/users`);
    expect(pathOf(carl)).toBe("/web/users");

    await page.getByLabel("New password", { exact: true }).fill("carl-new-pass");
    await page.getByLabel("New password again").fill("carl-new-pass");
    await submitForm(page, "Set password");
    expect(await flash(page)).toBe("Set a new password for carl@example.com; their sessions have ended.");
    await carl.goto(`${t.managementUrl}/web/users`);
    expect(pathOf(carl)).toBe("/web/login");
    expect(await signsIn("carl@example.com", "carl-password-1")).toBe(false);
    await signInWithForm(carl, t.managementUrl, { email: "carl@example.com", password: "carl-new-pass" });
    expect(pathOf(carl)).toBe("/web");

    await page
      .getByRole("row", { name: /carl@example\.com/ })
      .getByRole("link", { name: "Delete" })
      .click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe("Delete user carl@example.com?");
    expect(await userNamed("carl@example.com")).toBeDefined();
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe("Deleted carl@example.com.");
    expect(await userNamed("carl@example.com")).toBeUndefined();
    await carl.goto(`${t.managementUrl}/web`);
    expect(pathOf(carl)).toBe("/web/login");
    expect(page.problems).toEqual([]);
  });

  it("refuses deleting yourself and the permanent administrator with the API's 403 message, and deletes nobody", async () => {
    const admin = await userNamed(ADMIN.email);
    const page = await visit(`/web/users/delete/${admin.id}`);
    expect(await alert(page)).toBe("Cannot delete your own account");
    const post = await page.request.post(`${t.managementUrl}/web/users/delete/${admin.id}`, {
      form: { _csrf: await csrfTokenOf(page.context()) },
      maxRedirects: 0,
    });
    expect(post.status()).toBe(403);
    expect(await post.text()).toContain("Cannot delete your own account");

    await createUser("dora@example.com", "dora-password-1");
    const dora = await signedInAs({ email: "dora@example.com", password: "dora-password-1" }, "/web/users");
    // Neither the permanent admin nor Dora herself has a Delete link for her.
    for (const email of [ADMIN.email, "dora@example.com"]) {
      expect(
        await dora
          .getByRole("row", { name: new RegExp(email) })
          .getByRole("link", { name: "Delete" })
          .count(),
      ).toBe(0);
    }
    const refused = await dora.goto(`${t.managementUrl}/web/users/delete/${admin.id}`);
    expect(refused?.status()).toBe(403);
    expect(await alert(dora)).toBe("Cannot delete permanent admin user");
    const forged = await dora.request.post(`${t.managementUrl}/web/users/delete/${admin.id}`, {
      form: { _csrf: await csrfTokenOf(dora.context()) },
      maxRedirects: 0,
    });
    expect([forged.status(), (await forged.text()).includes("Cannot delete permanent admin user")]).toEqual([403, true]);
    expect(await userNamed(ADMIN.email)).toBeDefined();
    expect(page.problems).toEqual([]);
    expect(dora.problems).toEqual([]);
  });

  it("lets only administrators (role userMgmt or permanent) manage users and use the SQL console", async () => {
    await createUser("erin@example.com", "erin-password-1");
    // No page or API takes roles away; a user without them is made the way only a database edit could.
    const db = new Database(dataFiles(t.dataDir).database);
    try {
      db.prepare("UPDATE users SET roles = '' WHERE email = ?").run("erin@example.com");
    } finally {
      db.close();
    }
    const erin = await signedInAs({ email: "erin@example.com", password: "erin-password-1" }, "/web/password");
    for (const [path, message] of [
      ["/web/users", "Only administrators (role userMgmt or permanent) can manage users"],
      ["/web/users/create", "Only administrators (role userMgmt or permanent) can manage users"],
      ["/web/query", "Only administrators (role userMgmt or permanent) can use the SQL console"],
    ] as const) {
      const response = await erin.goto(`${t.managementUrl}${path}`);
      expect([path, response?.status(), await erin.locator("main strong").first().textContent()]).toEqual([path, 403, message]);
    }
    const post = await erin.request.post(`${t.managementUrl}/web/query`, {
      form: { _csrf: await csrfTokenOf(erin.context()), sql: "SELECT 1" },
    });
    expect(post.status()).toBe(403);
    // Their own password and the settings stay theirs to use, as in the API.
    expect((await erin.goto(`${t.managementUrl}/web/password`))?.status()).toBe(200);
    expect((await erin.goto(`${t.managementUrl}/web/settings`))?.status()).toBe(200);
    expect(erin.problems).toEqual([]);
  });
});

describe("own password", () => {
  it("needs the right current password; a change keeps this session, can end the others, and the new password signs in", async () => {
    const fred = await createUser("fred@example.com", "fred-password-1");
    const page = await signedInAs({ email: "fred@example.com", password: "fred-password-1" });
    const laptop = await signedInAs({ email: "fred@example.com", password: "fred-password-1" }, "/web/password");
    await page.getByRole("link", { name: "Password", exact: true }).click();
    expect(pathOf(page)).toBe("/web/password");
    const fill = async (current: string, password: string, again: string) => {
      await page.getByLabel("Current password").fill(current);
      await page.getByLabel("New password", { exact: true }).fill(password);
      await page.getByLabel("New password again").fill(again);
    };
    for (const [current, password, again, field, message] of [
      ["not-my-password", "fred-new-pass", "fred-new-pass", "currentPassword", "Invalid password"],
      ["fred-password-1", "short", "short", "newPassword", "Password must be at least 8 characters"],
      ["fred-password-1", "fred-new-pass", "fred-other-pass", "newPasswordConfirmation", "Passwords do not match"],
    ] as const) {
      await fill(current, password, again);
      expect((await submitForm(page, "Change password")).status()).toBe(400);
      expect([message, await fieldError(page, field)]).toEqual([message, message]);
      expect(await page.getByLabel("Current password").getAttribute("aria-invalid")).toBe(field === "currentPassword" ? "true" : null);
    }
    // Nothing changed: the account was not written.
    expect((await userNamed("fred@example.com")).updatedAt).toBe(fred.updatedAt);

    await fill("fred-password-1", "fred-new-pass", "fred-new-pass");
    await page.getByRole("checkbox", { name: "Sign me out everywhere else" }).check();
    await submitForm(page, "Change password");
    expect(pathOf(page)).toBe("/web");
    expect(await flash(page)).toBe("Your password was changed. Your other sessions have ended.");
    await page.goto(`${t.managementUrl}/web/password`);
    expect(pathOf(page)).toBe("/web/password");
    await laptop.goto(`${t.managementUrl}/web`);
    expect(pathOf(laptop)).toBe("/web/login");
    expect(await signsIn("fred@example.com", "fred-password-1")).toBe(false);
    await signInWithForm(laptop, t.managementUrl, { email: "fred@example.com", password: "fred-new-pass" });
    expect(pathOf(laptop)).toBe("/web");
    expect(page.problems).toEqual([]);
  });
});

describe("settings", () => {
  it("shows every setting by category with the input its type needs, and saves only what changed", async () => {
    const page = await visit("/web/settings");
    expect(await page.locator(".settings-category h2").allTextContents()).toEqual([
      "Server",
      "Management API",
      "Functions",
      "Executor",
      "Files",
      "Code sources",
      "Logs",
      "Metrics",
      "Encryption",
      "Background jobs",
    ]);
    for (const selector of [
      'input[type="text"][name="server.name"]',
      'select[name="log.level"]',
      'input[type="number"][name="log.trimming.max-per-function"]',
      'input[type="checkbox"][role="switch"][name="sources.allow-insecure-http"]',
    ]) {
      expect([selector, await page.locator(selector).count()]).toEqual([selector, 1]);
    }
    expect(await page.getByRole("group", { name: "api.access-groups" }).getByRole("checkbox").count()).toBe(1);
    expect(await page.getByRole("checkbox", { name: "management" }).isChecked()).toBe(true);
    expect(await page.locator('[id="field-log.trimming.max-per-function-help"]').textContent()).toBe(
      "Handler logs kept per function. Integer 100–100000; default 2000.",
    );
    await screenshot(page, "settings");

    const before = settingTimes();
    await page.getByLabel("server.name").fill("Crude <Test>");
    await page.getByLabel("log.trimming.max-per-function").fill("5000");
    await page.getByLabel("log.level").selectOption("debug");
    await page.getByRole("switch", { name: "sources.allow-insecure-http" }).check();
    await submitForm(page, "Save settings");
    expect(await flash(page)).toBe("Saved 4 settings: server.name, log.level, log.trimming.max-per-function, sources.allow-insecure-http.");
    expect(await settings()).toMatchObject({
      "server.name": "Crude <Test>",
      "log.level": "debug",
      "log.trimming.max-per-function": "5000",
      "sources.allow-insecure-http": "true",
    });
    const after = settingTimes();
    const touched = Object.keys(after).filter((name) => after[name] !== before[name]);
    expect(touched.sort()).toEqual(["log.level", "log.trimming.max-per-function", "server.name", "sources.allow-insecure-http"]);
    expect(await page.getByLabel("server.name").inputValue()).toBe("Crude <Test>");

    await submitForm(page, "Save settings");
    expect(await flash(page)).toBe("Nothing changed.");
    expect(settingTimes()).toEqual(after);
    expect(page.problems).toEqual([]);
  });

  it("refuses invalid values with the API's messages, keeps what was typed and saves nothing", async () => {
    const page = await visit("/web/settings");
    const before = await settings();
    await page.getByLabel("server.name").fill("Renamed");
    await page.getByLabel("log.trimming.max-per-function").fill("5");
    await page.getByLabel("metrics.retention-days").fill("1000");
    await page.getByLabel("executor.workers").fill("-3");
    const response = await submitForm(page, "Save settings");
    expect(response.status()).toBe(400);
    expect(await page.locator(".form-error").textContent()).toBe(
      "Validation failed: nothing was saved. Correct the settings marked below.",
    );
    expect(await fieldError(page, "log.trimming.max-per-function")).toBe("Must be at least 100");
    expect(await fieldError(page, "metrics.retention-days")).toBe("Must be at most 365");
    expect(await fieldError(page, "executor.workers")).toBe("Must be at least 1");
    expect(await page.getByLabel("log.trimming.max-per-function").getAttribute("aria-invalid")).toBe("true");
    for (const [name, value] of [
      ["server.name", "Renamed"],
      ["log.trimming.max-per-function", "5"],
      ["metrics.retention-days", "1000"],
      ["executor.workers", "-3"],
    ]) {
      expect([name, await page.getByLabel(name as string).inputValue()]).toEqual([name, value]);
    }
    expect(await settings()).toEqual(before);
    expect(page.problems).toEqual([]);
  });

  it("api.access-groups: key groups as checkboxes; ticking one lets its keys call the API", async () => {
    const deployers = await groupWithKey(t, "deployers");
    const client = t.tcp(deployers.key);
    await expect(client.get("/api/settings")).rejects.toMatchObject({ status: 401 } satisfies Partial<ApiError>);
    const page = await visit("/web/settings");
    const group = page.getByRole("group", { name: "api.access-groups" });
    expect(await group.locator("label").allTextContents()).toEqual(["deployers", "management"]);
    await group.getByRole("checkbox", { name: "deployers" }).check();
    await submitForm(page, "Save settings");
    expect(await flash(page)).toBe("Saved 1 setting: api.access-groups.");
    expect((await settings())["api.access-groups"]).toBe(`${deployers.groupId},management`);
    expect((await client.get<SettingsListBody>("/api/settings")).settings.length).toBeGreaterThan(0);
    expect(await page.getByRole("checkbox", { name: "deployers" }).isChecked()).toBe(true);
    expect(page.problems).toEqual([]);
  });
});

describe("SQL console", () => {
  const run = async (page: Page, sql: string) => {
    await page.getByLabel("Query").fill(sql);
    return submitForm(page, "Run");
  };

  it("runs a SELECT: the rows as a table and as JSON; the row limit cuts a big result and says how much", async () => {
    await createUser("gina@example.com", "gina-password-1", "<i>Gina</i>");
    const page = await visit("/web/query");
    expect(await page.locator("main").textContent()).toContain("secret values, API key values and git tokens appear encrypted");
    await run(
      page,
      "SELECT email, name, created_at IS NOT NULL AS created FROM users WHERE email IN ('ada@example.com', 'gina@example.com') ORDER BY email",
    );
    expect(await page.locator(".query-result thead th").allTextContents()).toEqual(["email", "name", "created"]);
    expect(await page.locator(".query-result tbody tr").allInnerTexts()).toEqual([
      "ada@example.com\tAda Admin\t1",
      "gina@example.com\t<i>Gina</i>\t1",
    ]);
    expect(await page.locator(".query-summary").textContent()).toMatch(/^2 rows in \d/);
    expect(JSON.parse((await page.locator(".query-json pre").textContent()) ?? "")).toEqual([
      { email: "ada@example.com", name: "Ada Admin", created: 1 },
      { email: "gina@example.com", name: "<i>Gina</i>", created: 1 },
    ]);
    // What was run stays in the box.
    expect(await page.getByLabel("Query").inputValue()).toMatch(/^SELECT email, name/);
    await screenshot(page, "query");

    await run(page, "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500) SELECT i FROM n");
    expect(await page.locator(".query-result tbody tr").count()).toBe(1000);
    expect(await page.locator(".query-summary").textContent()).toMatch(
      /^1,000 rows in .+; 500 more rows were cut off by the limit of 1,000 rows\.$/,
    );
    expect(await page.locator(".query-result tbody tr").last().textContent()).toBe("1000");
    expect(page.problems).toEqual([]);
  });

  it("refuses writes, pragma writes, ATTACH and two statements with a clear message, keeps the text and changes nothing", async () => {
    const page = await visit("/web/query");
    const usersBefore = await users();
    const settingsBefore = await settings();
    const cases: [string, string][] = [
      [
        "UPDATE settings SET value = 'hacked' WHERE name = 'server.name'",
        "Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here, not UPDATE: this console never changes the database",
      ],
      [
        "DELETE FROM users",
        "Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here, not DELETE: this console never changes the database",
      ],
      [
        "ATTACH '/tmp/crude-elsewhere.db' AS elsewhere",
        "Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here, not ATTACH: this console never changes the database",
      ],
      [
        "PRAGMA user_version = 99",
        "Only a single SELECT (or WITH … SELECT, EXPLAIN) statement can run here, not PRAGMA: this console never changes the database",
      ],
      ["SELECT 1; DELETE FROM users", "Only one statement can run at a time: remove everything after the first ;"],
      [
        "WITH doomed AS (SELECT id FROM users) DELETE FROM users WHERE id IN doomed",
        "Only a statement that reads can run here: SELECT, WITH … SELECT or EXPLAIN",
      ],
      ["SELECT * FROM no_such_table", "no such table: no_such_table"],
    ];
    for (const [sql, message] of cases) {
      const response = await run(page, sql);
      expect([sql, response.status(), await fieldError(page, "sql")]).toEqual([sql, 400, message]);
      expect(await page.getByLabel("Query").inputValue()).toBe(sql);
      expect(await page.locator(".query-result").count()).toBe(0);
    }
    expect(await users()).toEqual(usersBefore);
    expect(await settings()).toEqual(settingsBefore);
    expect(query<{ user_version: number }>(t, "PRAGMA user_version")).toEqual([{ user_version: 0 }]);
    expect(page.problems).toEqual([]);
  });
});

describe("narrow screens", () => {
  it("the users, settings, password and console pages fit 360 px: wide tables scroll inside their box", async () => {
    const page = await openPage(web.browser, PHONE, web.session);
    for (const path of ["/web/users", "/web/users/create", "/web/settings", "/web/password", "/web/query"]) {
      await page.goto(`${t.managementUrl}${path}`);
      if (path === "/web/query") {
        await page
          .getByLabel("Query")
          .fill("SELECT name, value, updated_at, 'a long text that does not fit on a phone at all' AS note FROM settings");
        await submitForm(page, "Run");
        expect(await page.locator(".query-result tbody tr").count()).toBeGreaterThan(10);
      }
      expect([path, await scrollWidth(page)]).toEqual([path, PHONE.width]);
    }
    expect(page.problems).toEqual([]);
  });
});
