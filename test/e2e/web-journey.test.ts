import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { SettingsListBody, SourcesListBody, UsersListBody } from "../../src/api-types.js";
import { ADMIN, editorText, flash, heading, locationOf, openPage, signInWithForm, submitForm, webPerFile } from "../helpers/chromium.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { call } from "../helpers/run.js";

/**
 * What is typed into the editor, line by line: CodeMirror closes brackets and quotes as they are
 * opened (typing the closing one steps over it), and Enter between `{}` puts the `}` on a line of
 * its own and indents the line in between, so the last line's `}` is never typed.
 */
const TYPED_LINES = [
  'const greeting = async (ctx) => (await ctx.getSecret("GREETING")) ?? "no secret yet";',
  "export default async (c, ctx) => {",
  'console.log("hello from the journey");',
  'return c.text("hello, " + (await greeting(ctx)));',
];
/** hello.ts as the editor makes it of those keys: one log line, one secret, a text answer. */
const HELLO_TS = [
  'const greeting = async (ctx) => (await ctx.getSecret("GREETING")) ?? "no secret yet";',
  "export default async (c, ctx) => {",
  '  console.log("hello from the journey");',
  '  return c.text("hello, " + (await greeting(ctx)));',
  "}",
].join("\n");

/** Bounds a wait for something the daemon does in the background (log stream, metrics flush) on a busy machine. */
const BACKGROUND_MS = 20_000;

// The admin signs up through the setup page: no session is made for the file.
const web = webPerFile({ admin: false });
let t: TestDaemon;
beforeAll(() => {
  t = web.t;
});

const nav = (page: Page, label: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: label, exact: true });

