import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { dataFiles } from "../../src/paths.js";
import { Browser } from "../helpers/browser.js";
import { deferCleanup } from "../helpers/cleanup.js";
import { startTestDaemon, type TestDaemon } from "../helpers/daemon.js";

const ADMIN = { name: "Ada", email: "ada@example.com", password: "first-admin-pw" };
const DAY_MS = 86_400_000;

/** The daemon's database opened beside it, as an operator with sqlite3 would. */
function openDb(t: TestDaemon) {
  const db = new Database(dataFiles(t.dataDir).database);
  deferCleanup(() => {
    db.close();
  });
  return db;
}

/** A daemon whose first user signed up; `browser` holds that user's session. */
async function daemonWithAdmin() {
  const t = await startTestDaemon();
  const browser = new Browser(t.managementUrl);
  const signUp = await browser.signUp(ADMIN);
  expect(signUp.status).toBe(200);
  return { t, browser, signUp };
}

function cookieLine(setCookies: string[], name: string): string {
  const line = setCookies.find((cookie) => cookie.startsWith(`${name}=`));
  expect(line, `Set-Cookie ${name}`).toBeDefined();
  return line as string;
}

describe("sign-up", () => {
  it("is open while no user exists: the first user is signed in and gets no secrets back", async () => {
    const { browser, signUp } = await daemonWithAdmin();
    expect(signUp.body).toEqual({
      token: expect.any(String),
      user: {
        id: expect.stringMatching(/^[a-zA-Z0-9_-]+$/),
        email: ADMIN.email,
        emailVerified: false,
        name: ADMIN.name,
        banned: false,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
    });
    expect(browser.cookies.get("crude_session")).toBe(signUp.body.token);
    expect(browser.csrfToken).toMatch(/^[\w-]+\.\d+\.[\w-]+$/);
    expect((await browser.get("/api/settings")).status).toBe(200);
  });

  it("closes as soon as one user exists, without a restart, and stays closed after one", async () => {
    const { t } = await daemonWithAdmin();
    const closed = { message: "Sign-up is closed: a user already exists. Ask an existing user to add you.", code: "SIGN_UP_CLOSED" };
    const second = await new Browser(t.managementUrl).signUp({ name: "Eve", email: "eve@example.com", password: "second-user-pw" });
    expect(second.status).toBe(403);
    expect(second.body).toEqual(closed);
    expect(second.setCookies).toEqual([]);

    await t.daemon.stop();
    const restarted = await startTestDaemon({ dataDir: t.dataDir });
    const afterRestart = await new Browser(restarted.managementUrl).signUp({ email: "eve@example.com", password: "second-user-pw" });
    expect(afterRestart.status).toBe(403);
    expect(afterRestart.body).toEqual(closed);
  });

  it("closes when the first user is created through /api/users instead", async () => {
    const t = await startTestDaemon();
    await t.socket.post("/api/users", {
      body: { email: "ops@example.com", password: "ops-password", passwordConfirmation: "ops-password" },
    });
    const signUp = await new Browser(t.managementUrl).signUp({ name: "Eve", email: "eve@example.com", password: "second-user-pw" });
    expect(signUp.status).toBe(403);
    expect(signUp.body.code).toBe("SIGN_UP_CLOSED");
  });

  it("validates the first user like POST /api/users and leaves sign-up open after a refusal", async () => {
    const t = await startTestDaemon();
    const browser = new Browser(t.managementUrl);
    expect((await browser.signUp({ name: "A", email: "", password: "long-enough" })).body).toEqual({
      message: "Missing required field: email",
    });
    expect((await browser.signUp({ name: "A", email: "no-at-sign", password: "long-enough" })).body).toEqual({
      message: "Invalid email format",
    });
    const short = await browser.signUp({ name: "A", email: "a@example.com", password: "short" });
    expect(short.status).toBe(400);
    expect(short.body).toEqual({ message: "Password must be at least 8 characters" });
    const long = await browser.signUp({ name: "A", email: "a@example.com", password: "x".repeat(129) });
    expect(long.body).toEqual({ message: "Password must be at most 128 characters" });
    expect((await browser.signUp({ name: "A", email: "a@example.com", password: "x".repeat(128) })).status).toBe(200);
  });
});

describe("sign-in", () => {
  it("sets an HttpOnly, SameSite=Lax session cookie for 7 days and a readable SameSite=Strict CSRF cookie", async () => {
    const { t } = await daemonWithAdmin();
    const browser = new Browser(t.managementUrl);
    const signIn = await browser.signIn("ADA@example.com", ADMIN.password);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toEqual({ redirect: false, token: expect.any(String), user: expect.objectContaining({ email: ADMIN.email }) });

    const session = cookieLine(signIn.setCookies, "crude_session");
    expect(session).toContain(`crude_session=${signIn.body.token}`);
    expect(session).toMatch(/; HttpOnly/);
    expect(session).toMatch(/; SameSite=Lax/);
    expect(session).toMatch(/; Path=\//);
    const maxAge = Number(/Max-Age=(\d+)/.exec(session)?.[1]);
    expect(maxAge).toBeGreaterThan(7 * 86_400 - 60);
    expect(maxAge).toBeLessThanOrEqual(7 * 86_400);
    expect(Date.parse(/Expires=([^;]+)/.exec(session)?.[1] ?? "")).toBeGreaterThan(Date.now() + 6 * DAY_MS);
    expect(session).not.toMatch(/Secure/);

    const csrf = cookieLine(signIn.setCookies, "csrf_token");
    expect(csrf).toMatch(/; SameSite=Strict/);
    expect(csrf).toMatch(/; Path=\//);
    expect(csrf).not.toMatch(/HttpOnly|Secure/);
  });

  it("marks the session cookie Secure when the request came over https through a proxy", async () => {
    const { t } = await daemonWithAdmin();
    const signIn = await new Browser(t.managementUrl).request("POST", "/api/auth/sign-in/email", {
      json: { email: ADMIN.email, password: ADMIN.password },
      headers: { "x-forwarded-proto": "https" },
    });
    expect(signIn.status).toBe(200);
    expect(cookieLine(signIn.setCookies, "crude_session")).toMatch(/; Secure/);
  });

  it("answers a wrong password and an unknown email alike, and malformed input with 400, never with a session", async () => {
    const { t } = await daemonWithAdmin();
    const browser = new Browser(t.managementUrl);
    const invalid = { message: "Invalid email or password", code: "INVALID_EMAIL_OR_PASSWORD" };
    for (const [email, password] of [
      [ADMIN.email, "wrong-password"],
      ["nobody@example.com", ADMIN.password],
    ]) {
      const refused = await browser.signIn(email as string, password as string);
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual(invalid);
    }
    const missing = await browser.request("POST", "/api/auth/sign-in/email", { json: { email: ADMIN.email } });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ message: "Missing required field: password" });
    const notJson = await browser.request("POST", "/api/auth/sign-in/email", {
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toEqual({ message: "Invalid JSON body" });
    expect(browser.cookies.size).toBe(0);
    expect((await browser.get("/api/settings")).status).toBe(401);
  });

  it("refuses posts from untrusted origins and accepts loopback, its own, proxied and AUTH_BASE_URL origins", async () => {
    process.env.AUTH_BASE_URL = "https://crude.example.org/web";
    deferCleanup(() => {
      delete process.env.AUTH_BASE_URL;
    });
    const { t } = await daemonWithAdmin();
    const signInFrom = (headers: Record<string, string>) =>
      new Browser(t.managementUrl).request("POST", "/api/auth/sign-in/email", {
        json: { email: ADMIN.email, password: ADMIN.password },
        headers,
      });

    for (const origin of ["https://evil.example", "null", "http://localhost.evil.example", "https://localhost:8443"]) {
      const refused = await signInFrom({ origin });
      expect(refused.status, origin).toBe(403);
      expect(refused.body).toEqual({ message: "Invalid origin" });
      expect(refused.setCookies).toEqual([]);
    }
    const trusted: Record<string, string>[] = [
      { origin: "http://localhost:5173" },
      { origin: "http://127.0.0.1" },
      { origin: t.managementUrl },
      { origin: "https://crude.example.org" },
      { origin: "https://proxy.example.net", "x-forwarded-proto": "https", "x-forwarded-host": "proxy.example.net" },
    ];
    for (const headers of trusted) {
      expect((await signInFrom(headers)).status, JSON.stringify(headers)).toBe(200);
    }
  });
});

describe("session access to /api", () => {
  it("authorizes management requests over TCP and describes itself at get-session", async () => {
    const { t, browser, signUp } = await daemonWithAdmin();
    expect((await browser.get("/api/settings")).body).toHaveProperty("settings");
    const current = await browser.get("/api/auth/get-session");
    expect(current.body).toEqual({
      session: {
        id: expect.any(String),
        userId: signUp.body.user.id,
        expiresAt: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      },
      user: signUp.body.user,
    });
    expect((await new Browser(t.managementUrl).get("/api/auth/get-session")).body).toBeNull();
  });

  it("requires the CSRF token on unsafe requests: 401 first, then missing, invalid, and accepted", async () => {
    const { t, browser } = await daemonWithAdmin();
    const change = { settings: { "server.name": "By Session" } };
    const anonymous = await new Browser(t.managementUrl).request("PUT", "/api/settings", { json: change });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error: "Unauthorized" });

    const missing = await browser.request("PUT", "/api/settings", { json: change });
    expect(missing.status).toBe(403);
    expect(missing.body).toEqual({ error: "CSRF token missing" });
    const wrong = await browser.request("PUT", "/api/settings", { json: change, headers: { "x-csrf-token": `${browser.csrfToken}x` } });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toEqual({ error: "Invalid CSRF token" });
    expect((await t.socket.get<{ settings: { name: string; value: string }[] }>("/api/settings")).settings).toContainEqual(
      expect.objectContaining({ name: "server.name", value: "Crude Functions" }),
    );

    const right = await browser.send("PUT", "/api/settings", change);
    expect(right.status).toBe(200);
    expect((await t.socket.get<{ settings: { name: string; value: string }[] }>("/api/settings")).settings).toContainEqual(
      expect.objectContaining({ name: "server.name", value: "By Session" }),
    );
  });

  it("accepts the token as a _csrf form field", async () => {
    const { browser } = await daemonWithAdmin();
    const form = new URLSearchParams({ _csrf: browser.csrfToken as string }).toString();
    const posted = await browser.request("POST", "/api/users", {
      body: form,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    // Past the CSRF check; the users endpoint itself wants JSON.
    expect(posted.status).toBe(400);
    expect(posted.body).toEqual({ error: "Invalid JSON body" });
  });

  it("issues a new CSRF cookie to a session that lacks a valid one", async () => {
    const { browser } = await daemonWithAdmin();
    browser.cookies.set("csrf_token", "forged.1.token");
    const read = await browser.get("/api/settings");
    expect(read.status).toBe(200);
    expect(cookieLine(read.setCookies, "csrf_token")).not.toContain("forged");
    expect((await browser.send("PUT", "/api/settings", { settings: { "server.name": "Fresh" } })).status).toBe(200);
    // A valid cookie is kept as it is.
    expect((await browser.get("/api/settings")).setCookies).toEqual([]);
  });

  it("lets API-key requests through without any CSRF token", async () => {
    const { t } = await daemonWithAdmin();
    const key = await t.socket.post<{ value: string }>("/api/keys", { body: { groupId: "management", name: "ci" } });
    const response = await fetch(`${t.managementUrl}/api/settings`, {
      method: "PUT",
      headers: { "x-api-key": key.value, "content-type": "application/json" },
      body: JSON.stringify({ settings: { "server.name": "By Key" } }),
    });
    expect(response.status).toBe(200);
  });

  it("refuses forged and expired session cookies, deleting the expired session", async () => {
    const { t, browser } = await daemonWithAdmin();
    const forged = new Browser(t.managementUrl);
    forged.cookies.set("crude_session", "A".repeat(43));
    expect((await forged.get("/api/settings")).status).toBe(401);

    const db = openDb(t);
    db.prepare("UPDATE sessions SET expires_at = ?").run(new Date(Date.now() - 1000).toISOString());
    const expired = await browser.get("/api/settings");
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ error: "Unauthorized" });
    expect(db.prepare("SELECT COUNT(*) FROM sessions").pluck().get()).toBe(0);
    expect((await browser.get("/api/auth/get-session")).body).toBeNull();
  });

  it("pushes the expiry out (and re-sends the cookie) once the session is more than a day old", async () => {
    const { t, browser } = await daemonWithAdmin();
    const db = openDb(t);
    const fresh = await browser.get("/api/settings");
    expect(fresh.setCookies.filter((line) => line.startsWith("crude_session="))).toEqual([]);

    db.prepare("UPDATE sessions SET expires_at = ?").run(new Date(Date.now() + 5 * DAY_MS).toISOString());
    const refreshed = await browser.get("/api/settings");
    expect(refreshed.status).toBe(200);
    expect(Number(/Max-Age=(\d+)/.exec(cookieLine(refreshed.setCookies, "crude_session"))?.[1])).toBeGreaterThan(7 * 86_400 - 60);
    const expiresAt = Date.parse(db.prepare("SELECT expires_at FROM sessions").pluck().get() as string);
    expect(expiresAt).toBeGreaterThan(Date.now() + 7 * DAY_MS - 60_000);
  });

  it("ends at sign-out: the cookie is cleared and the old token opens nothing", async () => {
    const { t, browser, signUp } = await daemonWithAdmin();
    const signOut = await browser.request("POST", "/api/auth/sign-out");
    expect(signOut.status).toBe(200);
    expect(signOut.body).toEqual({ success: true });
    expect(cookieLine(signOut.setCookies, "crude_session")).toMatch(/Max-Age=0/);
    expect(browser.cookies.has("crude_session")).toBe(false);

    const replay = new Browser(t.managementUrl);
    replay.cookies.set("crude_session", signUp.body.token);
    expect((await replay.get("/api/settings")).status).toBe(401);
  });

  it("ends for everyone at a key rotation, including the caller's", async () => {
    const { t, browser } = await daemonWithAdmin();
    const other = new Browser(t.managementUrl);
    expect((await other.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    await t.socket.post("/api/encryption-keys/rotation");
    expect((await browser.get("/api/settings")).status).toBe(401);
    expect((await other.get("/api/auth/get-session")).body).toBeNull();
    expect(openDb(t).prepare("SELECT COUNT(*) FROM sessions").pluck().get()).toBe(0);
    // Signing in again works with the new session secret.
    expect((await browser.signIn(ADMIN.email, ADMIN.password)).status).toBe(200);
    expect((await browser.get("/api/settings")).status).toBe(200);
  });
});

describe("change-password", () => {
  it("needs a session and the current password; optionally ends the user's other sessions", async () => {
    const { t, browser } = await daemonWithAdmin();
    const change = (b: Browser, body: unknown) => b.request("POST", "/api/auth/change-password", { json: body });

    const anonymous = await change(new Browser(t.managementUrl), { currentPassword: ADMIN.password, newPassword: "new-password-1" });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ message: "Unauthorized", code: "UNAUTHORIZED" });
    const wrong = await change(browser, { currentPassword: "not-my-password", newPassword: "new-password-1" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ message: "Invalid password", code: "INVALID_PASSWORD" });
    const short = await change(browser, { currentPassword: ADMIN.password, newPassword: "short" });
    expect(short.body).toEqual({ message: "Password must be at least 8 characters" });

    const laptop = new Browser(t.managementUrl);
    await laptop.signIn(ADMIN.email, ADMIN.password);
    const changed = await change(browser, { currentPassword: ADMIN.password, newPassword: "new-password-1", revokeOtherSessions: true });
    expect(changed.status).toBe(200);
    expect(changed.body).toEqual({ token: null, user: expect.objectContaining({ email: ADMIN.email }) });
    expect((await browser.get("/api/settings")).status).toBe(200);
    expect((await laptop.get("/api/settings")).status).toBe(401);

    const fresh = new Browser(t.managementUrl);
    expect((await fresh.signIn(ADMIN.email, ADMIN.password)).status).toBe(401);
    expect((await fresh.signIn(ADMIN.email, "new-password-1")).status).toBe(200);
  });
});

describe("secrecy", () => {
  it("never sends or logs password hashes or passwords", async () => {
    const { t, browser } = await daemonWithAdmin();
    await browser.send("POST", "/api/users", { email: "bob@example.com", password: "bob-password", passwordConfirmation: "bob-password" });
    await browser.get("/api/users");
    await browser.get("/api/auth/get-session");
    await browser.signIn(ADMIN.email, ADMIN.password);
    const users = (await browser.get("/api/users")).body.users as { id: string }[];
    for (const user of users) await browser.get(`/api/users/${user.id}`);

    const hashes = openDb(t).prepare("SELECT password_hash FROM users").pluck().all() as string[];
    expect(hashes).toHaveLength(2);
    const everything = `${browser.transcript.join("\n")}\n${t.log()}`;
    for (const secret of [...hashes, "$scrypt$", ADMIN.password, "bob-password"]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/roles|permanent|userMgmt|password_?hash/i);
  });
});
