import { Hono } from "hono";
import type { MetricsBody, MetricsOverviewBody } from "../../src/api-types.js";
import type { MetricsOverview } from "./overview.js";
import type { MetricsQuery } from "./query.js";

export function metricsRoutes(metrics: MetricsQuery, overview: MetricsOverview) {
  const app = new Hono();
  app.get("/", async (c) =>
    c.json((await metrics.read({ resolution: c.req.query("resolution"), functionId: c.req.query("functionId") })) satisfies MetricsBody),
  );
  app.get("/overview", async (c) => c.json((await overview.read()) satisfies MetricsOverviewBody));
  return app;
}
