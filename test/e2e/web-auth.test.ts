import type { Browser, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { MaskedValue } from "../../daemon/web/components/masked-value.js";
import { CONTENT_SECURITY_POLICY } from "../../daemon/web/page-middleware.js";
import type { MetricsBody } from "../../src/api-types.js";
import { ApiError } from "../../src/errors.js";
import {
  ADMIN,
  chromiumPerFile,
  csrfTokenOf,
  ensureAdmin,
  flash,
  heading,
  locationOf,
  openPage,
  PHONE,
  pathOf,
  screenshot,
  scrollWidth,
  signedInPage,
  signInWithForm,
  submitForm,
  webPerFile,
} from "../helpers/chromium.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";
import { deployHandler, eventually } from "../helpers/functions.js";

const chromium = chromiumPerFile();
let browser: Browser;
beforeAll(() => {
  browser = chromium();
});

const appendToMain = (page: Page, html: string) =>
  page.evaluate(`document.querySelector("main").insertAdjacentHTML("beforeend", ${JSON.stringify(html)})`);

/** Fills and sends the login form, answering the POST's response. */
async function submitLogin(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  return submitForm(page, "Sign in");
}

/** An anonymous HTTP client with its own cookie jar (playwright's), not following redirects. */
async function anonymousRequests() {
  const context = await browser.newContext();
  return {
    get: (url: string, headers: Record<string, string> = {}) => context.request.get(url, { maxRedirects: 0, headers }),
    post: (url: string, form: Record<string, string>) => context.request.post(url, { form, maxRedirects: 0 }),
    csrfToken: () => csrfTokenOf(context),
    close: () => context.close(),
  };
}

const userCount = async (t: TestDaemon) => (await t.socket.get<{ users: unknown[] }>("/api/users")).users.length;

describe("first run", () => {
  it("leads every page to setup, which keeps what was typed on a refusal and signs the new admin in", async () => {
    const t = await startTestDaemon();
    const page = await openPage(browser);
    await page.goto(`${t.managementUrl}/web/login`);
    expect(locationOf(page)).toBe("/web/setup");
    await page.getByLabel("Name").fill(ADMIN.name);
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again").fill("something-else");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.locator(".field-error").textContent()).toBe("Passwords do not match");
    expect(await page.getByLabel("Password", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByLabel("Name").inputValue()).toBe(ADMIN.name);
    expect(await page.getByLabel("Email").inputValue()).toBe(ADMIN.email);
    // Passwords are never sent back into a page.
    expect(await page.getByLabel("Password", { exact: true }).inputValue()).toBe("");
    expect(await userCount(t)).toBe(0);

    await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
    await page.getByLabel("Password again").fill(ADMIN.password);
    await Promise.all([page.waitForURL(`${t.managementUrl}/web`), page.getByRole("button", { name: "Create account" }).click()]);
    expect(await flash(page)).toBe(`Welcome, ${ADMIN.name}: your administrator account is ready.`);
    expect(await heading(page)).toBe("Dashboard");
    // The flash is shown once.
    await page.reload();
    expect(await page.locator(".flash").count()).toBe(0);

    // Setup is closed now, for everyone.
    await page.goto(`${t.managementUrl}/web/setup`);
    expect(locationOf(page)).toBe("/web");
    const anonymous = await anonymousRequests();
    const setup = await anonymous.get(`${t.managementUrl}/web/setup`);
    expect([setup.status(), setup.headers().location]).toEqual([302, "/web/login"]);
    await anonymous.close();
    expect(page.problems).toEqual([]);
  });
});

describe("without a session", () => {
  it("every page but setup leads to setup while no user exists, then to the login page with a callback; API keys open nothing", async () => {
    const t = await startTestDaemon();
    const anonymous = await anonymousRequests();
    for (const path of ["/web", "/web/login", "/web/functions", "/web/no-such-page"]) {
      const response = await anonymous.get(`${t.managementUrl}${path}`);
      expect([path, response.status(), response.headers().location]).toEqual([path, 302, "/web/setup"]);
    }
    expect((await anonymous.get(`${t.managementUrl}/web/setup`)).status()).toBe(200);

    await ensureAdmin(t.managementUrl);
    const key = await t.socket.post<{ value: string }>("/api/keys", { body: { groupId: "management", name: "ci" } });
    for (const [path, callback] of [
      ["/web", "/web"],
      ["/web/functions?page=2&level=error", "/web/functions?page=2&level=error"],
    ]) {
      const response = await anonymous.get(`${t.managementUrl}${path}`, { "x-api-key": key.value });
      expect(response.status()).toBe(302);
      expect(response.headers().location).toBe(`/web/login?callbackUrl=${encodeURIComponent(callback as string)}`);
    }
    expect((await anonymous.get(`${t.managementUrl}/web/login`)).status()).toBe(200);
    // A form posted without a session goes to the login page too, and changes nothing.
    const post = await anonymous.post(`${t.managementUrl}/web/logout`, { _csrf: await anonymous.csrfToken() });
    expect([post.status(), post.headers().location]).toEqual([302, "/web/login"]);
    await anonymous.close();
    // The control socket serves the API only: browsers come over TCP.
    await expect(t.socket.get("/web/login")).rejects.toSatisfy((error) => error instanceof ApiError && error.status === 404);
  });
});

describe("sign-in and sign-out", () => {
  it("signs out with a POST, and signs in again to the relative callbackUrl, never to another site", async () => {
    const t = await startTestDaemon();
    const page = await signedInPage(browser, t.managementUrl);
    expect(locationOf(page)).toBe("/web");
    await Promise.all([page.waitForURL(/\/web\/login$/), page.getByRole("button", { name: "Sign out" }).click()]);
    expect(await flash(page)).toBe("You are signed out.");
    await screenshot(page, "login");
    await page.goto(`${t.managementUrl}/web?view=hours#traffic`);
    expect(locationOf(page)).toBe(`/web/login?callbackUrl=${encodeURIComponent("/web?view=hours")}`);
    await submitLogin(page, ADMIN.email, ADMIN.password);
    expect(locationOf(page)).toBe("/web?view=hours");

    // GET /web/logout only asks.
    await page.goto(`${t.managementUrl}/web/logout`);
    expect(await page.getByText(`Signed in as ${ADMIN.email}.`).count()).toBe(1);
    await Promise.all([page.waitForURL(/\/web\/login$/), page.getByRole("main").getByRole("button", { name: "Sign out" }).click()]);

    // The full list of refused callbacks is in test/unit/web-callback-url.test.ts.
    const anonymous = await anonymousRequests();
    await anonymous.get(`${t.managementUrl}/web/login`);
    for (const callbackUrl of ["https://evil.example/web", "//evil.example/web"]) {
      const credentials = { email: ADMIN.email, password: ADMIN.password, callbackUrl, _csrf: await anonymous.csrfToken() };
      const signedIn = await anonymous.post(`${t.managementUrl}/web/login`, credentials);
      expect([callbackUrl, signedIn.status(), signedIn.headers().location]).toEqual([callbackUrl, 303, "/web"]);
      // Signed in, the login page forwards at once, to the same safe place.
      const again = await anonymous.get(`${t.managementUrl}/web/login?callbackUrl=${encodeURIComponent(callbackUrl)}`);
      expect([callbackUrl, again.status(), again.headers().location]).toEqual([callbackUrl, 302, "/web"]);
    }
    await anonymous.close();
    expect(page.problems).toEqual([]);
  });

  it("refuses wrong passwords alike, then locks the email out and refuses even the right password until the lockout ends", async () => {
    const t = await startTestDaemon({ loginThrottle: { lockAfterEmailFailures: 3, firstLockMs: 60_000 } });
    await ensureAdmin(t.managementUrl);
    const apiSignIn = (email: string, password: string) =>
      fetch(`${t.managementUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
    // The API's sign-in and the login page share the throttle; an unknown email counts as its own.
    expect((await apiSignIn("nobody@example.com", ADMIN.password)).status).toBe(401);
    expect((await apiSignIn(ADMIN.email.toUpperCase(), "wrong-password-1")).status).toBe(401);
    expect((await apiSignIn(ADMIN.email, "wrong-password-2")).status).toBe(401);
    const page = await openPage(browser);
    await page.goto(`${t.managementUrl}/web/login`);
    const refused = await submitLogin(page, ADMIN.email, "wrong-password-3");
    expect(refused.status()).toBe(401);
    expect(await page.locator(".form-error").textContent()).toBe("Invalid email or password");
    expect(await page.getByLabel("Email").inputValue()).toBe(ADMIN.email);

    const locked = await submitLogin(page, ADMIN.email, ADMIN.password);
    expect(locked.status()).toBe(429);
    // The lock is 60 s; a slow machine may have spent some of it by the time the answer is made.
    expect(Number(locked.headers()["retry-after"])).toBeGreaterThan(30);
    expect(Number(locked.headers()["retry-after"])).toBeLessThanOrEqual(60);
    expect(await page.locator(".form-error").textContent()).toMatch(/^Too many failed sign-in attempts\. Try again in \d+ seconds\.$/);
    await page.goto(`${t.managementUrl}/web`);
    expect(pathOf(page)).toBe("/web/login");

    const api = await apiSignIn(ADMIN.email, ADMIN.password);
    expect(api.status).toBe(429);
    expect(Number(api.headers.get("retry-after"))).toBeGreaterThan(30);
    expect(await api.json()).toEqual({ message: expect.stringMatching(/^Too many failed sign-in attempts/), code: "TOO_MANY_ATTEMPTS" });
    expect(page.problems).toEqual([]);
  });

  it("lets the right password in once a lockout has passed, which clears the failures; a client failing with many emails is locked out too", async () => {
    const t = await startTestDaemon({ loginThrottle: { lockAfterEmailFailures: 2, lockAfterClientFailures: 5, firstLockMs: 1_000 } });
    await ensureAdmin(t.managementUrl);
    const signIn = (email: string, password: string) =>
      fetch(`${t.managementUrl}/api/auth/sign-in/email`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
    expect((await signIn(ADMIN.email, "wrong-1")).status).toBe(401);
    expect((await signIn(ADMIN.email, "wrong-2")).status).toBe(401);
    const statuses: number[] = [];
    await eventually("the lockout to pass", async () => {
      const { status } = await signIn(ADMIN.email, ADMIN.password);
      statuses.push(status);
      return status === 200 ? status : undefined;
    });
    expect(statuses.every((status, index) => status === (index === statuses.length - 1 ? 200 : 429))).toBe(true);
    // Cleared: the next wrong password is an ordinary refusal.
    expect((await signIn(ADMIN.email, "wrong-3")).status).toBe(401);

    // The client's fifth failure (a success does not clear those) locks it out, for every email.
    for (const email of ["a@example.com", "b@example.com"]) expect((await signIn(email, "guess")).status).toBe(401);
    expect((await signIn("c@example.com", "guess")).status).toBe(429);
  });

  it("fits a 360 px wide screen", async () => {
    const t = await startTestDaemon();
    await ensureAdmin(t.managementUrl);
    const page = await openPage(browser, PHONE);
    await page.goto(`${t.managementUrl}/web/login`);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await signInWithForm(page, t.managementUrl, ADMIN);
    expect(await scrollWidth(page)).toBeLessThanOrEqual(PHONE.width);
    await screenshot(page, "dashboard-360");
    expect(page.problems).toEqual([]);
  });
});

describe("signed in", () => {
  // One daemon for these tests: an admin, three functions, and some traffic.
  const web = webPerFile({ browser: chromium });
  let t: TestDaemon;
  let helloId: string;
  /** A new page (own context) on the dashboard, signed in with the group's one session. */
  const dashboard = () => web.visit("/web");
  beforeAll(async () => {
    t = web.t;
    helloId = await deployHandler(t, "hello", "export default (c) => c.text('hello')");
    await deployHandler(t, "flaky", "export default (c) => { if (c.req.query('fail')) throw new Error('boom'); return c.text('ok') }");
    await deployHandler(t, "<script>alert(1)</script>", "export default (c) => c.text('xss')", { route: "/xss" });
    for (let i = 0; i < 12; i++) await fetch(`${t.functionUrl}/run/hello`);
    for (let i = 0; i < 5; i++) await fetch(`${t.functionUrl}/run/flaky${i < 2 ? "?fail=1" : ""}`);
    await fetch(`${t.functionUrl}/run/xss`);
    // Metrics reach the main thread in batches.
    await eventually("the metrics of 18 requests", async () => {
      const { data } = await t.socket.get<MetricsBody>("/api/metrics?resolution=hours");
      return data.metrics.reduce((sum, point) => sum + point.executionCount, 0) === 18 ? true : undefined;
    });
  });

  it("the dashboard shows the counts, the last 24 hours' requests and errors, the most active functions and the worker pool", async () => {
    const page = await dashboard();
    const stats = await page.locator(".stat").allInnerTexts();
    expect(stats.map((text) => text.replace(/\s+/g, " ").trim())).toEqual([
      "3 Functions",
      "0 Code sources",
      "0 API keys in 1 group",
      "0 Secrets",
      "1 Users",
    ]);
    expect((await page.locator(".totals").textContent())?.replace(/\s+/g, " ")).toBe("18 requests, 2 errors");
    expect(await page.locator(".chart").first().locator(".chart-bar").count()).toBe(24);
    const rows = await page.locator("table tbody tr").allInnerTexts();
    expect(rows.map((row) => row.split("\t").slice(0, 3))).toEqual([
      ["hello", "12", "0"],
      ["flaky", "5", "2"],
      ["<script>alert(1)</script>", "1", "0"],
    ]);
    expect(await page.locator(`a[href="/web/functions/metrics/${helloId}"]`).count()).toBe(1);
    expect(await page.locator("dl.facts").textContent()).toMatch(/Workers\s*2 \(0 busy, 0 requests in flight\)/);
    await screenshot(page, "dashboard");
    expect(page.problems).toEqual([]);
  });

  it("renders names as text: a function named <script>alert(1)</script> runs no script", async () => {
    const page = await dashboard();
    const html = await (await page.request.get(`${t.managementUrl}/web`)).text();
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(await page.getByRole("link", { name: "<script>alert(1)</script>" }).count()).toBe(1);
    // openPage records every dialog: none opened.
    expect(page.problems).toEqual([]);
  });

  it("answers every page with the strict CSP, no-store and the security headers, and has no inline script or style", async () => {
    const page = await dashboard();
    const anonymous = await anonymousRequests();
    const responses = [
      ["dashboard", await page.request.get(`${t.managementUrl}/web`)],
      ["not found", await page.request.get(`${t.managementUrl}/web/no-such-page`)],
      ["logout", await page.request.get(`${t.managementUrl}/web/logout`)],
      ["login", await anonymous.get(`${t.managementUrl}/web/login`)],
      ["refused form", await anonymous.post(`${t.managementUrl}/web/login`, {})],
    ] as const;
    for (const [name, response] of responses) {
      const headers = response.headers();
      expect([name, headers["content-security-policy"]]).toEqual([name, CONTENT_SECURITY_POLICY]);
      expect([name, headers["cache-control"]]).toEqual([name, "no-store, no-cache, must-revalidate"]);
      expect([name, headers["x-frame-options"], headers["x-content-type-options"], headers["referrer-policy"]]).toEqual([
        name,
        "DENY",
        "nosniff",
        "no-referrer",
      ]);
      expect([name, headers["content-type"]]).toEqual([name, "text/html; charset=UTF-8"]);
      const html = await response.text();
      expect([name, html.match(/<script(?![^>]*\ssrc=)[^>]*>|\sstyle=|<style|\son[a-z]+=/gi)]).toEqual([name, null]);
    }
    expect(responses[1][1].status()).toBe(404);
    expect(responses[4][1].status()).toBe(403);
    await anonymous.close();
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
  });

  it("serves the static files with their types and long caching for versioned URLs", async () => {
    const page = await dashboard();
    const attributes = async (selector: string, name: string) =>
      Promise.all((await page.locator(selector).all()).map((element) => element.getAttribute(name)));
    const linked = [...(await attributes("link[rel=stylesheet]", "href")), ...(await attributes("script[src]", "src"))];
    expect(linked).toEqual([
      expect.stringMatching(/^\/static\/pico\.min\.css\?v=[\w-]{12}$/),
      expect.stringMatching(/^\/static\/app\.css\?v=[\w-]{12}$/),
      expect.stringMatching(/^\/static\/app\.js\?v=[\w-]{12}$/),
    ]);
    for (const url of [...linked, "/static/editor.js"]) {
      const response = await fetch(`${t.managementUrl}${url}`);
      expect([url, response.status]).toEqual([url, 200]);
      expect(response.headers.get("content-type")).toMatch(url?.includes(".css") ? /^text\/css/ : /^text\/javascript/);
      expect(response.headers.get("cache-control")).toBe(url?.includes("?v=") ? "public, max-age=31536000, immutable" : "public, no-cache");
      const etag = response.headers.get("etag") as string;
      expect((await fetch(`${t.managementUrl}${url}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    }
    const favicon = await fetch(`${t.managementUrl}/favicon.ico`);
    expect([favicon.status, favicon.headers.get("content-type")]).toEqual([200, "image/svg+xml"]);
    expect((await fetch(`${t.managementUrl}/static/nope.js`)).status).toBe(404);
    expect(page.problems).toEqual([]);
  });

  it("refuses a form posted without its CSRF token or with another one, with a page that says what to do, and changes nothing", async () => {
    const page = await dashboard();
    for (const [token, message] of [
      [undefined, "CSRF token missing"],
      ["forged.1700000000000.signature", "Invalid CSRF token"],
    ] as const) {
      const response = await page.request.post(`${t.managementUrl}/web/logout`, { form: token ? { _csrf: token } : {}, maxRedirects: 0 });
      expect(response.status()).toBe(403);
      const html = await response.text();
      expect(html).toContain(message);
      expect(html).toContain("Go back, reload the page and send it again.");
    }
    // A page script's request asking for JSON gets JSON.
    const json = await page.request.post(`${t.managementUrl}/web/logout`, { headers: { accept: "application/json" }, maxRedirects: 0 });
    expect([json.status(), await json.json()]).toEqual([403, { error: "CSRF token missing" }]);

    // In the page: the sign-out form with a tampered token is refused, and the session lives on.
    await page.evaluate(`document.querySelector('header form[action="/web/logout"] input[name="_csrf"]').value = "tampered"`);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByText("Invalid CSRF token").waitFor();
    expect(await heading(page)).toBe("Not allowed");
    await page.goto(`${t.managementUrl}/web`);
    expect(locationOf(page)).toBe("/web");
  });

  it("editor.js turns a textarea into a CodeMirror editor under the strict CSP, and the form sends what was typed", async () => {
    const page = await dashboard();
    let sent: URLSearchParams | undefined;
    await page.route("**/web/editor-probe", async (route) => {
      sent = new URLSearchParams(route.request().postData() ?? "");
      await route.fulfill({ status: 200, contentType: "text/plain", body: "received" });
    });
    const form =
      '<form method="post" action="/web/editor-probe"><label for="code">Handler</label>' +
      '<textarea id="code" name="code" data-editor="typescript" required>const a: number = 1;</textarea><button type="submit">Save</button></form>';
    await appendToMain(page, form);
    await page.addScriptTag({ url: "/static/editor.js", type: "module" });
    const content = page.locator(".cm-content");
    await content.waitFor();
    expect(await page.locator("#code").isHidden()).toBe(true);
    // Styled: CodeMirror's stylesheet applied (the CSP would have refused a <style> element).
    expect(
      await page.evaluate(`getComputedStyle(document.querySelector(".code-editor").shadowRoot.querySelector(".cm-editor")).display`),
    ).toBe("flex");
    expect(await page.locator(".cm-gutters").count()).toBe(1);
    expect(await content.getAttribute("aria-label")).toBe("Handler");
    // Highlighted as TypeScript: the type annotation is a token of its own.
    expect(await page.locator(".cm-line span").count()).toBeGreaterThan(2);
    await content.click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type("\nexport default a;");
    await page.getByRole("button", { name: "Save" }).click();
    await eventually("the form to be sent", () => sent);
    // As every browser sends a textarea (readForm turns CRLF back into LF).
    expect(sent?.get("code")).toBe("const a: number = 1;\r\nexport default a;");
    expect(page.problems).toEqual([]);
  });

  it("a masked value is fetched only when Reveal or Copy is clicked, with the CSRF header", async () => {
    const page = await dashboard();
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: t.managementUrl });
    const requests: { method: string; csrf: string | undefined }[] = [];
    await page.route("**/web/probe/reveal", async (route) => {
      requests.push({ method: route.request().method(), csrf: route.request().headers()["x-csrf-token"] });
      await route.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify({ value: "s3cret-value-abc123" }) });
    });
    const markup = (await MaskedValue({ masked: "••••••abc123", revealUrl: "/web/probe/reveal", label: "API key ci" })).toString();
    await appendToMain(page, markup);
    const value = page.locator(".masked-value code");
    expect(await value.textContent()).toBe("••••••abc123");
    expect(requests).toEqual([]);

    await page.getByRole("button", { name: "Reveal API key ci" }).click();
    await expect.poll(() => value.textContent()).toBe("s3cret-value-abc123");
    const csrf = await csrfTokenOf(page.context());
    expect(requests).toEqual([{ method: "POST", csrf }]);
    await page.getByRole("button", { name: "Reveal API key ci" }).click();
    await expect.poll(() => value.textContent()).toBe("••••••abc123");

    await page.getByRole("button", { name: "Copy API key ci" }).click();
    await expect.poll(() => page.getByRole("button", { name: "Copy API key ci" }).textContent()).toBe("Copied");
    expect(await page.evaluate("navigator.clipboard.readText()")).toBe("s3cret-value-abc123");
    // Fetched once, then remembered.
    expect(requests).toHaveLength(1);
    expect(page.problems).toEqual([]);
  });
});
