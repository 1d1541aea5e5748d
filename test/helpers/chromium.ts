import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Locator, type Page, type Response as PageResponse } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { PACKAGE_ROOT } from "../../src/package.js";
import { deferCleanup } from "./cleanup.js";
import type { TestDaemon } from "./daemon.js";
import { daemonPerFile } from "./run.js";

/** Bounds every wait of a page (clicks, navigations, expectations) so a broken page fails, not hangs. */
const ACTION_TIMEOUT_MS = 10_000;
const NAVIGATION_TIMEOUT_MS = 20_000;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 360, height: 740 };

/**
 * Debian's chromium (`.ci/run` installs it), headless. Launch one per test file in beforeAll
 * and close it in afterAll; each page gets a fresh context (its own cookies), closed after the test.
 */
export async function launchChromium(): Promise<Browser> {
  // playwright gives every launch a fresh temporary profile (--user-data-dir) and removes it on close.
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    timeout: NAVIGATION_TIMEOUT_MS,
  });
}

export interface PageProblems {
  /** Console errors (CSP violations are reported there), failed subresources, uncaught exceptions and alert()s. */
  readonly problems: string[];
}

/**
 * A new page in a new context at `viewport`, closed after the test. `problems` collects what a
 * clean page never produces: console errors (a blocked inline style or script lands there),
 * scripts, styles or images that failed to load, uncaught exceptions, and dialogs (an injected
 * `alert(1)` that ran); dialogs are dismissed.
 */
