import { Hono } from "hono";
import type { MetricsBody } from "../../src/api-types.js";
import type { MetricsQuery } from "./query.js";

export function metricsRoutes(metrics: MetricsQuery) {
  const app = new Hono();
  app.get("/", async (c) =>
    c.json((await metrics.read({ resolution: c.req.query("resolution"), functionId: c.req.query("functionId") })) satisfies MetricsBody),
  );
  return app;
}
