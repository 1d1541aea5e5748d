import type { Context } from "hono";
import { HttpError } from "./errors.js";

/** Parses a JSON request body; anything unparsable is the spec's 400 `Invalid JSON body`. */
async function readJsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Invalid JSON body");
  }
}

/** Like readJsonBody, for endpoints whose body must be a JSON object. */
export async function readJsonObject(c: Context): Promise<Record<string, unknown>> {
  const body = await readJsonBody(c);
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "Request body must be a JSON object");
  }
  return body as Record<string, unknown>;
}
