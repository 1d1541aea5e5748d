import { Hono } from "hono";
import type { SecretCreatedBody, SecretsByNameBody, SecretsListBody, SecretWithValue, SuccessBody } from "../../src/api-types.js";
import { readJsonObject } from "../http/json-body.js";
import type { SecretsService } from "./service.js";

export function secretRoutes(secrets: SecretsService) {
  const app = new Hono();

  app.get("/", async (c) => {
    const list = await secrets.list({
      scope: c.req.query("scope"),
      functionId: c.req.query("functionId"),
      groupId: c.req.query("groupId"),
      keyId: c.req.query("keyId"),
      includeValues: c.req.query("includeValues") === "true",
    });
    return c.json({ secrets: list } satisfies SecretsListBody);
  });
  app.get("/by-name/:name", async (c) => {
    const name = c.req.param("name");
    return c.json({ name, secrets: await secrets.getByName(name, c.req.query("scope")) } satisfies SecretsByNameBody);
  });
  app.get("/:id", async (c) => c.json((await secrets.get(c.req.param("id"))) satisfies SecretWithValue));
  app.post("/", async (c) => c.json((await secrets.create(await readJsonObject(c))) satisfies SecretCreatedBody, 201));
  app.put("/:id", async (c) => {
    await secrets.update(c.req.param("id"), await readJsonObject(c));
    return c.json({ success: true } satisfies SuccessBody);
  });
  app.delete("/:id", async (c) => {
    await secrets.delete(c.req.param("id"));
    return c.json({ success: true } satisfies SuccessBody);
  });

  return app;
}
