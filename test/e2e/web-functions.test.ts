import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { FunctionDefinition, FunctionsListBody, LogsBody, MetricsBody } from "../../src/api-types.js";
import {
  fieldError,
  flash,
  heading,
  openPage,
  PHONE,
  pathOf,
  screenshot,
  scrollWidth,
  submitForm,
  webPerFile,
} from "../helpers/chromium.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { createFunction, eventually, writeHandler } from "../helpers/functions.js";

/** Four log entries a call: exec_start, a log line (with the `who` query as its argument), a warning, exec_end. */
const HELLO = `export default (c) => {
  console.log("hello from", c.req.query("who") ?? "nobody");
  console.warn("careful");
  return c.text("hi");
};`;

const web = webPerFile();
const { visit } = web;
let t: TestDaemon;
let partnersId: string;

beforeAll(async () => {
  t = web.t;
  writeHandler(t, "demo/hello.ts", HELLO);
  writeHandler(t, "demo/other.js", "export default (c) => c.text('other');");
  ({ id: partnersId } = await t.socket.post<{ id: string }>("/api/key-groups", { body: { name: "partners" } }));
  await t.socket.post("/api/secrets", { body: { name: "SHARED_TOKEN", value: "global-value", scopeType: "global" } });
  await t.socket.post("/api/secrets", { body: { name: "PARTNER_TOKEN", value: "group-value", scopeType: "group", groupId: partnersId } });
});

