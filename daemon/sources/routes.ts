import { Hono } from "hono";
import type {
  Source,
  SourceStatusBody,
  SourceSyncBody,
  SourceSyncRefusedBody,
  SourcesListBody,
  SourceUpdatedBody,
  SuccessBody,
} from "../../src/api-types.js";
import { readJsonObject } from "../http/json-body.js";
import type { SourcesService } from "./service.js";

export function sourceRoutes(sources: SourcesService) {
  const app = new Hono();

  app.get("/", async (c) => c.json({ sources: await sources.list() } satisfies SourcesListBody));
  app.get("/by-name/:name", async (c) => c.json((await sources.getByName(c.req.param("name"))) satisfies Source));
  app.get("/:id", async (c) => c.json((await sources.get(c.req.param("id"))) satisfies Source));
  app.post("/", async (c) => c.json((await sources.create(await readJsonObject(c))) satisfies Source, 201));
  app.put("/:id", async (c) => {
    const id = c.req.param("id");
    // Existence is checked before the body is read, as in the reference.
    await sources.get(id);
    const { source, syncTriggered } = await sources.update(id, await readJsonObject(c));
    return c.json({ ...source, syncTriggered } satisfies SourceUpdatedBody);
  });
  app.delete("/:id", async (c) => {
    await sources.delete(c.req.param("id"));
    return c.json({ success: true } satisfies SuccessBody);
  });
  app.post("/:id/sync", async (c) => {
    const jobId = await sources.sync(c.req.param("id"));
    // The spec's body for this one refusal has `message`, not `error`.
    if (jobId === null) return c.json({ message: "Sync already in progress" } satisfies SourceSyncRefusedBody, 409);
    return c.json({ message: "Sync triggered", jobId } satisfies SourceSyncBody);
  });
  app.get("/:id/status", async (c) => c.json((await sources.status(c.req.param("id"))) satisfies SourceStatusBody));
  // Public (see http/auth.ts): the secret is the credential; the body is ignored.
  app.post("/:id/webhook", async (c) => {
    const secret = c.req.header("x-webhook-secret") ?? c.req.query("secret") ?? "";
    const jobId = await sources.webhook(c.req.param("id"), secret);
    if (jobId === null) return c.json({ message: "Sync skipped (source disabled or already in progress)" } satisfies SourceSyncRefusedBody);
    return c.json({ message: "Sync triggered", jobId } satisfies SourceSyncBody);
  });

  return app;
}
