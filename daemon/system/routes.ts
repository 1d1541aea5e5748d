import { Hono } from "hono";
import type { HealthBody, StatusBody } from "../../src/api-types.js";
import { VERSION } from "../../src/package.js";
import type { AuthVariables } from "../http/auth.js";
import { HttpError } from "../http/errors.js";

export interface SystemDeps {
  status: () => Promise<StatusBody>;
  requestShutdown: () => void;
}

/** Health, status and shutdown of the daemon itself. */
export function systemRoutes(deps: SystemDeps) {
  const app = new Hono<{ Variables: AuthVariables }>();

  app.get("/health", (c) => c.json({ status: "ok", version: VERSION } satisfies HealthBody));

  app.get("/status", async (c) => c.json(await deps.status()));

  // Stopping the daemon is for the machine's owner only, never for a remote key.
  app.post("/daemon/shutdown", (c) => {
    if (c.get("principal").kind !== "local-owner") {
      throw new HttpError(403, "The daemon can only be stopped through its local socket");
    }
    setImmediate(deps.requestShutdown);
    return c.json({ success: true, message: "Shutting down" }, 202);
  });

  return app;
}
