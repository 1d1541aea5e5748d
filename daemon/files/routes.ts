import { type Context, Hono } from "hono";
import { routePath } from "hono/route";
import type { BlankEnv } from "hono/types";
import type { FileDeletedBody, FileSearchBody, FileWrittenBody, SourceFileBody, SourceFilesListBody } from "../../src/api-types.js";
import { isTextType } from "./content-types.js";
import type { FilesService } from "./service.js";
import { uploadReader } from "./upload.js";

/**
 * The file path of a request, still percent-encoded: the URL's path after the route's fixed
 * part. Taken from the raw URL because the router's copy is already partly decoded, and
 * `%2F`, a malformed escape or an encoded NUL must reach the path rules as sent.
 */
function encodedPath(c: Context): string {
  const fixedSegments = routePath(c).split("/").length - 1;
  return new URL(c.req.url).pathname.split("/").slice(fixedSegments).join("/");
}

/** Mounted at `/api/sources`, next to the sources' own routes. */
export function fileRoutes(files: FilesService) {
  const app = new Hono();

  app.get("/:id/files", async (c) => c.json({ files: await files.list(c.req.param("id")) } satisfies SourceFilesListBody));
  app.get("/:id/files/*", async (c) => {
    const file = await files.read(c.req.param("id"), encodedPath(c));
    const accept = c.req.header("accept") ?? "";
    if (!accept.includes("application/json") || accept.includes("*/*")) {
      // A view, not a copy; readFile never returns shared memory, whatever Buffer's type allows.
      const { buffer, byteOffset, length } = file.bytes;
      return c.body(new Uint8Array(buffer as ArrayBuffer, byteOffset, length), 200, {
        "Content-Type": file.contentType,
        "Content-Length": String(length),
      });
    }
    const text = isTextType(file.contentType);
    return c.json({
      path: file.path,
      content: file.bytes.toString(text ? "utf8" : "base64"),
      contentType: file.contentType,
      size: file.bytes.length,
      encoding: text ? "utf-8" : "base64",
    } satisfies SourceFileBody);
  });
  const write = (createOnly: boolean) => async (c: Context<BlankEnv, "/:id/files/*">) => {
    const written = await files.write(c.req.param("id"), encodedPath(c), createOnly, uploadReader(c));
    return c.json({ success: true, ...written } satisfies FileWrittenBody, written.created ? 201 : 200);
  };
  app.put("/:id/files/*", write(false));
  app.post("/:id/files/*", write(true));
  app.delete("/:id/files/*", async (c) => {
    const { path } = await files.delete(c.req.param("id"), encodedPath(c));
    return c.json({ success: true, path, deleted: true } satisfies FileDeletedBody);
  });

  return app;
}

/** Mounted at `/api/files`. */
export function fileSearchRoutes(files: FilesService) {
  const app = new Hono();
  app.get("/search", async (c) => c.json({ matches: await files.search(c.req.query("q"), c.req.query("limit")) } satisfies FileSearchBody));
  return app;
}
