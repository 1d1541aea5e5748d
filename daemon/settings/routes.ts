import { Hono } from "hono";
import type { SettingBody, SettingsListBody, SettingsUpdateBody } from "../../src/api-types.js";
import { HttpError } from "../http/errors.js";
import { readJsonObject } from "../http/json-body.js";
import { describeKind, SETTINGS_BY_NAME } from "./definitions.js";
import { type SettingsService, SettingsValidationError } from "./service.js";

export function settingsRoutes(settings: SettingsService) {
  const app = new Hono();

  // The reference omits settings whose value is empty (typically a cleared api.access-groups).
  app.get("/", async (c) => {
    const all = await settings.list();
    return c.json({ settings: all.filter((s) => s.value !== "") } satisfies SettingsListBody);
  });

  app.get("/:name", async (c) => {
    const name = c.req.param("name");
    const definition = SETTINGS_BY_NAME.get(name);
    if (!definition) throw new HttpError(404, `Unknown setting name: ${name}`);
    const body: SettingBody = {
      setting: {
        name,
        value: settings.get(name),
        default: definition.default,
        description: definition.description,
        allowed: describeKind(definition.kind),
      },
    };
    return c.json(body);
  });

  app.put("/", async (c) => {
    const body = await readJsonObject(c);
    const changes = body.settings;
    if (!changes || typeof changes !== "object" || Array.isArray(changes)) {
      throw new HttpError(400, "Missing or invalid 'settings' field (must be object)");
    }
    try {
      const updated = await settings.update(changes as Record<string, unknown>);
      return c.json({ success: true, updated } satisfies SettingsUpdateBody);
    } catch (error) {
      if (error instanceof SettingsValidationError) {
        throw new HttpError(400, "Validation failed", { details: error.problems });
      }
      throw error;
    }
  });

  return app;
}
