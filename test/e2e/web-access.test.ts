import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ApiKeysListBody, KeyGroup, KeyGroupsListBody, SecretsListBody, SecretWithValue } from "../../src/api-types.js";
import {
  csrfTokenOf,
  fieldError,
  flash,
  heading,
  PHONE,
  pathOf,
  screenshot,
  scrollWidth,
  submitForm,
  webPerFile,
} from "../helpers/chromium.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { deployHandler } from "../helpers/functions.js";
import { call, groupWithKey } from "../helpers/run.js";

/** Answers the secret `?name=` as ctx.getSecret resolves it for this request (key > group > function > global). */
const SECRET_READER = `export default async (c, ctx) => c.json({ value: (await ctx.getSecret(c.req.query("name"))) ?? null });`;

const web = webPerFile();
const { visit } = web;
let t: TestDaemon;
beforeAll(() => {
  t = web.t;
});

/** The page's HTML as the server sends it, before any script ran. */
const htmlOf = async (page: Page, path: string) => (await page.request.get(`${t.managementUrl}${path}`)).text();

const groups = async () => (await t.socket.get<KeyGroupsListBody>("/api/key-groups")).groups;
const groupNamed = async (name: string) => (await groups()).find((group) => group.name === name);
const keysOf = async (groupId: string) =>
  (await t.socket.get<ApiKeysListBody>("/api/keys", { query: { groupId, includeValues: "true" } })).keys;
const secrets = async (query: Record<string, string>) =>
  (await t.socket.get<SecretsListBody>("/api/secrets", { query: { ...query, includeValues: "true" } })).secrets as SecretWithValue[];
const readSecret = async (path: string, name: string, headers: Record<string, string> = {}) =>
  (await call(t, "GET", `${path}?name=${name}`, { headers })).json?.value;

