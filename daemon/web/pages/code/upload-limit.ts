import type { MiddlewareHandler } from "hono";
import { limitUploads, tooLarge } from "../../../files/upload.js";
import type { WebDeps } from "../../env.js";

/**
 * files.max-size-bytes for the pages that send a file's bytes (CODE_UPLOAD_ROUTES), in front of
 * the CSRF check, which reads the form: a body declared larger is refused before any of it is
 * read (else the check would find no token in it and answer "CSRF token missing"), and any body
 * is read only up to the limit.
 */
export function fileBodyLimit(deps: WebDeps): MiddlewareHandler {
  const maxBytes = () => deps.settings.getInteger("files.max-size-bytes");
  const limit = limitUploads(maxBytes);
  return (c, next) => {
    const max = maxBytes();
    const declared = Number(c.req.header("content-length"));
    if (declared > max) throw tooLarge("File", declared, max);
    return limit(c, next);
  };
}
