import { Hono } from "hono";
import type { SuccessBody, UsersListBody } from "../../src/api-types.js";
import type { AuthVariables } from "../http/auth.js";
import { readJsonObject } from "../http/json-body.js";
import { setUserPassword } from "./password-change.js";
import type { UsersService } from "./service.js";
import type { SessionStore } from "./sessions.js";

export function userRoutes(users: UsersService, sessions: SessionStore) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/", async (c) => c.json({ users: await users.list() } satisfies UsersListBody));
  app.get("/:id", async (c) => c.json(await users.get(c.req.param("id"))));
  app.post("/", async (c) => c.json(await users.create(await readJsonObject(c)), 201));
  app.put("/:id", async (c) => {
    await setUserPassword({ users, sessions }, c.req.param("id"), await readJsonObject(c));
    return c.json({ success: true } satisfies SuccessBody);
  });
  app.delete("/:id", async (c) => {
    // Only a signed-in user has an account of their own; API keys and the socket do not.
    const principal = c.get("principal");
    await users.delete(c.req.param("id"), principal.kind === "user" ? principal.userId : undefined);
    return c.json({ success: true } satisfies SuccessBody);
  });

  return app;
}
