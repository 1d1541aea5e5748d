import { Hono } from "hono";
import type { ApiKeyBody, ApiKeyCreatedBody, ApiKeysListBody, KeyGroupsListBody, SuccessBody } from "../../src/api-types.js";
import { readJsonObject } from "../http/json-body.js";
import { maskKeyValue } from "./rules.js";
import type { KeysService, StoredKey } from "./service.js";

/** `?includeValues=true` (exactly) shows full key values; everything else masks them. */
function shown(key: StoredKey, includeValues: boolean) {
  const { decryptionError, ...item } = key;
  const value = includeValues || decryptionError ? item.value : maskKeyValue(item.value);
  return decryptionError ? { ...item, value, decryptionError } : { ...item, value };
}

export function keyGroupRoutes(keys: KeysService) {
  const app = new Hono();

  app.get("/", async (c) => c.json({ groups: await keys.listGroups() } satisfies KeyGroupsListBody));
  app.get("/:id", async (c) => c.json(await keys.getGroup(c.req.param("id"))));
  app.post("/", async (c) => c.json(await keys.createGroup(await readJsonObject(c)), 201));
  app.put("/:id", async (c) => {
    const id = c.req.param("id");
    // Existence is checked before the body is read, as in the reference.
    await keys.getGroup(id);
    await keys.updateGroup(id, await readJsonObject(c));
    return c.json({ success: true } satisfies SuccessBody);
  });
  app.delete("/:id", async (c) => {
    await keys.deleteGroup(c.req.param("id"));
    return c.json({ success: true } satisfies SuccessBody);
  });

  return app;
}

export function keyRoutes(keys: KeysService) {
  const app = new Hono();

  app.get("/", async (c) => {
    const includeValues = c.req.query("includeValues") === "true";
    const list = await keys.listKeys(c.req.query("groupId"));
    return c.json({ keys: list.map((key) => shown(key, includeValues)) } satisfies ApiKeysListBody);
  });
  app.get("/:id", async (c) => {
    const { key, group } = await keys.getKey(c.req.param("id"));
    const { groupId: _g, groupName: _n, ...item } = shown(key, c.req.query("includeValues") === "true");
    return c.json({ key: item, group } satisfies ApiKeyBody);
  });
  // The one answer that always carries the full value: the caller has to store it now.
  app.post("/", async (c) => c.json((await keys.createKey(await readJsonObject(c))) satisfies ApiKeyCreatedBody, 201));
  app.put("/:id", async (c) => {
    await keys.updateKey(c.req.param("id"), await readJsonObject(c));
    return c.json({ success: true } satisfies SuccessBody);
  });
  app.delete("/:id", async (c) => {
    await keys.deleteKey(c.req.param("id"));
    return c.json({ success: true } satisfies SuccessBody);
  });

  return app;
}