/** The message of an error page (error-page.tsx), from its HTML. */
const errorMessage = (html: string) => /<article class="error-page"><p><strong>([^<]*)<\/strong>/.exec(html)?.[1]?.replace(/&#39;/g, "'");

const functions = async () => (await t.socket.get<FunctionsListBody>("/api/functions")).functions;
const functionNamed = async (name: string) => (await functions()).find((fn) => fn.name === name) as FunctionDefinition;
const run = (path: string) => fetch(`${t.functionUrl}/run${path}`);
/** The logs a page of the API shows, for comparing with the web page's rows. */
const apiLogIds = async (functionId: string, query: Record<string, string> = {}) =>
  (await t.socket.get<LogsBody>("/api/logs", { query: { functionId, ...query } })).data.logs.map((entry) => entry.id);
/** An attribute of every element a locator matches (the tests are type-checked without the DOM's types). */
const attributes = async (locator: Locator, name: string) =>
  Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
const rowIds = (page: Page) => attributes(page.locator("tbody tr"), "data-id");

describe("function form", () => {
  it("creates a function: refusals show the API's message by the field, keep what was typed and change nothing", async () => {
    const page = await visit("/web/functions");
    expect(await page.locator(".empty-state").textContent()).toBe("No functions yet — create one for a handler file");
    await page.getByRole("button", { name: "New function" }).click();
    expect(await heading(page)).toBe("New function");
    // GET is ticked for a start; CORS shows only once OPTIONS is ticked.
    expect(await page.getByRole("checkbox", { name: "GET" }).isChecked()).toBe(true);
    await expect.poll(() => page.locator("[data-cors-settings]").isHidden()).toBe(true);

    await page.getByLabel("Name").fill("hello");
    await page.getByLabel("Description").fill("Says hello");
    // Suggestions follow the typed text (the fuzzy file search).
    const suggestions = () => attributes(page.locator("#handler-files option"), "value");
    expect(await suggestions()).toEqual(expect.arrayContaining(["demo/hello.ts", "demo/other.js"]));
    await page.getByLabel("Handler").pressSequentially("oth");
    await expect.poll(suggestions).toEqual(["demo/other.js"]);
    await page.getByLabel("Handler").fill("demo/hello.ts");
    await page.getByLabel("Route").fill("hello");
    await page.getByRole("checkbox", { name: "POST" }).check();
    const refused = await submitForm(page, "Create function");
    expect(refused.status()).toBe(400);
    expect(await fieldError(page, "route")).toBe("Invalid or missing route path");
    expect(await page.getByLabel("Route").getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Name").inputValue()).toBe("hello");
    expect(await page.getByLabel("Description").inputValue()).toBe("Says hello");
    expect(await page.getByLabel("Handler").inputValue()).toBe("demo/hello.ts");
    expect(await page.getByLabel("Route").inputValue()).toBe("hello");
    expect(await page.getByRole("checkbox", { name: "POST" }).isChecked()).toBe(true);
    expect(await functions()).toEqual([]);

    await page.getByLabel("Route").fill("/hello");
    await page.getByRole("checkbox", { name: "POST" }).uncheck();
    await page.getByRole("checkbox", { name: "OPTIONS" }).check();
    expect(await page.locator("[data-cors-settings]").isVisible()).toBe(true);
    await page.getByLabel("Allowed origins").fill("not a url");
    await page.getByLabel("Timeout (milliseconds)").fill("soon");
    expect((await submitForm(page, "Create function")).status()).toBe(400);
    expect(await fieldError(page, "cors.origins")).toBe("cors.origins contains invalid URL: not a url");
    // Kept, in the CORS fields still shown.
    expect(await page.getByLabel("Allowed origins").inputValue()).toBe("not a url");
    expect(await page.locator("[data-cors-settings]").isVisible()).toBe(true);

    await page.getByLabel("Allowed origins").fill("https://app.example.com\n*");
    await page.getByLabel("Allow credentials (cookies, Authorization)").check();
    expect((await submitForm(page, "Create function")).status()).toBe(400);
    expect(await fieldError(page, "cors.credentials")).toBe("cors.credentials cannot be true when origins includes '*'");
    await page.getByLabel("Allowed origins").fill("https://app.example.com");
    expect((await submitForm(page, "Create function")).status()).toBe(400);
    expect(await fieldError(page, "timeoutMs")).toBe("timeoutMs must be a positive integer (milliseconds)");
    expect(await page.getByLabel("Timeout (milliseconds)").inputValue()).toBe("soon");
    expect(await functions()).toEqual([]);

    // The secrets preview: names only, a group's while it is ticked.
    const preview = page.getByRole("region", { name: "Secrets it can read" });
    expect(await preview.textContent()).toContain("SHARED_TOKEN");
    expect(await preview.getByText("PARTNER_TOKEN").isHidden()).toBe(true);
    await page.getByRole("checkbox", { name: "partners" }).check();
    expect(await preview.getByText("PARTNER_TOKEN").isVisible()).toBe(true);
    await page.getByRole("checkbox", { name: "partners" }).uncheck();
    expect(await preview.getByText("PARTNER_TOKEN").isHidden()).toBe(true);
    expect(await (await page.request.get(page.url())).text()).not.toMatch(/global-value|group-value/);

    await page.getByLabel("Timeout (milliseconds)").fill("5000");
    const created = await submitForm(page, "Create function");
    expect(created.status()).toBe(303);
    expect(pathOf(page)).toBe("/web/functions");
    expect(await flash(page)).toBe('Function "hello" created.');
    const fn = await functionNamed("hello");
    expect(fn).toMatchObject({
      description: "Says hello",
      handler: "demo/hello.ts",
      route: "/hello",
      methods: ["GET", "OPTIONS"],
      keys: null,
      cors: { origins: ["https://app.example.com"], credentials: true },
      timeoutMs: 5000,
      enabled: true,
    });
    expect((await run("/hello")).status).toBe(200);

    // A second one of the same name: the API's conflict, by the name.
    await page.goto(`${t.managementUrl}/web/functions/create`);
    await page.getByLabel("Name").fill("hello");
    await page.getByLabel("Handler").fill("demo/other.js");
    await page.getByLabel("Route").fill("/other");
    expect((await submitForm(page, "Create function")).status()).toBe(409);
    expect(await fieldError(page, "name")).toBe("Function with name 'hello' already exists");
    expect((await functions()).length).toBe(1);

    // A handler that does not exist yet is saved, with the check's note.
    await page.getByLabel("Name").fill("later");
    await page.getByLabel("Handler").fill("demo/later.ts");
    expect((await submitForm(page, "Create function")).status()).toBe(303);
    expect(await flash(page)).toMatch(/^Function "later" created\. Note: demo\/later\.ts: .+/);
    expect(page.problems).toEqual([]);
  });

  it("edits a function: the form starts with its values, a refusal changes nothing, a save replaces them", async () => {
    const fn = await functionNamed("hello");
    await createFunction(t, { name: "taken", handler: "demo/other.js", route: "/taken" });
    const page = await visit("/web/functions");
    await page
      .getByRole("row", { name: /^hello/ })
      .getByRole("link", { name: "Edit" })
      .click();
    expect(await heading(page)).toBe('Edit function "hello"');
    expect(await page.getByLabel("Handler").inputValue()).toBe("demo/hello.ts");
    expect(await page.getByRole("checkbox", { name: "OPTIONS" }).isChecked()).toBe(true);
    expect(await page.getByLabel("Allowed origins").inputValue()).toBe("https://app.example.com");
    expect(await page.getByLabel("Timeout (milliseconds)").inputValue()).toBe("5000");
    await screenshot(page, "function-form");
    expect(
      await page
        .getByRole("region", { name: "Secrets it can read" })
        .getByRole("link", { name: "this function's secrets" })
        .getAttribute("href"),
    ).toBe(`/web/functions/secrets/${fn.id}`);

    await page.getByLabel("Route").fill("/taken");
    expect((await submitForm(page, "Save changes")).status()).toBe(409);
    expect(await fieldError(page, "route")).toBe("Route '/taken' with method(s) GET already exists (function: 'taken')");
    expect(await page.getByLabel("Route").inputValue()).toBe("/taken");
    expect(await functionNamed("hello")).toEqual(fn);

    await page.getByRole("checkbox", { name: "GET" }).uncheck();
    await page.getByRole("checkbox", { name: "OPTIONS" }).uncheck();
    expect((await submitForm(page, "Save changes")).status()).toBe(400);
    expect(await fieldError(page, "methods")).toBe("Invalid or missing methods");
    expect(await functionNamed("hello")).toEqual(fn);

    await page.getByRole("checkbox", { name: "GET" }).check();
    await page.getByLabel("Route").fill("/greet/:who?");
    await page.getByLabel("Allowed origins").fill("");
    await page.getByLabel("Allow credentials (cookies, Authorization)").uncheck();
    await page.getByLabel("Timeout (milliseconds)").fill("");
    await page.getByRole("checkbox", { name: "partners" }).check();
    expect((await submitForm(page, "Save changes")).status()).toBe(303);
    expect(await flash(page)).toBe('Function "hello" saved.');
    expect(await functionNamed("hello")).toEqual({
      ...fn,
      route: "/greet/:who?",
      methods: ["GET"],
      cors: null,
      timeoutMs: null,
      keys: [partnersId],
    });
    // Back to public, for the logs and metrics below.
    await page
      .getByRole("row", { name: /^hello/ })
      .getByRole("link", { name: "Edit" })
      .click();
    await page.getByRole("checkbox", { name: "partners" }).uncheck();
    await submitForm(page, "Save changes");
    expect((await functionNamed("hello")).keys).toBeNull();

    const missing = await page.request.get(`${t.managementUrl}/web/functions/edit/no-such-id`);
    expect([missing.status(), errorMessage(await missing.text())]).toEqual([404, "Function with id 'no-such-id' not found"]);
    expect(page.problems).toEqual([]);
  });

  it("toggles a function off and on from the list: /run answers 404 while it is off", async () => {
    const page = await visit("/web/functions");
    expect((await run("/greet/ada")).status).toBe(200);
    const toggle = page.getByRole("switch", { name: "Enable hello" });
    expect(await toggle.isChecked()).toBe(true);
    // A row's switch posts its form at once (app.js).
    await submitForm(page, toggle);
    await expect.poll(() => flash(page)).toBe('Function "hello" disabled.');
    expect(await page.getByRole("switch", { name: "Enable hello" }).isChecked()).toBe(false);
    expect((await functionNamed("hello")).enabled).toBe(false);
    const disabled = await run("/greet/ada");
    expect([disabled.status, await disabled.json()]).toEqual([404, { error: "Function not found" }]);

    await submitForm(page, page.getByRole("switch", { name: "Enable hello" }));
    await expect.poll(() => flash(page)).toBe('Function "hello" enabled.');
    expect((await run("/greet/ada")).status).toBe(200);
    expect(page.problems).toEqual([]);
  });

  it("deletes a function after a confirmation page", async () => {
    const taken = await functionNamed("taken");
    const page = await visit("/web/functions");
    await page
      .getByRole("row", { name: /^taken/ })
      .getByRole("link", { name: "Delete" })
      .click();
    expect(pathOf(page)).toBe(`/web/functions/delete/${taken.id}`);
    expect(await page.locator(".confirm-delete").textContent()).toContain('Delete function "taken"?');
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(pathOf(page)).toBe("/web/functions");
    expect(await functionNamed("taken")).toBeDefined();

    await page.goto(`${t.managementUrl}/web/functions/delete/${taken.id}`);
    expect((await submitForm(page, "Delete")).status()).toBe(303);
    expect(await flash(page)).toBe('Function "taken" deleted.');
    expect(await functionNamed("taken")).toBeUndefined();
    expect((await run("/taken")).status).toBe(404);
    // Once gone, its pages say so.
    const again = await page.request.get(`${t.managementUrl}/web/functions/delete/${taken.id}`);
    expect([again.status(), errorMessage(await again.text())]).toEqual([404, `Function with id '${taken.id}' not found`]);
    expect(page.problems).toEqual([]);
  });
});

describe("logs and metrics", () => {
  it("shows a call's log lines live, without a reload, coloured by level", async () => {
    const fn = await functionNamed("hello");
    const page = await visit(`/web/functions/logs/${fn.id}`);
    expect(await heading(page)).toBe('Logs of "hello"');
    await expect
      .poll(() => page.locator("[data-live-status]").textContent())
      .toBe("Live: new entries appear at the top as they are written.");
    await page.evaluate("window.notReloaded = true");
    expect((await run("/greet/ada?who=live-test")).status).toBe(200);
    const line = page.locator("tbody tr.log-log", { hasText: "live-test" });
    await line.waitFor();
    expect(await line.locator(".log-message").textContent()).toBe("hello from live-test");
    expect(await line.getAttribute("class")).toContain("log-log");
    // The whole call arrives, newest at the top.
    await expect
      .poll(async () => (await page.locator("tbody tr .log-level").allTextContents()).slice(0, 4))
      .toEqual(["exec_end", "warn", "log", "exec_start"]);
    expect(await page.evaluate("window.notReloaded")).toBe(true);
    // The page's rows are the API's newest entries, each once.
    const ids = await rowIds(page);
    expect(ids).toEqual(await apiLogIds(fn.id, { limit: String(ids.length) }));
    await screenshot(page, "logs");
    expect(page.problems).toEqual([]);
  });

  it("pages through the logs with a small page size, and filters them by level", async () => {
    const fn = await functionNamed("hello");
    for (const who of ["a", "b", "c"]) expect((await run(`/greet/x?who=${who}`)).status).toBe(200);
    await eventually("the last call's log entries", async () => {
      const { logs } = (await t.socket.get<LogsBody>("/api/logs", { query: { functionId: fn.id, limit: "4" } })).data;
      return logs[0]?.level === "exec_end" && logs[2]?.args === '["c"]' ? true : undefined;
    });
    const page = await visit(`/web/functions/logs/${fn.id}?limit=3`);
    const first = await rowIds(page);
    expect(first).toEqual(await apiLogIds(fn.id, { limit: "3" }));
    expect(await page.getByRole("link", { name: "← Newer" }).count()).toBe(0);

    await page.getByRole("link", { name: "Older →" }).click();
    const second = await rowIds(page);
    await page.getByRole("link", { name: "Older →" }).click();
    const third = await rowIds(page);
    expect([...first, ...second, ...third]).toEqual(await apiLogIds(fn.id, { limit: "9" }));
    // No live rows on older pages: they would land among old entries.
    expect(await page.locator("tbody[data-log-stream]").count()).toBe(0);
    await page.getByRole("link", { name: "← Newer" }).click();
    expect(await rowIds(page)).toEqual(second);
    await page.getByRole("link", { name: "← Newer" }).click();
    expect(await rowIds(page)).toEqual(first);
    expect(await page.getByRole("link", { name: "← Newer" }).count()).toBe(0);

    // The filter form: levels and page size.
    await page.getByRole("checkbox", { name: "warn" }).check();
    await page.getByLabel("Entries a page").selectOption("50");
    await Promise.all([page.waitForURL(/level=warn/), page.getByRole("button", { name: "Show" }).click()]);
    const levels = await page.locator("tbody tr .log-level").allTextContents();
    expect(levels.length).toBeGreaterThanOrEqual(4);
    expect(new Set(levels)).toEqual(new Set(["warn"]));
    expect(await rowIds(page)).toEqual(await apiLogIds(fn.id, { level: "warn", limit: "50" }));
    expect(await page.getByRole("checkbox", { name: "warn" }).isChecked()).toBe(true);

    // A request's link shows that request's entries only.
    const request = await page.locator("tbody tr").first().getByRole("link").getAttribute("title");
    await page.locator("tbody tr").first().getByRole("link").click();
    expect(await page.locator("tbody tr .log-level").allTextContents()).toEqual(["exec_end", "warn", "log", "exec_start"]);
    expect(request).toBe(`Only request ${new URL(page.url()).searchParams.get("requestId")}`);
    expect(await page.getByRole("link", { name: "Show every request" }).count()).toBe(1);

    // Bad parameters get the API's messages.
    for (const [query, message] of [
      [
        "level=warn,loud",
        "Invalid level values: loud. Valid levels: log, debug, info, warn, error, trace, stdout, stderr, exec_start, exec_end, exec_reject",
      ],
      ["limit=0", "Invalid limit parameter. Must be between 1 and 1000"],
      ["cursor=%25%25", "Invalid cursor format"],
    ]) {
      const response = await page.request.get(`${t.managementUrl}/web/functions/logs/${fn.id}?${query}`);
      expect([query, response.status(), errorMessage(await response.text())]).toEqual([query, 400, message]);
    }
    expect(page.problems).toEqual([]);
  });

  it("charts the function's executions and the global ones by minute, hour and day", async () => {
    const fn = await functionNamed("hello");
    await eventually("metrics of the calls", async () => {
      const { data } = await t.socket.get<MetricsBody>("/api/metrics", { query: { resolution: "minutes", functionId: fn.id } });
      return data.summary.totalExecutions >= 5 ? data.summary.totalExecutions : undefined;
    });
    const page = await visit("/web/functions");
    await page
      .getByRole("row", { name: /^hello/ })
      .getByRole("link", { name: "Metrics" })
      .click();
    expect(await heading(page)).toBe('Metrics of "hello"');
    const { data } = await t.socket.get<MetricsBody>("/api/metrics", { query: { resolution: "minutes", functionId: fn.id } });
    const stat = (label: string) => page.locator(".stat", { hasText: label }).locator(".stat-value").textContent();
    expect(Number(await stat("Executions"))).toBe(data.summary.totalExecutions);
    expect(Number(await stat("Errors"))).toBe(0);
    expect(await stat("Average time")).toMatch(/^\d+\.\d+ ms$/);
    // One bar a minute of the last hour; the executions are in the newest bars.
    const bars = page.getByRole("img", { name: "Executions per minute" }).locator(".chart-bar");
    expect(await bars.count()).toBe(60);
    expect(await page.getByRole("img", { name: "Average time per minute" }).locator(".chart-dot").count()).toBe(60);
    const titles = await bars.locator("title").allTextContents();
    expect(titles.reduce((sum, title) => sum + Number(title.split(": ")[1]), 0)).toBe(data.summary.totalExecutions);
    await screenshot(page, "metrics");

    await page.getByRole("link", { name: "Hours" }).click();
    expect(await page.getByRole("img", { name: "Executions per hour" }).locator(".chart-bar").count()).toBe(24);
    expect(Number(await stat("Executions"))).toBe(data.summary.totalExecutions);
    await page.getByRole("link", { name: "Days" }).click();
    expect(await page.getByRole("img", { name: "Executions per day" }).locator(".chart-bar").count()).toBe(90);

    await page.getByRole("link", { name: "All functions" }).click();
    expect(await heading(page)).toBe("Metrics of all functions");
    const global = await t.socket.get<MetricsBody>("/api/metrics", { query: { resolution: "minutes" } });
    expect(Number(await stat("Executions"))).toBe(global.data.summary.totalExecutions);
    expect(global.data.summary.totalExecutions).toBeGreaterThanOrEqual(data.summary.totalExecutions);

    const bad = await page.request.get(`${t.managementUrl}/web/functions/metrics/global?resolution=weeks`);
    expect([bad.status(), errorMessage(await bad.text())]).toEqual([
      400,
      "Invalid resolution parameter. Must be one of: minutes, hours, days",
    ]);
    expect(page.problems).toEqual([]);
  });
});

describe("function list", () => {
  it("shows each function's traffic of the last hour, escapes names, and fits a 360 px screen", async () => {
    const page = await visit("/web/functions");
    const hello = page.getByRole("row", { name: /^hello/ });
    expect(await hello.getByRole("cell").nth(4).textContent()).toMatch(/^\d+ requests$/);
    expect(await hello.getByRole("cell").nth(1).textContent()).toBe("/greet/:who?");
    await screenshot(page, "functions");

    await createFunction(t, { name: "<script>alert(1)</script>", handler: "demo/other.js", route: "/xss" });
    await page.reload();
    expect(await page.getByRole("link", { name: "<script>alert(1)</script>" }).count()).toBe(1);
    expect(await (await page.request.get(`${t.managementUrl}/web/functions`)).text()).not.toContain("<script>alert(1)</script>");
    const secrets = await hello.getByRole("link", { name: "Secrets" }).getAttribute("href");
    expect(secrets).toBe(`/web/functions/secrets/${(await functionNamed("hello")).id}`);
    expect(page.problems).toEqual([]);

    // Every page of the group fits a phone: wide tables scroll inside their wrapper.
    const { id } = await functionNamed("hello");
    const phone = await openPage(web.browser, PHONE, web.session);
    for (const path of ["/web/functions", "/web/functions/create", `/web/functions/logs/${id}`, `/web/functions/metrics/${id}`]) {
      await phone.goto(`${t.managementUrl}${path}`);
      expect([path, (await scrollWidth(phone)) <= PHONE.width]).toEqual([path, true]);
    }
    expect(phone.problems).toEqual([]);
  });
});