export async function openPage(browser: Browser, viewport = DESKTOP, cookies: SessionCookies = []): Promise<Page & PageProblems> {
  const context = await browser.newContext({ viewport });
  deferCleanup(() => context.close());
  await context.addCookies(cookies);
  const page = await context.newPage();
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  const problems: string[] = [];
  page.on("console", (message) => {
    // Chromium logs every 4xx answer so, the refusal pages' own included; failed subresources are caught below.
    if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) problems.push(`console: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== "document")
      problems.push(`${response.status()}: ${response.url()}`);
  });
  page.on("pageerror", (error) => problems.push(`exception: ${error.message}`));
  page.on("dialog", (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return Object.assign(page, { problems });
}

/** Signs in through the login form and waits for the page it leads to. */
export async function signInWithForm(page: Page, managementUrl: string, credentials: { email: string; password: string }): Promise<void> {
  await page.goto(`${managementUrl}/web/login`);
  await page.getByLabel("Email").fill(credentials.email);
  await page.getByLabel("Password").fill(credentials.password);
  await Promise.all([page.waitForURL((url) => url.pathname !== "/web/login"), page.getByRole("button", { name: "Sign in" }).click()]);
}

/**
 * Clicks a form's submit button (by its exact name) or a control whose change posts the form
 * (a ToggleForm switch) and waits for the page its POST leads to; answers the POST's own response.
 */
export async function submitForm(page: Page, button: string | Locator): Promise<PageResponse> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.request().resourceType() === "document"),
    (typeof button === "string" ? page.getByRole("button", { name: button, exact: true }) : button).click(),
  ]);
  await page.waitForLoadState();
  return response;
}

/** The page's path, without its query. */
export const pathOf = (page: Page) => new URL(page.url()).pathname;
/** The page's path and query: where a redirect's `?callbackUrl=` or a view's `?dir=` matters. */
export const locationOf = (page: Page) => {
  const url = new URL(page.url());
  return `${url.pathname}${url.search}`;
};
/** The flash message the layout shows (flash.ts). */
export const flash = (page: Page) => page.locator(".flash").textContent();
export const heading = (page: Page) => page.getByRole("heading", { level: 1 }).textContent();
/**
 * The error under a form field (forms.ts: `<id>-help`), by the field's name (its id is then
 * `field-<name>`) or by the id a page gave it; an attribute selector, as names may hold dots.
 */
export const fieldError = (page: Page, field: string | { id: string }) =>
  page.locator(`[id="${typeof field === "string" ? `field-${field}` : field.id}-help"].field-error`).textContent();
/** Page code is passed as strings: the tests are type-checked without the DOM's types. */
export const scrollWidth = (page: Page) => page.evaluate<number>("document.documentElement.scrollWidth");
/** What the code editor on the page shows: CodeMirror's lines, joined as its document. */
export const editorText = (page: Page) =>
  page.evaluate<string>(
    `[...document.querySelector(".code-editor").shadowRoot.querySelectorAll(".cm-line")].map((line) => line.textContent).join("\\n")`,
  );
/** The CSRF token a context holds (its cookie), for a form posted by hand; "" before it has one. */
export const csrfTokenOf = async (context: BrowserContext) =>
  (await context.cookies()).find((cookie) => cookie.name === "csrf_token")?.value ?? "";

/** The first user, created over the public sign-up endpoint as the setup page would. */
export const ADMIN = { name: "Ada Admin", email: "ada@example.com", password: "correct-horse-1" };

/** Signs the admin up unless a user exists already (sign-up is closed then). */
export async function ensureAdmin(managementUrl: string): Promise<void> {
  const response = await fetch(`${managementUrl}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  const closed = response.status === 403 && ((await response.clone().json()) as { code?: string }).code === "SIGN_UP_CLOSED";
  if (!response.ok && !closed) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
}

export type SessionCookies = Parameters<BrowserContext["addCookies"]>[0];

/**
 * ADMIN's session and CSRF cookies from a sign-in over the API, for `openPage(browser, viewport,
 * cookies)`: many pages of one test file can share one sign-in (a password hash costs time).
 */
export async function adminSession(managementUrl: string): Promise<SessionCookies> {
  await ensureAdmin(managementUrl);
  return userSession(managementUrl, ADMIN);
}

/** Like adminSession, for any existing user. */
export async function userSession(managementUrl: string, credentials: { email: string; password: string }): Promise<SessionCookies> {
  const response = await fetch(`${managementUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: credentials.email, password: credentials.password }),
  });
  if (!response.ok) throw new Error(`sign-in failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((line) => {
    const [pair = ""] = line.split(";");
    const separator = pair.indexOf("=");
    return { name: pair.slice(0, separator), value: pair.slice(separator + 1), url: managementUrl };
  });
}

/** A page signed in as ADMIN through the login form (signed up first when no user exists yet), on the dashboard. */
export async function signedInPage(browser: Browser, managementUrl: string, viewport = DESKTOP): Promise<Page & PageProblems> {
  await ensureAdmin(managementUrl);
  const page = await openPage(browser, viewport);
  await signInWithForm(page, managementUrl, ADMIN);
  return page;
}

/** Saves docs/screenshots/<name>.png (the README shows them): main pages at DESKTOP, named after the page. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = join(PACKAGE_ROOT, "docs", "screenshots");
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: false });
}

/** One chromium for all tests of a file: launched before the first, closed after the last. */
export function chromiumPerFile(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());
  return () => {
    if (!browser) throw new Error("chromium did not start");
    return browser;
  };
}

export interface WebPerFile {
  readonly t: TestDaemon;
  readonly browser: Browser;
  /** ADMIN's cookies: every page of the file shares one sign-in (a password hash costs time). */
  readonly session: SessionCookies;
  /** A new page (own context) at `path`, signed in as ADMIN unless other `cookies` are given. */
  visit(path: string, viewport?: typeof DESKTOP, cookies?: SessionCookies): Promise<Page & PageProblems>;
}

/**
 * One daemon and one chromium for all tests of a file (or of the describe it is called in), and
 * ADMIN's session on that daemon (unless `admin: false`, for tests that sign up through the
 * pages): made before the first test, undone after the last. Read its fields from a test or a
 * later beforeAll. `browser` shares a chromiumPerFile() the file has already.
 */
export function webPerFile({ admin = true, browser = chromiumPerFile() }: { admin?: boolean; browser?: () => Browser } = {}): WebPerFile {
  const daemon = daemonPerFile();
  let session: SessionCookies | undefined;
  if (admin)
    beforeAll(async () => {
      session = await adminSession(daemon().managementUrl);
    });
  const web: WebPerFile = {
    get t() {
      return daemon();
    },
    get browser() {
      return browser();
    },
    get session() {
      if (!session) throw new Error(admin ? "the admin's sign-in failed" : "this file has no admin session (webPerFile({ admin: false }))");
      return session;
    },
    async visit(path, viewport = DESKTOP, cookies = web.session) {
      const page = await openPage(browser(), viewport, cookies);
      await page.goto(`${daemon().managementUrl}${path}`);
      return page;
    },
  };
  return web;
}
