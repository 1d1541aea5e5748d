/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { functionPath } from "./paths.js";

/** /web/functions/delete/:id: asks first (GET), deletes on the POST to the same path. */
export function deleteFunctionPage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/delete/:id", async (c) => {
    const fn = await deps.functions.get(c.req.param("id"));
    return c.render(
      <ConfirmDelete
        subject={`function "${fn.name}"`}
        action={functionPath("delete", fn.id)}
        cancelHref="/web/functions"
        consequences={
          <>
            Its secrets and execution logs are deleted with it; its metrics stay in the global totals. The handler file{" "}
            <code>{fn.handler}</code> is kept.
          </>
        }
      />,
      { title: "Delete function" },
    );
  });

  app.post("/delete/:id", async (c) => {
    const fn = await deps.functions.get(c.req.param("id"));
    await deps.functions.delete(fn.id);
    return redirectWithFlash(c, "/web/functions", `Function "${fn.name}" deleted.`);
  });

  return app;
}
