import { describe, expect, it } from "vitest";
import type { User, UsersListBody } from "../../src/api-types.js";
import { Browser } from "../helpers/browser.js";
import { startTestDaemon } from "../helpers/daemon.js";
import { refusal } from "../helpers/refusal.js";

const USER_SHAPE = {
  id: expect.stringMatching(/^[a-zA-Z0-9_-]+$/),
  email: expect.any(String),
  emailVerified: false,
  banned: false,
  createdAt: expect.any(String),
  updatedAt: expect.any(String),
};

const newUser = (email: string, password = "password-123", extra: Record<string, unknown> = {}) => ({
  body: { email, password, passwordConfirmation: password, ...extra },
});

describe("users API", () => {
  it("creates, lists newest first, gets, updates the password of and deletes users", async () => {
    const t = await startTestDaemon();
    // The first account is the permanent admin however it is made; the rest are ordinary users.
    const admin = await t.socket.post<User>("/api/users", newUser("admin@example.com"));
    expect(await refusal(t.socket.delete(`/api/users/${admin.id}`))).toEqual({
      status: 403,
      body: { error: "Cannot delete permanent admin user" },
    });
    const bob = await t.socket.post<User>("/api/users", newUser("Bob@Example.com", "password-123", { name: "Bob" }));
    expect(bob).toEqual({ ...USER_SHAPE, email: "bob@example.com", name: "Bob" });
    const carol = await t.socket.post<User>("/api/users", newUser("carol@example.com"));
    expect(carol).toEqual({ ...USER_SHAPE, email: "carol@example.com" });

    const list = await t.socket.get<UsersListBody>("/api/users");
    expect(list.users.map((user) => user.email)).toEqual(["carol@example.com", "bob@example.com", "admin@example.com"]);
    expect(await t.socket.get(`/api/users/${bob.id}`)).toEqual(bob);

    const browser = new Browser(t.managementUrl);
    expect((await browser.signIn("bob@example.com", "password-123")).status).toBe(200);
    expect((await browser.get("/api/settings")).status).toBe(200);
    expect(
      await t.socket.put(`/api/users/${bob.id}`, { body: { password: "changed-pw-1", passwordConfirmation: "changed-pw-1" } }),
    ).toEqual({
      success: true,
    });
    // A password set by an administrator ends the sessions made with the old one.
    expect((await browser.get("/api/settings")).status).toBe(401);
    expect((await browser.signIn("bob@example.com", "password-123")).status).toBe(401);
    expect((await browser.signIn("bob@example.com", "changed-pw-1")).status).toBe(200);

    // Without a password nothing changes, whatever else is sent.
    expect(await t.socket.put(`/api/users/${bob.id}`, { body: { email: "mallory@example.com", name: "X" } })).toEqual({ success: true });
    expect(await t.socket.get(`/api/users/${bob.id}`)).toEqual({ ...bob, updatedAt: expect.any(String) });

    expect(await t.socket.delete(`/api/users/${bob.id}`)).toEqual({ success: true });
    expect(await refusal(t.socket.get(`/api/users/${bob.id}`))).toEqual({ status: 404, body: { error: "User not found" } });
    // The deleted user's session went with them.
    expect((await browser.get("/api/settings")).status).toBe(401);
  });

  it("refuses invalid new users with the spec's messages, in the spec's order", async () => {
    const t = await startTestDaemon();
    const cases: [Record<string, unknown>, string][] = [
      [{}, "Missing required field: email"],
      [{ email: "", password: "x" }, "Missing required field: email"],
      [{ email: "no-at-sign", password: "x" }, "Invalid email format"],
      [{ email: "a@example.com" }, "Missing required field: password"],
      [{ email: "a@example.com", password: "short", passwordConfirmation: "other" }, "Password must be at least 8 characters"],
      [{ email: "a@example.com", password: "long-enough" }, "Missing required field: passwordConfirmation"],
      [{ email: "a@example.com", password: "long-enough", passwordConfirmation: "long-enougH" }, "Passwords do not match"],
    ];
    for (const [body, message] of cases) {
      expect(await refusal(t.socket.post("/api/users", { body })), JSON.stringify(body)).toEqual({ status: 400, body: { error: message } });
    }
    expect((await t.socket.get<UsersListBody>("/api/users")).users).toEqual([]);
  });

  it("refuses a second user with the same email, whatever its case", async () => {
    const t = await startTestDaemon();
    await t.socket.post("/api/users", newUser("dave@example.com"));
    const duplicate = await refusal(t.socket.post("/api/users", newUser("DAVE@example.COM")));
    expect(duplicate.status).toBe(409);
    expect((duplicate.body as { error: string }).error).toContain("already exists");
    expect((await t.socket.get<UsersListBody>("/api/users")).users).toHaveLength(1);
  });

  it("refuses invalid password updates and unknown users", async () => {
    const t = await startTestDaemon();
    const user = await t.socket.post<User>("/api/users", newUser("erin@example.com"));
    const update = (body: unknown) => refusal(t.socket.put(`/api/users/${user.id}`, { body }));
    expect(await update({ password: "short", passwordConfirmation: "short" })).toEqual({
      status: 400,
      body: { error: "Password must be at least 8 characters" },
    });
    expect(await update({ password: "long-enough" })).toEqual({
      status: 400,
      body: { error: "Password confirmation required when updating password" },
    });
    expect(await update({ password: "long-enough", passwordConfirmation: "long-enougH" })).toEqual({
      status: 400,
      body: { error: "Passwords do not match" },
    });
    for (const request of [
      t.socket.get("/api/users/nobody"),
      t.socket.put("/api/users/nobody", { body: { password: "long-enough", passwordConfirmation: "long-enough" } }),
      t.socket.delete("/api/users/nobody"),
    ]) {
      expect(await refusal(request)).toEqual({ status: 404, body: { error: "User not found" } });
    }
  });

  it("never deletes the permanent admin, and never the signed-in user's own account", async () => {
    const t = await startTestDaemon();
    const admin = new Browser(t.managementUrl);
    const adminId = (await admin.signUp({ name: "Admin", email: "admin@example.com", password: "admin-password" })).body.user.id;
    const frank = await admin.send("POST", "/api/users", {
      email: "frank@example.com",
      password: "frank-pw-1",
      passwordConfirmation: "frank-pw-1",
    });
    expect(frank.status).toBe(201);
    const frankBrowser = new Browser(t.managementUrl);
    await frankBrowser.signIn("frank@example.com", "frank-pw-1");

    const permanent = { error: "Cannot delete permanent admin user" };
    expect(await refusal(t.socket.delete(`/api/users/${adminId}`))).toEqual({ status: 403, body: permanent });
    const byFrank = await frankBrowser.send("DELETE", `/api/users/${adminId}`);
    expect(byFrank.status).toBe(403);
    expect(byFrank.body).toEqual(permanent);

    const own = { error: "Cannot delete your own account" };
    const adminSelf = await admin.send("DELETE", `/api/users/${adminId}`);
    expect(adminSelf.status).toBe(403);
    expect(adminSelf.body).toEqual(own);
    const frankSelf = await frankBrowser.send("DELETE", `/api/users/${frank.body.id}`);
    expect(frankSelf.status).toBe(403);
    expect(frankSelf.body).toEqual(own);

    // Any other signed-in user may delete frank; there are no per-role permissions.
    const deleted = await admin.send("DELETE", `/api/users/${frank.body.id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ success: true });
  });

  it("lets a management API key manage users, where only the permanent rule applies", async () => {
    const t = await startTestDaemon();
    const key = await t.socket.post<{ value: string }>("/api/keys", { body: { groupId: "management", name: "ci" } });
    const viaKey = t.tcp(key.value);
    await viaKey.post<User>("/api/users", newUser("admin@example.com"));
    const grace = await viaKey.post<User>("/api/users", newUser("grace@example.com"));
    expect((await viaKey.get<UsersListBody>("/api/users")).users[0]).toEqual(grace);
    expect(await viaKey.delete(`/api/users/${grace.id}`)).toEqual({ success: true });
    expect(await refusal(t.tcp().get("/api/users"))).toEqual({ status: 401, body: { error: "Unauthorized" } });
  });
});
