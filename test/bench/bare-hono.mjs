// The functions bench's bare baseline: Hono on @hono/node-server answering what the bench's
// handler answers, with no routing table, key check, worker hand-off or logging. Prints
// {"port":n} once listening on a free port of 127.0.0.1.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const app = new Hono();
app.get("/run/hello", (c) => c.json({ message: "hello" }));
serve({ fetch: app.fetch, hostname: "127.0.0.1", port: 0 }, (info) => {
  process.stdout.write(`${JSON.stringify({ port: info.port })}\n`);
});
process.on("SIGTERM", () => process.exit(0));