describe("a new user's journey through the web UI", () => {
  it("sets up, signs in, writes and deploys a handler, watches it, protects it, gives it a secret, configures, manages users, signs out", async () => {
    const page = await openPage(web.browser);
    const url = t.managementUrl;

    // First run: every page leads to the setup form, which creates the administrator and signs them in.
    await page.goto(`${url}/web`);
    expect(locationOf(page)).toBe("/web/setup");
    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again").fill(ADMIN.password);
    expect((await submitForm(page, "Create account")).status()).toBe(303);
    expect(locationOf(page)).toBe("/web");
    expect(await flash(page)).toBe(`Welcome, ${ADMIN.name}: your administrator account is ready.`);

    // Sign out, and back in through the login form.
    await Promise.all([page.waitForURL(/\/web\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
    await signInWithForm(page, url, ADMIN);
    expect(locationOf(page)).toBe("/web");
    expect(await heading(page)).toBe("Dashboard");

    // A manual code source.
    await nav(page, "Code").click();
    await page.getByRole("button", { name: "New source" }).click();
    await page.getByRole("button", { name: "New manual source" }).click();
    await page.getByLabel("Name").fill("app");
    expect((await submitForm(page, "Create source")).status()).toBe(303);
    expect(await flash(page)).toBe("Created source 'app'.");
    const [source] = (await t.socket.get<SourcesListBody>("/api/sources")).sources;
    expect(source).toMatchObject({ name: "app", type: "manual" });

    // hello.ts, typed into the CodeMirror editor.
    await page.getByRole("button", { name: "New file" }).click();
    await page.locator("#create-path").fill("hello.ts");
    await page.locator(".cm-content").click();
    for (const [index, line] of TYPED_LINES.entries()) {
      if (index > 0) {
        // Closes a completion list first: Enter would pick from it.
        await page.keyboard.press("Escape");
        await page.keyboard.press("Enter");
      }
      await page.keyboard.type(line);
    }
    expect(await editorText(page)).toBe(HELLO_TS);
    expect((await submitForm(page, "Create file")).status()).toBe(303);
    expect(await flash(page)).toBe("Created hello.ts.");
    // The editor it leads to holds the file as stored.
    expect(await editorText(page)).toBe(HELLO_TS);
    const stored = await t.socket.get<{ content: string }>(`/api/sources/${source?.id}/files/hello.ts`);
    expect(stored.content).toBe(HELLO_TS);

    // A function for it: the handler field suggests the new file; no note, as the file exists.
    await nav(page, "Functions").click();
    await page.getByRole("button", { name: "New function" }).click();
    expect(await page.locator('#handler-files option[value="app/hello.ts"]').count()).toBe(1);
    await page.getByLabel("Name").fill("hello");
    await page.getByLabel("Handler").fill("app/hello.ts");
    await page.getByLabel("Route").fill("/hello");
    expect((await submitForm(page, "Create function")).status()).toBe(303);
    expect(await flash(page)).toBe('Function "hello" created.');
    const row = page.getByRole("row", { name: /^hello/ });

    // Its logs page, opened before the first call, shows the call's lines as they are written.
    await row.getByRole("link", { name: "Logs" }).click();
    expect(await heading(page)).toBe('Logs of "hello"');
    await page
      .locator("[data-live-status]")
      .getByText("Live: new entries appear at the top as they are written.")
      .waitFor({ timeout: BACKGROUND_MS });
    await page.evaluate("window.notReloaded = true");
    const first = await call(t, "GET", "/run/hello");
    expect([first.status, first.text]).toEqual([200, "hello, no secret yet"]);
    await page.locator("tbody tr.log-log", { hasText: "hello from the journey" }).waitFor({ timeout: BACKGROUND_MS });
    await expect
      .poll(async () => (await page.locator("tbody tr .log-level").allTextContents()).sort(), { timeout: BACKGROUND_MS })
      .toEqual(["exec_end", "exec_start", "log"]);
    expect(await page.evaluate("window.notReloaded")).toBe(true);

    // Its metrics count the call once the recorder has flushed it.
    await page.getByRole("main").getByRole("link", { name: "Metrics", exact: true }).click();
    expect(await heading(page)).toBe('Metrics of "hello"');
    const executions = page.locator(".stat", { hasText: "Executions" }).locator(".stat-value");
    await expect
      .poll(
        async () => {
          await page.reload();
          return Number(await executions.textContent());
        },
        { timeout: BACKGROUND_MS, interval: 500 },
      )
      .toBeGreaterThanOrEqual(1);
    const bars = await page.getByRole("img", { name: "Executions per minute" }).locator(".chart-bar title").allTextContents();
    expect(bars.reduce((sum, title) => sum + Number(title.split(": ")[1]), 0)).toBe(Number(await executions.textContent()));

    // A key group with a key; its value is shown in full once.
    await nav(page, "Keys").click();
    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Name").fill("partners");
    expect((await submitForm(page, "Create group")).status()).toBe(303);
    expect(await flash(page)).toBe("Created key group partners.");
    await page.getByRole("link", { name: "Add a key to partners" }).click();
    await page.getByLabel("Key name").fill("journey");
    expect((await submitForm(page, "Create key")).status()).toBe(201);
    const key = (await page.locator("code.created-key").textContent()) ?? "";
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByRole("button", { name: "Done" }).click();
    await page.waitForURL(`${url}/web/keys`);

    // The function requires the group now: refused without the key, answered with it.
    await nav(page, "Functions").click();
    await row.getByRole("link", { name: "Edit" }).click();
    await page.getByRole("checkbox", { name: "partners" }).check();
    expect((await submitForm(page, "Save changes")).status()).toBe(303);
    expect(await flash(page)).toBe('Function "hello" saved.');
    expect((await call(t, "GET", "/run/hello")).status).toBe(401);
    const withKey = await call(t, "GET", "/run/hello", { headers: { "x-api-key": key } });
    expect([withKey.status, withKey.text]).toEqual([200, "hello, no secret yet"]);

    // A secret of the function, read by its handler.
    await row.getByRole("link", { name: "Secrets" }).click();
    expect(await heading(page)).toBe("Secrets of function hello");
    await page.getByRole("button", { name: "New secret" }).click();
    await page.getByLabel("Name").fill("GREETING");
    await page.getByLabel("Value", { exact: true }).fill("secret-world-42");
    expect((await submitForm(page, "Create secret")).status()).toBe(303);
    expect(await flash(page)).toBe('Created secret "GREETING" of function hello.');
    expect(
      await page
        .getByRole("row", { name: /GREETING/ })
        .locator(".masked-value code")
        .textContent(),
    ).not.toContain("secret-world-42");
    const withSecret = await call(t, "GET", "/run/hello", { headers: { "x-api-key": key } });
    expect([withSecret.status, withSecret.text]).toEqual([200, "hello, secret-world-42"]);

    // A setting changed on the settings page is what the API answers.
    await nav(page, "Settings").click();
    await page.getByLabel("functions.timeout-ms").fill("12000");
    await page.getByLabel("server.name").fill("Acme <Functions>");
    expect((await submitForm(page, "Save settings")).status()).toBe(303);
    expect(await flash(page)).toBe("Saved 2 settings: server.name, functions.timeout-ms.");
    // server.name names the UI at once, as text.
    expect(await page.title()).toBe("Settings · Acme <Functions>");
    expect(await page.locator("a.brand").textContent()).toBe("Acme <Functions>");
    const settings = await page.request.get(`${url}/api/settings`);
    expect(settings.status()).toBe(200);
    const { settings: list } = (await settings.json()) as SettingsListBody;
    expect(list.find((setting) => setting.name === "functions.timeout-ms")?.value).toBe("12000");

    // A user added, then deleted after the confirmation page.
    const emails = async () => (await t.socket.get<UsersListBody>("/api/users")).users.map((user) => user.email);
    await nav(page, "Users").click();
    await page.getByRole("button", { name: "New user" }).click();
    await page.getByLabel("Email").fill("bob@example.com");
    await page.getByLabel("Name (optional)").fill("Bob");
    await page.getByLabel("Password", { exact: true }).fill("bob-password-1");
    await page.getByLabel("Password again").fill("bob-password-1");
    expect((await submitForm(page, "Add user")).status()).toBe(303);
    expect(await flash(page)).toBe("Added bob@example.com: they can sign in now.");
    expect((await emails()).sort()).toEqual([ADMIN.email, "bob@example.com"]);
    await page
      .getByRole("row", { name: /bob@example\.com/ })
      .getByRole("link", { name: "Delete" })
      .click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe("Delete user bob@example.com?");
    expect((await submitForm(page, "Delete")).status()).toBe(303);
    expect(await flash(page)).toBe("Deleted bob@example.com.");
    expect(await page.getByRole("row", { name: /bob@example\.com/ }).count()).toBe(0);
    expect(await emails()).toEqual([ADMIN.email]);

    // Signed out, /web leads to the login page, and the old session opens nothing.
    await Promise.all([page.waitForURL(/\/web\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
    expect(await flash(page)).toBe("You are signed out.");
    await page.goto(`${url}/web`);
    expect(locationOf(page)).toBe(`/web/login?callbackUrl=${encodeURIComponent("/web")}`);
    expect((await page.request.get(`${url}/api/settings`)).status()).toBe(401);
    expect(page.problems).toEqual([]);
  }, 180_000);
});