describe("key groups and keys", () => {
  it("creates a group and a key, shows the value once, then masked with reveal and copy; the key opens a function it protects", async () => {
    const page = await visit("/web/keys");
    expect(await page.getByRole("heading", { level: 2, name: "management" }).count()).toBe(1);
    expect(await page.locator(".empty-state").first().textContent()).toBe("No keys in management yet — add one");

    await page.getByRole("button", { name: "New group" }).click();
    await page.getByLabel("Name").fill("Mobile-App");
    await page.getByLabel("Description (optional)").fill("iOS and Android");
    await submitForm(page, "Create group");
    expect(pathOf(page)).toBe("/web/keys");
    expect(await flash(page)).toBe("Created key group mobile-app.");
    const group = (await groupNamed("mobile-app")) as KeyGroup;
    expect(group.description).toBe("iOS and Android");

    await page.getByRole("link", { name: "Add a key to mobile-app" }).click();
    expect(await page.getByLabel("Group", { exact: true }).inputValue()).toBe(group.id);
    await page.getByLabel("Key name").fill("ios");
    const created = await submitForm(page, "Create key");
    expect(created.status()).toBe(201);
    const value = (await page.locator("code.created-key").textContent()) as string;
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await keysOf(group.id)).map((key) => [key.name, key.value])).toEqual([["ios", value]]);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.managementUrl });
    await page.getByRole("button", { name: "Copy API key ios" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Copy API key ios" }).textContent()).toBe("Copied");
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe(value);

    await page.getByRole("button", { name: "Done" }).click();
    await page.waitForURL(`${t.managementUrl}/web/keys`);
    const shown = page.getByRole("region", { name: "mobile-app" }).locator(".masked-value code");
    expect(await shown.textContent()).toBe(`********${value.slice(-6)}`);
    expect(await htmlOf(page, "/web/keys")).not.toContain(value);
    await page.getByRole("button", { name: "Reveal API key ios" }).click();
    await expect.poll(() => shown.textContent()).toBe(value);
    await page.getByRole("button", { name: "Reveal API key ios" }).click();
    await expect.poll(() => shown.textContent()).toBe(`********${value.slice(-6)}`);
    await page.evaluate("navigator.clipboard.writeText('')");
    await page.getByRole("button", { name: "Copy API key ios" }).click();
    await expect.poll(() => page.evaluate("navigator.clipboard.readText()")).toBe(value);

    // A function that requires the group: refused without its key, answered with it.
    await deployHandler(t, "guarded", "export default (c, ctx) => c.json({ caller: ctx.authenticatedKeyGroup })", {
      keys: [group.id],
    });
    expect((await call(t, "GET", "/run/guarded")).status).toBe(401);
    const allowed = await call(t, "GET", "/run/guarded", { headers: { "x-api-key": value } });
    expect([allowed.status, allowed.json]).toEqual([200, { caller: "mobile-app" }]);
    await page.reload();
    expect(await page.getByRole("region", { name: "mobile-app" }).getByText("Required by guarded.").count()).toBe(1);
    await screenshot(page, "keys");
    expect(page.problems).toEqual([]);
  });

  it("refuses bad groups with the API's messages, keeps what was typed and changes nothing", async () => {
    await t.socket.post("/api/key-groups", { body: { name: "taken" } });
    const before = await groups();
    const page = await visit("/web/keys/groups/create");
    await page.getByLabel("Name").fill("bad name!");
    await page.getByLabel("Description (optional)").fill("kept");
    expect((await submitForm(page, "Create group")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Invalid group name. Must be lowercase alphanumeric with dashes/underscores.");
    await page.getByLabel("Name").fill("TAKEN");
    expect((await submitForm(page, "Create group")).status()).toBe(409);
    expect(await page.locator(".form-error").textContent()).toBe("Group 'taken' already exists");
    expect(await page.getByLabel("Name").inputValue()).toBe("TAKEN");
    expect(await page.getByLabel("Description (optional)").inputValue()).toBe("kept");
    expect(await groups()).toEqual(before);
    expect(page.problems).toEqual([]);
  });

  it("refuses bad keys, also with a new group made in the same form, keeps what was typed and changes nothing", async () => {
    const occupied = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "occupied" } });
    const first = await t.socket.post<{ value: string }>("/api/keys", { body: { groupId: occupied.id, name: "first" } });
    const before = await groups();
    const page = await visit(`/web/keys/create?groupId=${occupied.id}`);
    await page.getByLabel("Key name").fill("Bad Key!");
    await page.getByLabel("Value (optional)").fill("my-own-value-123");
    await page.getByLabel("Description (optional)", { exact: true }).fill("typed");
    expect((await submitForm(page, "Create key")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Invalid key name. Must be lowercase alphanumeric with dashes/underscores.");
    expect(await page.getByLabel("Value (optional)").inputValue()).toBe("my-own-value-123");
    expect(await page.getByLabel("Description (optional)", { exact: true }).inputValue()).toBe("typed");
    expect(await page.getByLabel("Group", { exact: true }).inputValue()).toBe(occupied.id);
    await page.getByLabel("Key name").fill("first");
    expect((await submitForm(page, "Create key")).status()).toBe(409);
    expect(await fieldError(page, "name")).toBe("A key with name 'first' already exists in group 'occupied'");
    await page.getByLabel("Key name").fill("second");
    await page.getByLabel("Value (optional)").fill("has spaces");
    expect((await submitForm(page, "Create key")).status()).toBe(400);
    expect(await fieldError(page, "value")).toBe("Invalid key value. Must be alphanumeric with dashes/underscores.");
    await page.getByLabel("Value (optional)").fill("");
    await page.getByLabel("Key name").fill("   ");
    expect((await submitForm(page, "Create key")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Missing required field: name");
    // As in the API, a value the group already has creates nothing.
    await page.getByLabel("Key name").fill("copycat");
    await page.getByLabel("Value (optional)").fill(first.value);
    await submitForm(page, "Create key");
    expect(await flash(page)).toBe("Nothing was created: this value already belongs to key first of occupied.");
    expect((await keysOf(occupied.id)).map((key) => key.name)).toEqual(["first"]);
    await page.goto(`${t.managementUrl}/web/keys/create`);

    // A new group made in the same form: a refused key leaves no group behind; a refused group name shows under its own field.
    await page.getByText("Or put it in a new group").click();
    await page.getByLabel("New group's name").fill("fresh");
    await page.getByLabel("Key name").fill("no good");
    expect((await submitForm(page, "Create key")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Invalid key name. Must be lowercase alphanumeric with dashes/underscores.");
    expect(await page.getByLabel("New group's name").inputValue()).toBe("fresh");
    expect(await groupNamed("fresh")).toBeUndefined();
    await page.getByLabel("New group's name").fill("occupied");
    await page.getByLabel("Key name").fill("good");
    expect((await submitForm(page, "Create key")).status()).toBe(409);
    expect(await fieldError(page, "newGroupName")).toBe("Group 'occupied' already exists");
    expect((await keysOf(occupied.id)).map((key) => key.name)).toEqual(["first"]);
    expect(await groups()).toEqual(before);

    await page.getByLabel("New group's name").fill("fresh");
    await page.getByLabel("New group's description (optional)").fill("made inline");
    expect((await submitForm(page, "Create key")).status()).toBe(201);
    expect(await flash(page)).toBe("Created API key good in group fresh.");
    const fresh = (await groupNamed("fresh")) as KeyGroup;
    expect(fresh.description).toBe("made inline");
    expect((await keysOf(fresh.id)).map((key) => key.name)).toEqual(["good"]);
    expect(page.problems).toEqual([]);
  });

  it("edits a group's description; refuses to delete management or a group that has keys", async () => {
    const { groupId } = await groupWithKey(t, "doomed");
    const page = await visit("/web/keys");
    await page.getByRole("link", { name: "Edit management" }).click();
    await page.getByLabel("Description").fill("Keys for the CLI and CI");
    await submitForm(page, "Save");
    expect(await flash(page)).toBe("Saved key group management.");
    expect((await groupNamed("management"))?.description).toBe("Keys for the CLI and CI");

    await page.getByRole("link", { name: "Delete management" }).click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe('Delete key group "management"?');
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe("Cannot delete management group");
    expect(await groupNamed("management")).toBeDefined();

    await page.getByRole("link", { name: "Delete doomed", exact: true }).click();
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe("Cannot delete group with 1 existing key(s). Delete keys first.");
    expect(await keysOf(groupId)).toHaveLength(1);
    expect(page.problems).toEqual([]);
  });

  it("edits a key (a blank value keeps it), then deletes it and its group", async () => {
    const { groupId, keyId, key } = await groupWithKey(t, "short-lived");
    const page = await visit("/web/keys");
    await page.getByRole("link", { name: "Edit short-lived-key" }).click();
    expect(await page.getByLabel("New value").inputValue()).toBe("");
    await page.getByLabel("Name").fill("Not Valid");
    await page.getByLabel("Description").fill("described");
    expect((await submitForm(page, "Save")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Invalid key name. Must be lowercase alphanumeric with dashes/underscores.");
    expect(await page.getByLabel("Description").inputValue()).toBe("described");
    await page.getByLabel("Name").fill("Renamed");
    await submitForm(page, "Save");
    expect(await flash(page)).toBe("Saved API key renamed.");
    expect((await keysOf(groupId)).map((k) => [k.name, k.value, k.description])).toEqual([["renamed", key, "described"]]);
    await page.goto(`${t.managementUrl}/web/keys/edit/${keyId}`);
    await page.getByLabel("New value").fill("replacement-value-0123456789");
    await submitForm(page, "Save");
    expect((await keysOf(groupId)).map((k) => k.value)).toEqual(["replacement-value-0123456789"]);

    await page.getByRole("link", { name: "Delete renamed" }).click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe('Delete API key "renamed" of short-lived?');
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await keysOf(groupId)).toHaveLength(1);
    await page.getByRole("link", { name: "Delete renamed" }).click();
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe("Deleted API key renamed.");
    expect(await keysOf(groupId)).toEqual([]);
    await page.getByRole("link", { name: "Delete short-lived", exact: true }).click();
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe("Deleted key group short-lived.");
    expect(await groupNamed("short-lived")).toBeUndefined();
    expect(await page.getByRole("heading", { level: 2, name: "short-lived" }).count()).toBe(0);
    expect(page.problems).toEqual([]);
  });
});

describe("secrets", () => {
  it("global and function secrets: created, read by the handler, edited, revealed and deleted through the pages", async () => {
    const functionId = await deployHandler(t, "reader", SECRET_READER);
    const page = await visit("/web/secrets");
    expect(await page.locator(".empty-state").textContent()).toBe("No global secrets yet — create one");
    await page.getByRole("button", { name: "New secret" }).click();
    await page.getByLabel("Name").fill("GREETING");
    await page.getByLabel("Value", { exact: true }).fill("hello from global");
    await page.getByLabel("Comment (optional)").fill("shared");
    await submitForm(page, "Create secret");
    expect(await flash(page)).toBe('Created global secret "GREETING".');
    expect(await readSecret("/run/reader", "GREETING")).toBe("hello from global");
    const row = page.getByRole("row", { name: /GREETING/ });
    expect(await row.locator(".masked-value code").textContent()).toBe("********");
    expect(await row.getByRole("cell", { name: "shared" }).count()).toBe(1);

    await page.goto(`${t.managementUrl}/web/functions/secrets/${functionId}`);
    expect(await heading(page)).toBe("Secrets of function reader");
    await page.getByRole("button", { name: "New secret" }).click();
    await page.getByLabel("Name").fill("GREETING");
    await page.getByLabel("Value", { exact: true }).fill("hello from reader");
    await submitForm(page, "Create secret");
    expect(await flash(page)).toBe('Created secret "GREETING" of function reader.');
    // The function's secret wins over the global one.
    expect(await readSecret("/run/reader", "GREETING")).toBe("hello from reader");
    const value = page.locator(".masked-value code");
    await page.getByRole("button", { name: "Reveal secret GREETING" }).click();
    await expect.poll(() => value.textContent()).toBe("hello from reader");

    // Editing: a blank value keeps the stored one.
    await page.getByRole("link", { name: "Edit GREETING" }).click();
    expect(await page.getByLabel("New value").inputValue()).toBe("");
    await page.getByLabel("Comment").fill("per function");
    await submitForm(page, "Save");
    expect(await flash(page)).toBe('Saved secret "GREETING" of function reader.');
    expect((await secrets({ functionId })).map((s) => [s.value, s.comment])).toEqual([["hello from reader", "per function"]]);
    await page.getByRole("link", { name: "Edit GREETING" }).click();
    await page.getByLabel("New value").fill("  \n ");
    await page.getByLabel("Comment").fill("");
    expect((await submitForm(page, "Save")).status()).toBe(400);
    expect(await fieldError(page, "value")).toBe("Secret value cannot be empty");
    expect(await page.getByLabel("Comment").inputValue()).toBe("");
    await page.getByLabel("New value").fill("changed");
    await submitForm(page, "Save");
    expect(await readSecret("/run/reader", "GREETING")).toBe("changed");
    // An empty comment removes it.
    expect((await secrets({ functionId }))[0]).not.toHaveProperty("comment");

    await page.getByRole("link", { name: "Delete GREETING" }).click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe('Delete secret "GREETING" of function reader?');
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe('Deleted secret "GREETING" of function reader.');
    expect(await readSecret("/run/reader", "GREETING")).toBe("hello from global");

    await page.goto(`${t.managementUrl}/web/secrets`);
    await page.getByRole("link", { name: "Delete GREETING" }).click();
    await submitForm(page, "Delete");
    expect(await flash(page)).toBe('Deleted global secret "GREETING".');
    expect(await readSecret("/run/reader", "GREETING")).toBe(null);
    expect(await secrets({})).toEqual([]);
    expect(page.problems).toEqual([]);
  });

  it("refuses bad names, empty values and duplicates with the API's messages, keeping what was typed", async () => {
    await t.socket.post("/api/secrets", { body: { name: "EXISTING", value: "x", scopeType: "global" } });
    const before = await secrets({});
    const page = await visit("/web/secrets/create");
    await page.getByLabel("Name").fill("bad name");
    await page.getByLabel("Value", { exact: true }).fill("kept value");
    await page.getByLabel("Comment (optional)").fill("kept comment");
    expect((await submitForm(page, "Create secret")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Invalid secret name. Must match pattern [a-zA-Z0-9_-]+");
    expect(await page.getByLabel("Name").inputValue()).toBe("bad name");
    expect(await page.getByLabel("Value", { exact: true }).inputValue()).toBe("kept value");
    expect(await page.getByLabel("Comment (optional)").inputValue()).toBe("kept comment");

    await page.getByLabel("Name").fill("GOOD");
    await page.getByLabel("Value", { exact: true }).fill("   ");
    expect((await submitForm(page, "Create secret")).status()).toBe(400);
    expect(await fieldError(page, "value")).toBe("Secret value cannot be empty");

    await page.getByLabel("Name").fill("EXISTING");
    await page.getByLabel("Value", { exact: true }).fill("other");
    expect((await submitForm(page, "Create secret")).status()).toBe(409);
    expect(await fieldError(page, "name")).toBe("A global secret with name 'EXISTING' already exists");
    expect(await secrets({})).toEqual(before);

    // A secret is reached only through its own scope's pages.
    const functionId = await deployHandler(t, "other", SECRET_READER);
    const { id } = await t.socket.post<{ id: string }>("/api/secrets", {
      body: { name: "EXISTING", value: "fn", scopeType: "function", functionId },
    });
    for (const path of [`/web/secrets/edit/${id}`, `/web/secrets/delete/${id}`, "/web/functions/secrets/nosuchfunction0000"]) {
      expect([path, (await page.request.get(`${t.managementUrl}${path}`)).status()]).toEqual([path, 404]);
    }
    await t.socket.delete(`/api/secrets/${id}`);
    await t.socket.delete(`/api/secrets/${before[0]?.id}`);
    expect(page.problems).toEqual([]);
  });

  it("group and key secrets: reached from the keys page, read by handlers called with the key", async () => {
    const { groupId, keyId, key } = await groupWithKey(t, "partners");
    await deployHandler(t, "partner-api", SECRET_READER, { keys: [groupId] });
    const page = await visit("/web/keys");
    await page.getByRole("link", { name: "Secrets of partners", exact: true }).click();
    expect(pathOf(page)).toBe(`/web/keys/secrets/${groupId}`);
    expect(await heading(page)).toBe("Secrets of key group partners");
    await page.getByRole("button", { name: "New secret" }).click();
    await page.getByLabel("Name").fill("TIER");
    await page.getByLabel("Value", { exact: true }).fill("gold");
    await submitForm(page, "Create secret");
    expect(await flash(page)).toBe('Created secret "TIER" of key group partners.');

    await page.getByRole("link", { name: "API keys" }).first().click();
    await page.getByRole("link", { name: "Secrets of partners-key" }).click();
    expect(pathOf(page)).toBe(`/web/keys/${keyId}/secrets`);
    await page.getByRole("button", { name: "New secret" }).click();
    await page.getByLabel("Name").fill("TIER");
    await page.getByLabel("Value", { exact: true }).fill("platinum");
    await submitForm(page, "Create secret");
    expect(await flash(page)).toBe('Created secret "TIER" of API key partners-key.');
    expect(await readSecret("/run/partner-api", "TIER", { "x-api-key": key })).toBe("platinum");

    await page.getByRole("link", { name: "Delete TIER" }).click();
    await submitForm(page, "Delete");
    expect(await readSecret("/run/partner-api", "TIER", { "x-api-key": key })).toBe("gold");
    await page.goto(`${t.managementUrl}/web/keys/secrets/${groupId}`);
    await page.getByRole("link", { name: "Delete TIER" }).click();
    await submitForm(page, "Delete");
    expect(await readSecret("/run/partner-api", "TIER", { "x-api-key": key })).toBe(null);
    expect(await secrets({ scope: "group" })).toEqual([]);
    expect(page.problems).toEqual([]);
  });
});

describe("values stay out of the pages", () => {
  it("no key or secret value is in any page's HTML until revealed, names are text, and reveal needs the CSRF token", async () => {
    const { groupId, keyId, key } = await groupWithKey(t, "hidden");
    const functionId = await deployHandler(t, "hidden-fn", SECRET_READER);
    await t.socket.put(`/api/key-groups/${groupId}`, { body: { description: "<script>alert(1)</script>" } });
    const values = { global: "global-VALUE-1", function: "function-VALUE-2", group: "group-VALUE-3", key: "key-VALUE-4" };
    const ids: Record<string, string> = {};
    for (const [scope, value] of Object.entries(values)) {
      const body = { name: "HIDDEN", value, scopeType: scope, functionId, groupId, keyId, comment: "<b>bold?</b>" };
      ids[scope] = (await t.socket.post<{ id: string }>("/api/secrets", { body })).id;
    }
    const pages = [
      "/web/keys",
      `/web/keys/edit/${keyId}`,
      `/web/keys/delete/${keyId}`,
      `/web/keys/groups/edit/${groupId}`,
      "/web/secrets",
      `/web/secrets/edit/${ids.global}`,
      `/web/secrets/delete/${ids.global}`,
      `/web/functions/secrets/${functionId}`,
      `/web/functions/secrets/${functionId}/edit/${ids.function}`,
      `/web/keys/secrets/${groupId}`,
      `/web/keys/secrets/${groupId}/edit/${ids.group}`,
      `/web/keys/${keyId}/secrets`,
      `/web/keys/${keyId}/secrets/edit/${ids.key}`,
    ];
    const page = await visit("/web/keys");
    for (const path of pages) {
      const response = await page.request.get(`${t.managementUrl}${path}`);
      const html = await response.text();
      expect([path, response.status()]).toEqual([path, 200]);
      for (const value of [key, ...Object.values(values)]) expect([path, html.includes(value)]).toEqual([path, false]);
      expect([path, html.includes("<script>alert(1)</script>"), html.includes("<b>bold?</b>")]).toEqual([path, false, false]);
    }
    expect(await htmlOf(page, "/web/keys")).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(await page.getByText("<script>alert(1)</script>").count()).toBe(1);

    // Reveal is a POST with the CSRF token, answered with the one value asked for.
    const refused = await page.request.post(`${t.managementUrl}/web/keys/reveal/${keyId}`, { headers: { accept: "application/json" } });
    expect([refused.status(), await refused.json()]).toEqual([403, { error: "CSRF token missing" }]);
    const token = await csrfTokenOf(page.context());
    const reveal = (path: string) =>
      page.request.post(`${t.managementUrl}${path}`, { headers: { accept: "application/json", "x-csrf-token": token } });
    expect(await (await reveal(`/web/keys/reveal/${keyId}`)).json()).toEqual({ value: key });
    expect(await (await reveal(`/web/keys/${keyId}/secrets/reveal/${ids.key}`)).json()).toEqual({ value: values.key });
    // Another scope's secret is not found through this scope's URL.
    const wrong = await reveal(`/web/secrets/reveal/${ids.key}`);
    expect([wrong.status(), await wrong.json()]).toEqual([404, { error: "Secret not found" }]);
    await t.socket.delete(`/api/secrets/${ids.global}`);
    expect(page.problems).toEqual([]);
  });

  it("fits a 360 px wide screen, revealed values included", async () => {
    const { key } = await groupWithKey(t, "narrow");
    await t.socket.post("/api/secrets", {
      body: { name: "DATABASE_URL", value: "postgres://db/app", scopeType: "global", comment: "primary database" },
    });
    await t.socket.post("/api/secrets", {
      body: { name: "SIGNING_KEY", value: "x".repeat(300), scopeType: "global", comment: "webhooks" },
    });
    const keys = await visit("/web/keys", PHONE);
    await keys.getByRole("button", { name: "Reveal API key narrow-key" }).click();
    await expect.poll(() => keys.getByRole("region", { name: "narrow" }).locator(".masked-value code").textContent()).toBe(key);
    expect(await scrollWidth(keys)).toBeLessThanOrEqual(PHONE.width);
    const narrow = await visit("/web/secrets", PHONE);
    await narrow.getByRole("button", { name: "Reveal secret SIGNING_KEY" }).click();
    await expect
      .poll(() =>
        narrow
          .getByRole("row", { name: /SIGNING_KEY/ })
          .locator(".masked-value code")
          .textContent(),
      )
      .toBe("x".repeat(300));
    expect(await scrollWidth(narrow)).toBeLessThanOrEqual(PHONE.width);

    const desktop = await visit("/web/secrets");
    await screenshot(desktop, "secrets");
    expect([...keys.problems, ...narrow.problems, ...desktop.problems]).toEqual([]);
  });
});
