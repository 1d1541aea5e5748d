import { Hono } from "hono";
import type { FunctionBody, FunctionsListBody } from "../../src/api-types.js";
import { readJsonObject } from "../http/json-body.js";
import { checkFunctionId } from "./rules.js";
import type { FunctionRecord, FunctionsService } from "./service.js";

/**
 * Compiles a handler and reports what would make it fail (`my-src/hello.ts: file does not
 * exist yet`, `my-src/hello.ts:3:7: Expected ";" but found "x"`); none means it looks fine.
 * It never refuses a save: the file may be written after the function.
 */
export type HandlerCheck = (handler: string) => Promise<string[]>;

/** What a saved function's handler check found (the API's `warnings`, the web UI's notice); a failed check is one. */
export async function handlerWarnings(checkHandler: HandlerCheck, handler: string): Promise<string[]> {
  return checkHandler(handler).catch((error: unknown) => [
    `${handler}: could not be checked: ${error instanceof Error ? error.message : String(error)}`,
  ]);
}

export function functionRoutes(functions: FunctionsService, checkHandler: HandlerCheck) {
  const app = new Hono();

  /** The saved function, with `warnings` only when the check found something. */
  const saved = async (fn: FunctionRecord): Promise<FunctionBody> => {
    const warnings = await handlerWarnings(checkHandler, fn.handler);
    return warnings.length > 0 ? { function: fn, warnings } : { function: fn };
  };

  app.get("/", async (c) => c.json({ functions: await functions.list() } satisfies FunctionsListBody));
  app.get("/:id", async (c) => c.json({ function: await functions.get(c.req.param("id")) } satisfies FunctionBody));
  app.post("/", async (c) => c.json(await saved(await functions.create(await readJsonObject(c))), 201));
  app.put("/:id", async (c) => {
    // The ID is checked before the body is read, as in the reference.
    const id = checkFunctionId(c.req.param("id"));
    return c.json(await saved(await functions.update(id, await readJsonObject(c))));
  });
  app.delete("/:id", async (c) => {
    await functions.delete(c.req.param("id"));
    return c.body(null, 204);
  });
  app.put("/:id/enable", async (c) => c.json({ function: await functions.setEnabled(c.req.param("id"), true) } satisfies FunctionBody));
  app.put("/:id/disable", async (c) => c.json({ function: await functions.setEnabled(c.req.param("id"), false) } satisfies FunctionBody));

  return app;
}
